"""Exports: XLSX with the filter sheet first, CSV in UTF-8 with BOM, and no cell that a spreadsheet would run."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from jianfu import export
from jianfu.metrics import Filters, load_catalogue

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "正常文本", "a=b"]
NEUTRAL = ['\'=HYPERLINK("http://x","y")', "'+1+1", "'-2+3", "'@SUM(A1)", "'\tcmd", "'\rcmd", "正常文本", "a=b"]


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "事项": HOSTILE,
            "件数": [1, -2, 3, 4, 5, 6, 7, 8],
            "受理时间": pd.to_datetime(["2026-01-05 09:30"] * 8),
            "字段": [["姓名", "电话"]] + [None] * 7,
        }
    )


def _workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_first_sheet_holds_filters_as_of_and_definitions(frame):
    filters = Filters(date(2026, 3, 1), date(2026, 3, 31), grids=("g01",), teams=("publicity",))
    kpi = load_catalogue()["on_time_rate"]
    book = _workbook(
        export.to_xlsx({"办件": frame}, filters=filters, as_of=datetime(2026, 4, 2, 8, 15), kpis=[kpi], lang="zh")
    )
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


def _rates_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "网格": ["HT01", "HT02", "HT03"],
            "按时办结率": [0.953412, None, 1.0],
            "办结时长（天）": [3.456, 2.0, 10.25],
            "件数": [120, 7, 0],
            "户数": [12.0, 3.0, None],  # whole numbers stored as floats (a column with a gap)
        }
    )


def test_xlsx_tables_have_a_frozen_header_an_autofilter_and_number_formats():
    frame = _rates_frame()
    book = _workbook(export.to_xlsx({"网格": frame}, lang="zh", percent={"网格": ["按时办结率"]}))
    sheet = book["网格"]
    assert [c.value for c in sheet[1]] == ["网格", "按时办结率", "办结时长（天）", "件数", "户数"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E4"
    rows = [[(c.value, c.number_format) for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0] == [("HT01", "General"), (0.953412, "0.0%"), (3.456, "#,##0.0"), (120, "General"), (12, "#,##0")]
    assert rows[1][1][0] is None and rows[1][2] == (2, "#,##0")  # a gap stays empty; whole numbers stay whole
    assert rows[2][1:3] == [(1, "0.0%"), (10.25, "#,##0.0")]


def test_xlsx_rate_format_can_follow_rows_for_a_column_mixing_units():
    frame = pd.DataFrame(
        {"指标": ["按时办结率", "办件量", "办结时长"], "本月值": [0.9812, 779, 3.25], "说明": ["n<10", "", ""]}
    ).astype({"本月值": object})
    frame.loc[2, "本月值"] = "n<10"
    book = _workbook(
        export.to_xlsx(
            {"指标": frame}, lang="zh", percent={"指标": ["本月值"]}, percent_rows={"指标": [True, False, True]}
        )
    )
    cells = [(c.value, c.number_format) for c in book["指标"]["B"][1:]]
    assert cells == [(0.9812, "0.0%"), (779, "General"), ("n<10", "General")]
    assert book["指标"].freeze_panes == "A2" and book["指标"].auto_filter.ref == "A1:C4"


def test_an_empty_table_still_gets_its_header_filter_and_frozen_row():
    sheet = _workbook(export.to_xlsx({"空": pd.DataFrame(columns=["网格", "件数"])}, lang="zh"))["空"]
    assert [c.value for c in sheet[1]] == ["网格", "件数"]
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:B2")


def test_csv_decimals_are_rounded_rates_to_a_hundredth_of_a_percent():
    back = pd.read_csv(io.BytesIO(export.to_csv(_rates_frame(), percent=["按时办结率"])), encoding="utf-8-sig")
    assert back["按时办结率"].tolist()[0] == 0.9534
    assert back["办结时长（天）"].tolist() == [3.46, 2.0, 10.25]
    assert back["件数"].tolist() == [120, 7, 0]


def test_drill_rows_read_as_labels_in_both_languages():
    from jianfu.ui.table_labels import readable

    rows = pd.DataFrame(
        {
            "case_id": ["C1", "C2", "C3"],
            "status": ["closed", "in_progress", "weird_code"],
            "service_line": ["housing", None, "civil_affairs"],
            "category": ["facilities", "x", None],
            "is_on_time": [True, False, True],
        }
    )
    zh = readable(rows, "zh")
    assert list(zh.columns) == ["办件编号", "状态", "业务条线", "类别", "is_on_time"]  # unknown columns keep their name
    assert zh["状态"].tolist() == ["已办结", "办理中", "weird_code"]  # an unknown code is shown as it is
    assert zh["业务条线"].tolist()[0] == "住房保障" and zh["业务条线"].isna().tolist()[1]
    assert zh["类别"].tolist()[0] == "设施"
    en = readable(rows, "en")
    assert list(en.columns)[:3] == ["Case id", "Status", "Service line"] and en["Status"][0] == "Closed"


def test_a_pivot_labels_the_codes_across_its_top():
    from jianfu.ui.table_labels import readable

    pivot = pd.DataFrame({"status": ["closed"], "window": [3], "online": [5], "—": [1]})
    assert list(readable(pivot, "zh", codes_across="channel").columns) == ["状态", "窗口", "网上办理", "—"]


def test_gaps_show_as_a_dash_on_screen_and_stay_empty_in_exports():
    from jianfu.display.format import table_gaps_as_dash

    frame = pd.DataFrame(
        {
            "网格": ["HT01", None],
            "率": [0.953, None],
            "时长": [3.25, float("nan")],
            "件数": pd.array([4, None], dtype="Int64"),
            "完整": [1.5, 2.0],
        }
    )
    shown = table_gaps_as_dash(frame, ["率"])
    assert shown.to_dict("list") == {
        "网格": ["HT01", "—"],
        "率": ["95.3%", "—"],
        "时长": ["3.2", "—"],
        "件数": ["4", "—"],
        "完整": [1.5, 2.0],
    }  # no gap: left to the table's format
    sheet = _workbook(export.to_xlsx({"t": frame}, lang="zh"))["t"]
    assert [c.value for c in sheet[3]] == [None, None, None, None, 2]


@pytest.mark.usefixtures("fresh_caches")
def test_the_explorer_drill_down_shows_labels_not_codes_or_none(sample_warehouse):
    from apptest_pages import open_page

    from jianfu.display.i18n import catalogue

    at = open_page("explorer")
    at.selectbox(key="explorer_drill_kpi").set_value("on_time_rate").run()
    drilled = next(df.value for df in at.dataframe if "办件编号" in df.value.columns)
    assert {"办件编号", "接件时间", "业务条线", "渠道", "状态"} <= set(drilled.columns)
    service_codes = {k.rsplit(".", 1)[1] for k in catalogue() if k.startswith("code.service_line.")}
    assert len(drilled) > 0 and not set(drilled["业务条线"]) & service_codes
    assert set(drilled["状态"]) <= {"已受理", "办理中", "已办结", "已退件", "—"} and "已办结" in set(drilled["状态"])
    assert not drilled.astype(str).isin(["None", "nan", "NaT", "<NA>"]).any().any()
