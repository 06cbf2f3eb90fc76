"""Fixture writers shared by the ingest tests: one small 办件 table, written as UTF-8 / BOM / GB18030 CSV or XLSX.
(Helpers only; the tests live in the other test_ingest_*.py files.)"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import xlsxwriter

from jianfu import warehouse

CASES_MAPPING = """
[options]
table = "cases"
source_system = "test_center"
match = ["受理编号", "受理时间", "办理状态"]
datetime_formats = ["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M"]

[columns]
case_id = "受理编号"
matter = "事项名称"
received_at = "受理时间"
closed_at = "办结时间"
status = "办理状态"
channel = "办理渠道"
visits = "跑动次数"
immediate = "是否即办"
applicant_key = "申请人身份证号"

[constants]
center = "service_center"

[values.status]
"已办结" = "closed"
"办理中" = "in_progress"

[values.channel]
"窗口" = "window"
"网上办理" = "online"
"*" = "other"
"""

SURVEY_MAPPING = """
[options]
table = "survey"
source_system = "test_survey"
[columns]
response_id = "问卷编号"
wave = "批次"
[items.overall]
header = "总体满意度"
label_zh = "总体满意度"
scale_min = 1
scale_max = 5
is_overall = true
[items.happy]
header = "幸福感"
scale_min = 1
scale_max = 10
[items.not_in_file]
header = "不存在的题目"
scale_max = 5
"""

HEADERS = ["受理编号", "事项名称", "受理时间", "办结时间", "办理状态", "办理渠道", "跑动次数", "是否即办"]
MULTILINE_MATTER = '残疾人两项补贴\n（含复审）, "加急"'
ROWS = [
    ["A001", "低保申请", "2025-01-02 09:00:00", "2025-01-05 10:30:00", "已办结", "窗口", "1", "否"],
    ["A002", MULTILINE_MATTER, "2025/01/03 14:20", "", "办理中", "网上办理", "0", "是"],
    ["A003", "公租房申请", "2025-01-04 08:00:00", "2025-01-04 08:30:00", "已办结", "自助机", "", "是"],
]
# The canonical rows every encoding/format of ROWS must give (hand-written, not computed by the importer).
EXPECTED = [
    (
        "A001",
        "低保申请",
        dt.datetime(2025, 1, 2, 9),
        dt.datetime(2025, 1, 5, 10, 30),
        "closed",
        "window",
        1,
        False,
        "service_center",
    ),
    (
        "A002",
        MULTILINE_MATTER,
        dt.datetime(2025, 1, 3, 14, 20),
        None,
        "in_progress",
        "online",
        0,
        True,
        "service_center",
    ),
    (
        "A003",
        "公租房申请",
        dt.datetime(2025, 1, 4, 8),
        dt.datetime(2025, 1, 4, 8, 30),
        "closed",
        "other",
        None,
        True,
        "service_center",
    ),
]
EXPECTED_SQL = (
    "select case_id, matter, received_at, closed_at, status, channel, visits, immediate, center "
    "from cases order by case_id"
)


def write_mapping(folder: Path, text: str = CASES_MAPPING, name: str = "cases.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def write_csv(path: Path, headers: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows([headers, *rows])
    return path


def excel_serial(moment: dt.datetime) -> float:
    return (moment - dt.datetime(1899, 12, 30)).total_seconds() / 86400


def write_cases_xlsx(path: Path, rows: list[list[str]] = ROWS, top_blank_rows: int = 0) -> Path:
    """ROWS as a workbook the way offices really save them: 受理时间 mixes a real date cell, a date typed as text
    and a date saved as a plain number (Excel serial); 跑动次数 is numeric."""
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("办件明细")
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(top_blank_rows, 0, HEADERS)
    for i, row in enumerate(rows):
        r = top_blank_rows + 1 + i
        for c, value in enumerate(row):
            header = HEADERS[c]
            if value == "":
                continue
            if header in ("受理时间", "办结时间") and "-" in value:  # "2025/…" stays text
                moment = dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
                if header == "受理时间" or i == 2:
                    sheet.write_datetime(r, c, moment, stamp)
                else:
                    sheet.write_number(r, c, excel_serial(moment))
            elif header == "跑动次数":
                sheet.write_number(r, c, int(value))
            else:
                sheet.write_string(r, c, value)
    book.close()
    return path


def canonical_rows(sql: str = EXPECTED_SQL, params=None) -> list[tuple]:
    return warehouse.read_connection().cursor().execute(sql, params).fetchall()


def scalar(sql: str, params=None):
    return warehouse.read_connection().cursor().execute(sql, params).fetchall()[0][0]
