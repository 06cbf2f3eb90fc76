"""Exports: XLSX with the filter sheet first, CSV in UTF-8 with BOM, and no cell that a spreadsheet would run."""
from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from jianfu import export
from jianfu.metrics import Filters, load_catalogue

HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "正常文本", "a=b"]
NEUTRAL = ["'=HYPERLINK(\"http://x\",\"y\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tcmd", "'\rcmd", "正常文本", "a=b"]


@pytest.fixture
def frame():
    return pd.DataFrame({
        "事项": HOSTILE,
        "件数": [1, -2, 3, 4, 5, 6, 7, 8],
        "受理时间": pd.to_datetime(["2026-01-05 09:30"] * 8),
        "字段": [["姓名", "电话"]] + [None] * 7,
    })


def _workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_first_sheet_holds_filters_as_of_and_definitions(frame):
    filters = Filters(date(2026, 3, 1), date(2026, 3, 31), grids=("g01",), teams=("publicity",))
    kpi = load_catalogue()["on_time_rate"]
    book = _workbook(export.to_xlsx({"办件": frame}, filters=filters, as_of=datetime(2026, 4, 2, 8, 15),
                                    kpis=[kpi], lang="zh"))
    assert book.sheetnames == ["筛选条件", "办件"]
    cells = {row[0]: row[1] for row in book["筛选条件"].iter_rows(values_only=True) if row[0]}
    assert cells["时间范围"] == "2026-03-01 – 2026-03-31"
    assert cells["网格"] == "g01"
    assert cells["队伍"] == "宣传"
    assert cells["业务条线"] == "全部"
    assert cells["数据截至"] == "2026-04-02 08:15"
    rows = list(book["筛选条件"].iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r[0] == "指标代码"))
    assert rows[header + 1][:3] == ("on_time_rate", kpi.label_zh, kpi.description_zh)


def test_xlsx_in_english_names_the_sheet_filters(frame):
    book = _workbook(export.to_xlsx({"cases": frame}, filters=None, as_of=None, lang="en"))
    assert book.sheetnames == ["Filters", "cases"]
    assert ("Data as of", "—") in list(book["Filters"].iter_rows(values_only=True))


def test_xlsx_cells_are_text_never_formulas(frame):
    sheet = _workbook(export.to_xlsx({"data": frame}, lang="zh"))["data"]
    texts = [sheet.cell(row=r, column=1) for r in range(2, 10)]
    # OOXML stores a carriage return as _x000D_, which openpyxl hands back as is
    assert [c.value.replace("_x000D_", "\r") for c in texts] == NEUTRAL
    assert {c.data_type for c in texts} == {"s"}
    assert [sheet.cell(row=r, column=2).value for r in range(2, 10)] == [1, -2, 3, 4, 5, 6, 7, 8]  # numbers stay
    assert sheet.cell(row=2, column=3).value == datetime(2026, 1, 5, 9, 30)
    assert sheet.cell(row=2, column=4).value == "姓名、电话"


def test_xlsx_sheet_names_are_made_valid_and_unique(frame):
    book = _workbook(export.to_xlsx({"a/b:c?": frame, "A/B:C?": frame, "x" * 40: frame}, lang="en"))
    assert book.sheetnames == ["Filters", "a_b_c_", "A_B_C_ (2)", "x" * 31]


def test_csv_starts_with_a_bom_and_round_trips_chinese(frame):
    data = export.to_csv(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert list(back.columns) == ["事项", "件数", "受理时间", "字段"]
    assert back["事项"].tolist() == NEUTRAL
    assert back["件数"].tolist() == [1, -2, 3, 4, 5, 6, 7, 8]
    assert back["字段"][0] == "姓名、电话"


def test_a_hostile_column_name_is_neutralised_too():
    data = export.to_csv(pd.DataFrame({"=cmd": ["x"]}))
    assert data.decode("utf-8-sig").split("\r\n")[0] == "'=cmd"
