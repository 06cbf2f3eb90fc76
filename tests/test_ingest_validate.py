"""Validation: each bad cell becomes a reject with line, column and reason; good rows load typed."""

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest
from test_ingest_helpers import CASES_MAPPING, SURVEY_MAPPING, write_mapping

from jianfu.ingest.errors import ImportRefused
from jianfu.ingest.mapping import load_mapping
from jianfu.ingest.readers import RawTable
from jianfu.ingest.validate import check

TODAY = dt.date(2026, 11, 25)
CASE_HEADERS = ["受理编号", "受理时间", "办结时间", "办理状态", "跑动次数", "是否即办"]


def raw_table(headers, rows, lines=None, name="export.csv") -> RawTable:
    columns = list(zip(*rows)) if rows else [()] * len(headers)
    data = pa.table([pa.array(c, pa.string()) for c in columns], names=headers)
    lines = np.array(lines or range(2, 2 + len(rows)), dtype=np.int64)
    return RawTable(name, "csv", "utf-8", data, lines)


def rejects(checked):
    return [(r["line"], r["column_name"], r["value"], r["reason"]) for r in checked.rejects.to_pylist()]


def set_aside(checked):
    """Lines of the rejects that only set their value aside (the row loaded)."""
    return [r["line"] for r in checked.rejects.to_pylist() if r["quarantined"]]


def test_every_bad_cell_is_a_reject_and_only_a_bad_identity_rejects_the_row(tmp_path):
    rows = [
        ["A1", "2025-01-02 09:00:00", "2025-01-03 09:00:00", "已办结", "1", "是"],  # 2 good
        ["A2", "2025-01-02 09:00:00", "", "已撤回", "1", "否"],  # 3 unknown status
        ["A3", "2025-13-45 09:00:00", "", "办理中", "", ""],  # 4 impossible date
        ["A4", "2025-01-02 09:00:00", "2025-01-01 09:00:00", "已办结", "", ""],  # 5 closed before received
        ["A5", "2025-01-02 09:00:00", "", "办理中", "1.5", ""],  # 6 not whole
        ["A6", "2025-01-02 09:00:00", "", "办理中", "-1", ""],  # 7 below minimum
        ["A7", "2025-01-02 09:00:00", "", "办理中", "", "也许"],  # 8 not yes/no
        ["A8", "1989-12-31 10:00:00", "", "办理中", "", ""],  # 9 too early
        ["A9", "2028-01-01 00:00:00", "", "办理中", "", ""],  # 10 too late
        [" ", "2025-01-02 09:00:00", "", "办理中", "", ""],  # 11 no id
        ["A1", "2025-02-02 09:00:00", "", "办理中", "", ""],  # 12 duplicate of line 2
        [" A10 ", "45662.4375", "NA", "办理中", "0", "Y"],  # 13 Excel serial, NA = empty, spaces trimmed
    ]
    checked = check(raw_table(CASE_HEADERS, rows), load_mapping(write_mapping(tmp_path)), TODAY)
    assert rejects(checked) == [
        (3, "办理状态", "已撤回", "value not listed in [values.status] of the mapping"),
        (4, "受理时间", "2025-13-45 09:00:00", "not a date-time in a known format (%Y-%m-%d %H:%M:%S, %Y/%m/%d %H:%M)"),
        (5, "办结时间", "2025-01-01 09:00:00", "closed before received"),
        (6, "跑动次数", "1.5", "not a whole number"),
        (7, "跑动次数", "-1", "below the minimum 0"),
        (8, "是否即办", "也许", "not a yes/no value (是/Y or 否/N)"),
        (9, "受理时间", "1989-12-31 10:00:00", "before 1990"),
        (10, "受理时间", "2028-01-01 00:00:00", "more than a year in the future"),
        (11, "受理编号", " ", "required value is missing"),
        (12, "受理编号", "A1", "duplicate case_id (first at line 2)"),
    ]
    # closing time, visits and yes/no are not what identifies a case: set aside, the case loads
    assert set_aside(checked) == [5, 6, 7, 8]
    assert (checked.rows_read, checked.rows_rejected, checked.rows_loaded, checked.values_set_aside) == (12, 6, 6, 4)
    loaded = (
        checked.tables["cases"]
        .select(["case_id", "received_at", "closed_at", "status", "visits", "immediate", "center"])
        .to_pylist()
    )
    received = dt.datetime(2025, 1, 2, 9)
    assert loaded == [
        {
            "case_id": "A1",
            "received_at": received,
            "closed_at": dt.datetime(2025, 1, 3, 9),
            "status": "closed",
            "visits": 1,
            "immediate": True,
            "center": "service_center",
        },
        {
            "case_id": "A4",
            "received_at": received,
            "closed_at": None,
            "status": "closed",
            "visits": None,
            "immediate": None,
            "center": "service_center",
        },
        {
            "case_id": "A5",
            "received_at": received,
            "closed_at": None,
            "status": "in_progress",
            "visits": None,
            "immediate": None,
            "center": "service_center",
        },
        {
            "case_id": "A6",
            "received_at": received,
            "closed_at": None,
            "status": "in_progress",
            "visits": None,
            "immediate": None,
            "center": "service_center",
        },
        {
            "case_id": "A7",
            "received_at": received,
            "closed_at": None,
            "status": "in_progress",
            "visits": None,
            "immediate": None,
            "center": "service_center",
        },
        {
            "case_id": "A10",
            "received_at": dt.datetime(2025, 1, 5, 10, 30),
            "closed_at": None,
            "status": "in_progress",
            "visits": 0,
            "immediate": True,
            "center": "service_center",
        },
    ]


