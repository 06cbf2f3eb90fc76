"""The importer's reasons in the reader's language: every reason a real import of defective rows records reads
in Chinese on the data page (no English left), and in English exactly as recorded."""

from __future__ import annotations

import re

import pytest

from jianfu import warehouse
from jianfu.ingest.loader import import_files
from jianfu.ui.reasons import reason_text, with_reason_text

HAN = re.compile(r"[\u3400-\u9fff]")
MAPPING = """
[options]
table = "cases"
source_system = "reasons_test"
datetime_formats = ["%Y-%m-%d %H:%M:%S"]

[columns]
case_id = "编号"
received_at = "受理时间"
closed_at = "办结时间"
status = "状态"
channel = "渠道"
visits = "跑动次数"

[values.status]
"已办结" = "closed"
"处理中" = "in_progress"
"""
# one defect per line, each a different reason
CSV = """编号,受理时间,办结时间,状态,渠道,跑动次数
c1,2026-01-05 09:00:00,2026-01-04 09:00:00,已办结,window,1
c2,2026-13-45 09:00:00,,处理中,window,1
c3,2026-01-05 09:00:00,,处理中,fax,1
c4,2026-01-05 09:00:00,,处理中,window,two
c1,2026-01-06 09:00:00,,处理中,window,1
c5,2026-01-05 09:00:00,,未知状态,window,1
c6,2026-01-05 09:00:00
c7,2026-01-05 09:00:00,,处理中,window,-1
c8,1985-01-05 09:00:00,,处理中,window,1
,2026-01-05 09:00:00,,处理中,window,1
c9,2026-01-05 09:00:00,,处理中,window,1
"""
EXPECTED_ZH = {
    "办结时间早于受理时间",
    "不是可识别格式的日期时间（%Y-%m-%d %H:%M:%S）",
    "不是允许的代码之一：window, online, mobile, hotline, grid_visit, other",
    "不是整数",
    "case_id 重复（首次出现在第 2 行）",
    "映射文件的 [values.status] 中没有列出这个值",
    "本行有 2 个字段，表头有 6 个",
    "低于最小值 0",
    "早于 1990 年",
    "必填值缺失",
}


@pytest.fixture
def recorded_reasons(tmp_path) -> list[str]:
    (tmp_path / "cases.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "cases.toml").write_text(MAPPING, encoding="utf-8")
    [outcome] = import_files([tmp_path / "cases.csv"], mapping=tmp_path / "cases.toml", who="test")
    assert outcome.outcome == "loaded"
    con = warehouse.read_connection()
    return [r for (r,) in con.execute("select distinct reason from rejects order by reason").fetchall()]


def test_every_recorded_reason_reads_in_chinese(recorded_reasons):
    assert {reason_text(r, "zh") for r in recorded_reasons} == EXPECTED_ZH
    for reason in recorded_reasons:
        chinese = reason_text(reason, "zh")
        assert HAN.search(chinese), reason


def test_english_is_the_reason_as_recorded(recorded_reasons):
    assert len(recorded_reasons) == len(EXPECTED_ZH)
    assert [reason_text(r, "en") for r in recorded_reasons] == recorded_reasons


def test_a_reason_no_pattern_knows_is_shown_as_recorded():
    assert reason_text("a reason from a newer importer", "zh") == "a reason from a newer importer"


def test_the_table_column_is_translated_row_by_row():
    import pandas as pd

    rows = pd.DataFrame({"reason": ["not a whole number", None, "closed before received"], "line": [2, 3, 4]})
    out = with_reason_text(rows)
    assert out["reason"].tolist()[0::2] == ["不是整数", "办结时间早于受理时间"]
    assert out["reason"].isna().tolist() == [False, True, False]


@pytest.mark.usefixtures("fresh_caches")
def test_the_data_page_shows_the_sample_rejects_in_chinese(sample_warehouse):
    from apptest_pages import open_page

    at = open_page("data")
    shown = [
        str(v)
        for frame in at.dataframe
        for name in frame.value.columns
        if name in ("reason", "原因")
        for v in frame.value[name].dropna()
    ]
    assert len(shown) >= 3  # the sample plants bad rows: the summary and the first import's rows list them
    assert all(HAN.search(v) for v in shown), [v for v in shown if not HAN.search(v)]
