"""One mapping, two layouts of the same export: a [columns] entry (and a `match` entry) may list alternative
headers, the first present wins. Shown on the shipped Boston 311 mapping with a small export in the upper-case
layout that copies the real defect (a case closed before it was opened)."""

import datetime as dt

import pytest
from test_ingest_helpers import canonical_rows, write_csv, write_mapping

from jianfu.ingest.errors import ImportRefused
from jianfu.ingest.loader import import_files
from jianfu.ingest.mapping import MAPPINGS_DIR, detect, load_mapping
from jianfu.ingest.readers import Source

BOSTON_MAPPING = MAPPINGS_DIR / "boston311_cases.toml"
UPPER = [
    "CASE_ENQUIRY_ID",
    "OPEN_DT",
    "SLA_TARGET_DT",
    "CLOSED_DT",
    "ON_TIME",
    "CASE_STATUS",
    "SUBJECT",
    "TYPE",
    "WARD",
    "SOURCE",
]
ROWS = [
    [
        "101000729509",
        "2013-01-01 06:32:33",
        "2013-01-02 06:32:33",
        "2013-01-01 13:14:40",
        "ONTIME",
        "Closed",
        "Public Works Department",
        "Pick up Dead Animal",
        "Ward 14",
        "Constituent Call",
    ],
    # as line 2483 of the real 2015 file: closed three seconds before it was opened
    [
        "101001417692",
        "2015-06-25 15:15:38",
        "",
        "2015-06-25 15:15:35",
        "ONTIME",
        "Closed",
        "Animal Control",
        "Animal Generic Request",
        "04",
        "City Worker App",
    ],
    [
        "101001690013",
        "2016-01-08 06:43:00",
        "2016-05-07 07:43:02",
        "",
        "OVERDUE",
        "Open",
        "Inspectional Services",
        "Pest Infestation - Residential",
        "15",
        "Citizens Connect App",
    ],
]
EXPECTED = [
    (
        "101000729509",
        dt.datetime(2013, 1, 1, 6, 32, 33),
        dt.datetime(2013, 1, 1, 13, 14, 40),
        "closed",
        "public_works",
        "hotline",
        "Ward 14",
    ),
    ("101001417692", dt.datetime(2015, 6, 25, 15, 15, 38), None, "closed", "animal_control", "other", "Ward 4"),
    ("101001690013", dt.datetime(2016, 1, 8, 6, 43), None, "in_progress", "inspectional_services", "mobile", "Ward 15"),
]
CASES = "select case_id, received_at, closed_at, status, service_line, channel, grid_id from cases order by case_id"


@pytest.mark.parametrize("layout", ["snake_case", "UPPER_CASE"])
def test_both_boston_layouts_load_through_the_one_shipped_mapping(tmp_path, layout):
    headers = [h.lower() for h in UPPER] if layout == "snake_case" else UPPER
    path = write_csv(tmp_path / f"boston_{layout}.csv", headers, ROWS)
    [outcome] = import_files([path], mapping=BOSTON_MAPPING)
    assert (outcome.outcome, outcome.rows_loaded, outcome.rows_rejected) == ("loaded", 3, 0), outcome.message
    assert canonical_rows(CASES) == EXPECTED
    assert canonical_rows("select line, column_name, value, reason, quarantined from rejects") == [
        (
            3,
            "CLOSED_DT" if layout == "UPPER_CASE" else "closed_dt",
            "2015-06-25 15:15:35",
            "closed before received",
            True,
        )
    ]


@pytest.mark.parametrize("layout", ["snake_case", "UPPER_CASE"])
def test_auto_detection_accepts_either_layout(tmp_path, layout):
    headers = [h.lower() for h in UPPER] if layout == "snake_case" else UPPER
    chosen, raw = detect(Source(write_csv(tmp_path / "export.csv", headers, ROWS)))
    assert chosen.label == "boston311_cases.toml" and raw.rows_read == 3
    [outcome] = import_files([tmp_path / "export.csv"])  # no --mapping: recognised by its headers
    assert (outcome.outcome, outcome.rows_loaded) == ("loaded", 3)


def test_the_first_listed_header_present_wins(tmp_path):
    mapping = load_mapping(
        write_mapping(
            tmp_path,
            """
[options]
table = "cases"
source_system = "test_center"
match = [["编号", "受理编号"], "受理时间"]
[columns]
case_id = ["编号", "受理编号"]
received_at = "受理时间"
status = ["状态", "办理状态"]
[values.status]
"已办结" = "closed"
""",
        )
    )
    assert mapping.match == (("编号", "受理编号"), ("受理时间",))
    assert mapping.columns == {"case_id": "编号", "received_at": "受理时间", "status": "状态"}
    assert mapping.header("case_id", {"受理编号", "编号"}) == "编号"
    assert mapping.header("case_id", {"受理编号"}) == "受理编号"
    path = write_csv(
        tmp_path / "both.csv",
        ["受理编号", "编号", "受理时间", "办理状态"],
        [["old-1", "new-1", "2025-01-02 09:00:00", "已办结"]],
    )
    [outcome] = import_files([path], mapping=tmp_path / "cases.toml")
    assert outcome.outcome == "loaded" and canonical_rows("select case_id, status from cases") == [("new-1", "closed")]


def test_a_required_column_under_none_of_its_headers_refuses_the_file_naming_them_all(tmp_path):
    path = write_csv(
        tmp_path / "other.csv", ["case_no", "OPEN_DT", "CASE_STATUS"], [["1", "2015-01-01 00:00:00", "Open"]]
    )
    [outcome] = import_files([path], mapping=BOSTON_MAPPING)
    assert outcome.outcome == "refused"
    assert outcome.message.startswith(
        "other.csv has no column 'case_enquiry_id' or 'CASE_ENQUIRY_ID', which mapping "
        "boston311_cases.toml needs for the required case_id"
    )


@pytest.mark.parametrize("value", ["[]", '["编号", 3]', '[""]', "3"])
def test_a_header_list_must_hold_header_names(tmp_path, value):
    text = (
        f'[options]\ntable = "cases"\nsource_system = "s"\n[columns]\ncase_id = {value}\nreceived_at = "t"\n'
        'status = "s"\n'
    )
    with pytest.raises(
        ImportRefused,
        match="\\[columns\\] case_id must name a source header \\(a string\\), or list alternative headers",
    ):
        load_mapping(write_mapping(tmp_path, text, "bad.toml"))