def test_a_value_set_aside_on_a_row_rejected_anyway_is_not_quarantined(tmp_path):
    rows = [["E1", "2025-13-45 09:00:00", "", "办理中", "-1", ""]]  # bad received time and bad visits
    checked = check(raw_table(CASE_HEADERS, rows), load_mapping(write_mapping(tmp_path)), TODAY)
    assert [(r["column_name"], r["quarantined"]) for r in checked.rejects.to_pylist()] == [
        ("受理时间", False),
        ("跑动次数", False),
    ]
    assert (checked.rows_rejected, checked.values_set_aside, checked.tables["cases"].num_rows) == (1, 0, 0)


def test_open_codes_are_lowercased_and_non_codes_rejected(tmp_path):
    mapping = write_mapping(
        tmp_path, CASES_MAPPING.replace('status = "办理状态"', 'status = "办理状态"\nservice_line = "条线"')
    )
    rows = [["B1", "2025-01-02 09:00:00", "已办结", "Civil_Affairs"], ["B2", "2025-01-02 09:00:00", "已办结", "民政"]]
    checked = check(raw_table(["受理编号", "受理时间", "办理状态", "条线"], rows), load_mapping(mapping), TODAY)
    assert checked.tables["cases"].column("service_line").to_pylist() == ["civil_affairs", None]
    assert rejects(checked) == [
        (3, "条线", "民政", "not a lowercase code (a-z, 0-9, _); map it in [values.service_line]")
    ]


def test_closed_code_lists_reject_unknown_codes(tmp_path):
    mapping = write_mapping(tmp_path, CASES_MAPPING.split("[values.channel]")[0])  # channel codes as written
    rows = [["C1", "2025-01-02 09:00:00", "已办结", "Online"], ["C2", "2025-01-02 09:00:00", "已办结", "fax"]]
    checked = check(raw_table(["受理编号", "受理时间", "办理状态", "办理渠道"], rows), load_mapping(mapping), TODAY)
    assert checked.tables["cases"].column("channel").to_pylist() == ["online", None]  # C2 loads without it
    assert rejects(checked) == [
        (3, "办理渠道", "fax", "not one of the codes window, online, mobile, hotline, grid_visit, other")
    ]


