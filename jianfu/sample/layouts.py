"""Which rows of the world each export holds and how it looks: file names, formats, encodings, the columns
only an export has (applicant names, masked ID numbers, descriptions), and the service centre's yearly
workbooks, where cases still open when a year's file was taken appear again, updated, in the next year's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jianfu.sample import hotline, people
from jianfu.sample import timeline as tl
from jianfu.sample.frames import labels
from jianfu.sample.org import worker_person_numbers
from jianfu.sample.render import Profile, Rendered, insert_before, load_profile, render

APPLICANT_PERSON_OFFSET = 1_000  # applicant An is person 1000 + n (workers are persons below 1000)


@dataclass(frozen=True)
class Export:
    """One file as a source system writes it."""

    file: str
    profile: str
    table: str  # the canonical table its rows are (survey: survey_responses)
    fmt: str  # "xlsx" or "csv"
    rendered: Rendered
    encoding: str = "utf-8"
    newline: str = "\n"
    sheet: str | None = None


def iter_exports(world: dict[str, pd.DataFrame]):
    """Every export, rendered one at a time (a benchmark-sized world cannot hold them all at once)."""
    cases, evaluations = world["cases"], world["evaluations"]
    yield from service_center_workbooks(cases)
    yield Export(
        "网格事件明细.csv",
        "grid_cases",
        "cases",
        "csv",
        _grid_cases(cases[cases["center"] == "resident_center"]),
        encoding="gb18030",
        newline="\r\n",
    )
    yield Export(
        "好差评评价明细.csv",
        "haochaping_evaluations",
        "evaluations",
        "csv",
        _simple(evaluations[evaluations["source"] != "grid_callback"], "haochaping_evaluations"),
        encoding="utf-8-sig",
    )
    yield Export(
        "网格回访记录.csv",
        "grid_callbacks",
        "evaluations",
        "csv",
        _simple(evaluations[evaluations["source"] == "grid_callback"], "grid_callbacks"),
    )
    yield Export("居民满意度测评答卷.xlsx", "survey", "survey_responses", "xlsx", _survey(world), sheet="答卷")
    yield from hotline_workbooks(cases)
    for file, table in (
        ("台账清单.xlsx", "ledgers"),
        ("留痕记录抽查.csv", "record_entries"),
        ("督查检查登记.xlsx", "inspections"),
        ("社区工作事项清单.xlsx", "work_items"),
        ("准入审核登记.xlsx", "access_requests"),
        ("民生微实事项目.xlsx", "micro_projects"),
        ("网格信息.xlsx", "grids"),
        ("社工工时周报.csv", "time_use"),
        ("三联盟活动台账.csv", "partner_activities"),
    ):
        yield _table(world, file, table)
    yield _table(
        world,
        "社工网格员花名册.xlsx",
        "workers",
        {"display_name": lambda rows: people.full_names(worker_person_numbers(rows["worker_id"]))},
    )


def _simple(rows: pd.DataFrame, profile: str, overrides: dict | None = None) -> Rendered:
    return render(rows, load_profile(profile), overrides)


def _table(world, file: str, profile: str, overrides: dict[str, Callable] | None = None) -> Export:
    fmt = file.rsplit(".", 1)[1]
    return Export(
        file,
        profile,
        profile,
        fmt,
        _simple(world[profile], profile, overrides),
        sheet=file.rsplit(".", 1)[0] if fmt == "xlsx" else None,
    )


def _applicants(rows: pd.DataFrame) -> np.ndarray:
    number = people.number_of(rows["applicant_key"])
    return np.where(number >= 0, number + APPLICANT_PERSON_OFFSET, -1)


def _personal(numbers: np.ndarray, values: pa.Array) -> pd.Series:
    """A personal export column, empty where the case has no requester."""
    return pc.if_else(pa.array(numbers >= 0), values, pa.nulls(len(values), pa.string())).to_pandas()


def _phone(rows: pd.DataFrame) -> pd.Series:
    numbers = _applicants(rows)
    return _personal(numbers, people.phones(np.maximum(numbers, 0)))


def _workbook_years(cases: pd.DataFrame):
    """(year, when its workbook was taken, mask of its rows) for the service centre's yearly workbooks. Each
    is taken on 5 January of the next year (the last one at the end of the sample) and holds the year's
    cases plus earlier ones still open when the previous workbook was taken."""
    service = (cases["center"] == "service_center").to_numpy()
    received_year = cases["received_at"].dt.year.to_numpy()
    years = range(int(received_year[service].min()), int(received_year[service].max()) + 1)
    previous_taken = None
    for year in years:
        taken = pd.Timestamp(tl.END + 1) if year == years[-1] else pd.Timestamp(f"{year + 1}-01-05")
        rows = received_year == year
        if previous_taken is not None:
            rows |= (received_year < year) & _open_at(cases, previous_taken)
        yield year, taken, service & rows
        previous_taken = taken


def carried_case_ids(cases: pd.DataFrame) -> set[str]:
    """Service-centre cases that appear in more than one yearly workbook."""
    seen = np.zeros(len(cases), np.int64)
    for _, _, rows in _workbook_years(cases):
        seen += rows
    return set(cases["case_id"].to_numpy()[seen > 1])


def service_center_workbooks(cases: pd.DataFrame):
    profile = load_profile("service_center_cases")
    for year, taken, rows in _workbook_years(cases):
        rows = _as_of(cases[rows], taken)
        rendered = render(rows, profile, {"applicant_key": _phone})
        numbers = _applicants(rows)
        insert_before(
            rendered,
            "联系电话",
            {
                "申请人姓名": _personal(numbers, people.full_names(np.maximum(numbers, 0))),
                "证件号码": _personal(numbers, people.masked_id_numbers(np.maximum(numbers, 0))),
            },
        )
        yield Export(f"服务中心办件_{year}.xlsx", "service_center_cases", "cases", "xlsx", rendered, sheet="办件明细")


def hotline_workbooks(cases: pd.DataFrame):
    """The district 12345 platform's work-order export, one workbook per year of the call, as of the end of the
    sample: the requester's phone, the address and the request text in clear (the importer hashes or scrubs them)."""
    orders = cases[cases["street"].notna()]
    profile = load_profile("hotline_12345")
    year = orders["received_at"].dt.year
    for number in sorted(year.unique()):
        rows = orders[year == number]
        clear = hotline.export_columns(rows)
        overrides = {column: lambda _, values=clear[key]: values.to_pandas() for column, key in _HOTLINE_CLEAR.items()}
        rendered = render(rows, profile, overrides)
        yield Export(f"12345工单_{number}.xlsx", "hotline_12345", "cases", "xlsx", rendered, sheet="工单明细")


