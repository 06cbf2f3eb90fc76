"""The deliberately bad rows of the committed sample (about 25, spread over the files), so that the rejects
view has something to show. Each bad row has exactly one problem, on a row that appears in no other file, so
the expected counts do not depend on the order in which the files are imported."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jianfu import schema
from jianfu.ingest.validate import identifies
from jianfu.sample.layouts import Export
from jianfu.sample.render import load_profile

CLOSED = {"办理状态": "已办结"}


@dataclass(frozen=True)
class Defect:
    kind: str  # "value": write `value` into `header`; "before": make `header` one day before `other`;
    #            "duplicate": repeat a row a few rows further down; "junk": a survey answer that is no score
    why: str
    header: str | None = None
    value: object = None
    other: str | None = None
    only: dict = field(default_factory=dict)  # the row must hold these values (e.g. a closed case)


PLAN: dict[str, tuple[Defect, ...]] = {
    "服务中心办件_2024.xlsx": (
        Defect("before", "closed before received", "办结时间", other="受理时间", only=CLOSED),
        Defect("value", "unknown status", "办理状态", "暂停办理", only=CLOSED),
        Defect("duplicate", "duplicate 受理编号 in the file", only=CLOSED),
    ),
    "服务中心办件_2025.xlsx": (
        Defect("value", "unparseable date", "受理时间", "2025-13-45 10:00", only=CLOSED),
        Defect("value", "missing required case id", "受理编号", None, only=CLOSED),
        Defect("value", "unknown channel", "办理渠道", "自助终端", only=CLOSED),
    ),
    "服务中心办件_2026.xlsx": (
        Defect("value", "closed far in the future", "办结时间", "2099-01-01 09:00:00", only=CLOSED),
    ),
    "网格事件明细.csv": (
        Defect("value", "unparseable date", "上报时间", "2024-02-30 09:15", only={"事件状态": "已结案"}),
        Defect("value", "unknown status", "事件状态", "挂起", only={"事件状态": "已结案"}),
        Defect("before", "closed before received", "结案时间", other="上报时间", only={"事件状态": "已结案"}),
        Defect("value", "missing required status", "事件状态", None, only={"事件状态": "已结案"}),
    ),
    "好差评评价明细.csv": (
        Defect("value", "unknown rating value", "评价结果", "一般"),
        Defect("value", "missing required rating time", "评价时间", None),
        Defect("duplicate", "duplicate 评价编号 in the file"),
    ),
    "网格回访记录.csv": (Defect("value", "rating 6 on the 1–5 scale", "满意度评分", 6),),
    "居民满意度测评答卷.xlsx": (
        Defect("junk", "answer outside the 1–5 scale", "您对社区办事效率是否满意", "55"),
        Defect("junk", "answer is not a number", "总体而言，您对社区工作是否满意", "4O"),
        Defect("junk", "answer is not a number", "您对小区物业管理是否满意", "R"),
    ),
    "台账清单.xlsx": (Defect("value", "unknown ledger status", "台账状态", "暂停使用"),),
    "留痕记录抽查.csv": (Defect("value", "missing required ledger id", "台账编号", None),),
    "督查检查登记.xlsx": (Defect("value", "unparseable date", "检查日期", "2024-02-30"),),
    "准入审核登记.xlsx": (Defect("before", "decided before received", "审核时间", other="收到时间"),),
    "民生微实事项目.xlsx": (Defect("value", "negative budget", "预算（元）", -5000),),
    "社工工时周报.csv": (Defect("value", "200 admin hours in one week", "事务性工作（小时）", 200),),
    "三联盟活动台账.csv": (Defect("value", "unknown alliance", "所属联盟", "群团联盟"),),
}


@dataclass(frozen=True)
class Injected:
    file: str
    table: str
    rows_rejected: int  # world rows that will not load (0 for an extra duplicate row, a junk answer or a value
    #                     the importer sets aside while its row loads)
    answers_rejected: int
    note: str


def inject(export: Export, rng: np.random.Generator, keep_clean: set[str]) -> list[Injected]:
    """Apply the file's planned defects to its frame in place; rows whose key is in `keep_clean` (they
    appear in another file too) are left alone."""
    frame = export.rendered.frame
    profile = load_profile(export.profile)
    key_header = profile.columns[schema.TABLES[export.table].key[0]]
    canonical = {header: column for column, header in profile.columns.items()}
    used: set[int] = set()
    done = []
    for defect in PLAN.get(export.file, ()):
        involved = [h for h in (defect.header, defect.other) if h]
        ok = ~frame[key_header].isin(keep_clean).to_numpy() & frame[involved].notna().all(axis=1).to_numpy()
        for header, value in defect.only.items():
            ok &= (frame[header] == value).to_numpy()
        ok[list(used)] = False
        row = int(rng.choice(np.flatnonzero(ok)))
        used.add(row)
        key = frame.at[row, key_header]
        note = f"{key_header} {key}: {defect.why}"
        if defect.kind == "duplicate":
            position = min(row + 3, len(frame))
            frame = pd.concat([frame.iloc[:position], frame.iloc[[row]], frame.iloc[position:]], ignore_index=True)
            used = {r + (r >= position) for r in used} | {position}
            done.append(Injected(export.file, export.table, 0, 0, note))
            continue
        frame[defect.header] = frame[defect.header].astype(object)
        if defect.kind == "before":
            frame.at[row, defect.header] = pd.Timestamp(frame.at[row, defect.other]) - pd.Timedelta(days=1)
        else:
            frame.at[row, defect.header] = defect.value
        junk = defect.kind == "junk"
        target = schema.TABLES[export.table]
        row_loads = junk or not identifies(target.column(canonical[defect.header]), target)
        done.append(
            Injected(
                export.file,
                export.table,
                0 if row_loads else 1,
                int(junk),
                f"{note} ({defect.header} = {frame.at[row, defect.header]!s})",
            )
        )
    export.rendered.frame = frame
    return done


def mix_text_dates(export: Export, header: str, rng: np.random.Generator, share: float = 0.06) -> None:
    """Turn a share of a date column's real dates into text, as cells typed or pasted by hand are."""
    frame = export.rendered.frame
    values = frame[header].astype(object)
    is_date = values.map(lambda v: isinstance(v, pd.Timestamp)).to_numpy()
    pick = is_date & (rng.random(len(values)) < share)
    values[pick] = [v.strftime("%Y/%m/%d %H:%M") for v in values[pick]]
    frame[header] = values