def test_a_junk_survey_answer_is_rejected_alone_and_never_becomes_0(tmp_path):
    rows = [
        ["1", "2025Q4", "5", "8"],
        ["2", "2025Q4", "1O", "810"],
        ["3", "2025Q4", "", "R"],
        ["4", "2025Q4", "0", "9.5"],
        ["", "2025Q4", "3", "3"],
    ]
    mapping = load_mapping(write_mapping(tmp_path, SURVEY_MAPPING, "survey.toml"))
    checked = check(raw_table(["问卷编号", "批次", "总体满意度", "幸福感"], rows), mapping, TODAY)
    assert checked.tables["survey_responses"].select(["response_id", "wave", "weight"]).to_pylist() == [
        {"response_id": r, "wave": "2025Q4", "weight": 1.0} for r in ["1", "2", "3", "4"]
    ]
    assert checked.tables["survey_answers"].to_pylist() == [
        {"response_id": "1", "item": "overall", "score": 5.0},
        {"response_id": "1", "item": "happy", "score": 8.0},
        {"response_id": "4", "item": "happy", "score": 9.5},
    ]
    assert rejects(checked) == [
        (3, "幸福感", "810", "outside the 1–10 scale"),
        (3, "总体满意度", "1O", "not a number on the 1–5 scale"),
        (4, "幸福感", "R", "not a number on the 1–10 scale"),
        (5, "总体满意度", "0", "outside the 1–5 scale"),
        (6, "问卷编号", "", "required value is missing"),
    ]
    assert (checked.rows_rejected, checked.values_set_aside) == (1, 4)
    assert set_aside(checked) == [3, 3, 4, 5]
    items = checked.tables["survey_items"].to_pylist()
    assert [(i["item"], i["scale_min"], i["scale_max"], i["is_overall"]) for i in items] == [
        ("overall", 1.0, 5.0, True),
        ("happy", 1.0, 10.0, False),
    ]


def test_a_required_column_missing_from_the_file_refuses_it(tmp_path):
    raw = raw_table(["受理编号", "办理状态"], [["A1", "已办结"]])
    with pytest.raises(
        ImportRefused,
        match="export.csv has no column '受理时间', which mapping cases.toml needs for the required received_at",
    ):
        check(raw, load_mapping(write_mapping(tmp_path)), TODAY)


def test_a_bad_constant_refuses_the_file(tmp_path):
    mapping = load_mapping(write_mapping(tmp_path, CASES_MAPPING.replace('"service_center"', '"street"')))
    raw = raw_table(["受理编号", "受理时间", "办理状态"], [["A1", "2025-01-02 09:00:00", "已办结"]])
    with pytest.raises(ImportRefused, match="\\[constants\\] center is not valid \\(not one of the codes"):
        check(raw, mapping, TODAY)


def test_a_file_with_headers_only_is_refused(tmp_path):
    raw = raw_table(["受理编号", "受理时间", "办理状态"], [])
    with pytest.raises(ImportRefused, match="export.csv has headers but no rows"):
        check(raw, load_mapping(write_mapping(tmp_path)), TODAY)


def test_an_id_number_typed_into_a_date_column_is_masked_in_the_reject(tmp_path):
    rows = [["D1", "320102199001011234", "已办结"]]
    checked = check(raw_table(["受理编号", "受理时间", "办理状态"], rows), load_mapping(write_mapping(tmp_path)), TODAY)
    assert [r[2] for r in rejects(checked)] == ["320102************"]


def test_a_repeated_composite_key_is_rejected_pointing_at_the_first(tmp_path):
    mapping = write_mapping(
        tmp_path,
        """
[options]
table = "time_use"
source_system = "test_staff"
[columns]
worker_id = "工号"
week = "周次"
hours_admin = "事务性工作（小时）"
""",
        "time_use.toml",
    )
    rows = [
        ["W1", "2025-01-06", "10"],
        ["W1", "2025-01-13", "12"],
        ["W2", "2025-01-06", "8"],
        ["W1", "2025-01-06", "11"],
    ]
    checked = check(raw_table(["工号", "周次", "事务性工作（小时）"], rows), load_mapping(mapping), TODAY)
    assert rejects(checked) == [(5, "工号", "W1", "duplicate worker_id, week (first at line 2)")]
    assert checked.tables["time_use"].column("hours_admin").to_pylist() == [10.0, 12.0, 8.0]