_HOTLINE_CLEAR = {"applicant_key": "phone", "address_key": "address", "request_text": "text"}


def _open_at(cases: pd.DataFrame, when: pd.Timestamp) -> np.ndarray:
    still_open = cases["status"].isin(["received", "in_progress"])
    closed_later = (cases["status"] == "closed") & (cases["closed_at"] >= when)
    return (still_open | closed_later).to_numpy()


def _as_of(rows: pd.DataFrame, when: pd.Timestamp) -> pd.DataFrame:
    """The cases as the system showed them at `when`: later steps had not happened yet."""
    closing_later = (rows["status"] == "closed") & (rows["closed_at"] >= when)
    rows.loc[closing_later, "status"] = "in_progress"
    for column in ("accepted_at", "handed_off_at", "closed_at"):
        rows.loc[rows[column] >= when, column] = pd.NaT
    rows.loc[rows["accepted_at"].isna() & (rows["status"] == "in_progress"), "status"] = "received"
    return rows


def _grid_cases(rows: pd.DataFrame) -> Rendered:
    rendered = render(rows, load_profile("grid_cases"), {"applicant_key": _phone})
    numbers = _applicants(rows)
    insert_before(rendered, "上报人电话", {"上报人": _personal(numbers, people.full_names(np.maximum(numbers, 0)))})
    found_on_patrol = (rows["channel"] == "grid_visit").to_numpy().astype(int)
    lead = labels(found_on_patrol, ["居民反映：", "网格巡查发现："])
    insert_before(
        rendered, "所属网格", {"事件描述": pc.binary_join_element_wise(lead, pa.array(rows["matter"], pa.string()), "")}
    )
    return rendered


def _survey(world: dict[str, pd.DataFrame]) -> Rendered:
    """The wide answer sheet: one column per question, in the order of the mapping's [items]."""
    profile: Profile = load_profile("survey")
    responses, answers = world["survey_responses"], world["survey_answers"]
    rendered = render(responses, profile)
    row = pd.Index(responses["response_id"]).get_indexer(answers["response_id"])
    before = rendered.frame.columns.get_loc("意见建议")
    for offset, (item, spec) in enumerate(profile.items.items()):
        scores = np.full(len(responses), np.nan)
        mine = (answers["item"] == item).to_numpy()
        scores[row[mine]] = answers["score"].to_numpy()[mine]
        rendered.frame.insert(before + offset, spec["header"], scores)
    return rendered
