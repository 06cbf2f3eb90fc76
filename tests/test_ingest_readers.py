"""Readers: encoding from the bytes, record start lines (fast and exact paths), Excel rows, clear refusals."""

import codecs
import os

import pytest
from test_ingest_helpers import HEADERS, MULTILINE_MATTER, ROWS, write_cases_xlsx, write_csv

from jianfu.ingest import readers
from jianfu.ingest.errors import ImportRefused
from jianfu.ingest.readers import Source


@pytest.mark.parametrize(
    "encoding, detected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030")]
)
def test_encoding_is_detected_from_the_bytes_not_the_name(tmp_path, encoding, detected):
    path = write_csv(tmp_path / "办件.txt", HEADERS, ROWS, encoding)
    source = Source(path)
    assert source.encoding == detected
    table = source.table()
    assert table.headers == HEADERS
    assert table.data.column("事项名称").to_pylist() == [r[1] for r in ROWS]


def test_each_record_knows_the_line_where_it_starts(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes(
        b"id,note\n"  # line 1
        b"1,one\n"  # 2
        b'2,"two\nlines"\n'  # 3-4
        b"\n"  # 5 (blank: not a record)
        b'3,"three\r\n\r\nlines"\n'  # 6-8
        b"4,four\n"
    )  # 9
    table = Source(path).table()
    assert table.lines.tolist() == [2, 3, 6, 9]
    assert table.data.column("note").to_pylist() == ["one", "two\nlines", "three\r\n\r\nlines", "four"]


def test_one_line_records_take_the_fast_path_with_the_same_lines(tmp_path, monkeypatch):
    def no_exact_path(*args):
        raise AssertionError("a file of one-line records must not need the record-by-record reader")

    monkeypatch.setattr(readers, "_read_csv_exact", no_exact_path)
    path = write_csv(tmp_path / "simple.csv", ["id", "v"], [[str(i), f"值{i}"] for i in range(5)])
    table = Source(path).table()
    assert table.lines.tolist() == [2, 3, 4, 5, 6]
    assert table.data.column("v").to_pylist() == ["值0", "值1", "值2", "值3", "值4"]


def test_a_multi_line_field_survives_byte_exact(tmp_path):
    path = write_csv(tmp_path / "multi.csv", HEADERS, ROWS)
    table = Source(path).table()
    assert table.data.column("事项名称")[1].as_py().encode() == MULTILINE_MATTER.encode()
    assert table.lines.tolist() == [2, 3, 5]


def test_ragged_records_are_kept_as_malformed_with_their_line(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n", encoding="utf-8")
    table = Source(path).table()
    assert table.data.column("a").to_pylist() == ["1", "10"]
    assert table.lines.tolist() == [2, 5]
    assert table.malformed == [(3, "has 2 fields where the header has 3"), (4, "has 4 fields where the header has 3")]
    assert table.rows_read == 4


def test_semicolon_and_tab_separated_exports_are_split_right(tmp_path):
    (tmp_path / "semi.csv").write_text("编号;名称\n1;甲\n", encoding="utf-8")
    (tmp_path / "tab.csv").write_text("编号\t名称\n1\t甲,乙\n", encoding="utf-8")
    assert Source(tmp_path / "semi.csv").table().data.to_pylist() == [{"编号": "1", "名称": "甲"}]
    assert Source(tmp_path / "tab.csv").table().data.to_pylist() == [{"编号": "1", "名称": "甲,乙"}]


def test_repeated_headers_are_suffixed_and_remembered(tmp_path):
    (tmp_path / "dup.csv").write_text("编号,电话,电话\n1,a,b\n", encoding="utf-8")
    table = Source(tmp_path / "dup.csv").table()
    assert table.headers == ["编号", "电话", "电话#2"]
    assert table.duplicate_headers == {"电话"}


def test_xlsx_rows_are_excel_rows_and_dates_read_as_text(tmp_path):
    path = write_cases_xlsx(tmp_path / "办件.csv", top_blank_rows=2)  # a workbook, whatever its name says
    source = Source(path)
    assert source.kind == "xlsx" and source.sheet_names == ["办件明细"]
    table = source.table(header_row=3)
    assert table.headers == HEADERS
    assert table.lines.tolist() == [4, 5, 6]
    received = table.data.column("受理时间").to_pylist()
    assert received == ["2025-01-02 09:00:00", "2025/01/03 14:20", "2025-01-04 08:00:00"]
    closed = table.data.column("办结时间").to_pylist()
    assert closed[1] is None and closed[2] == "2025-01-04 08:30:00"
    assert abs(float(closed[0]) - 45662.4375) < 1e-6  # the serial, parsed later as 2025-01-05 10:30
    assert table.data.column("跑动次数").to_pylist() == ["1", "0", None]
    assert table.data.column("事项名称")[1].as_py() == MULTILINE_MATTER


def test_xlsx_header_row_pointing_at_a_blank_row_is_refused(tmp_path):
    path = write_cases_xlsx(tmp_path / "blank_top.xlsx", top_blank_rows=2)
    with pytest.raises(ImportRefused, match="row 1 of sheet '办件明细' in blank_top.xlsx holds no headers"):
        Source(path).table(header_row=1)


def test_missing_sheet_is_refused_naming_the_sheets(tmp_path):
    path = write_cases_xlsx(tmp_path / "cases.xlsx")
    with pytest.raises(ImportRefused, match="has no sheet named '汇总' \\(it has 办件明细\\)"):
        Source(path).table(sheet="汇总")


@pytest.mark.parametrize(
    "content, message",
    [
        (os.urandom(64) + b"\x00" + os.urandom(4000), "is a binary file, not a CSV or Excel export"),
        (b"id,name\n1," + "张三".encode() + b"\xff\xfe\x80\n", "is neither UTF-8 nor GB18030/GBK text"),
        (codecs.BOM_UTF8 + b"id\n\xff\n", "starts with a UTF-8 mark but holds bytes that are not UTF-8"),
        (b"   \n\n", "is empty"),
        (b"PK\x03\x04" + os.urandom(300), "looks like an Excel workbook but cannot be opened"),
    ],
)
def test_unreadable_files_are_refused_with_one_sentence(tmp_path, content, message):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(ImportRefused, match=message) as refused:
        Source(path).table()
    assert str(refused.value).startswith("export.csv ") and str(refused.value).count(". ") == 0


def test_a_file_mixing_utf8_and_gbk_lines_is_refused_not_loaded_as_mojibake(tmp_path):
    path = tmp_path / "pasted.csv"
    path.write_bytes("编号,事项\n1,低保申请\n".encode() + "2,残疾人两项补贴\n".encode("gbk"))
    with pytest.raises(ImportRefused, match="pasted.csv mixes UTF-8 text \\(line 1\\) with other bytes"):
        Source(path).table()


def test_a_truncated_workbook_is_refused(tmp_path):
    whole = write_cases_xlsx(tmp_path / "whole.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ImportRefused, match="cut.xlsx looks like an Excel workbook but cannot be opened"):
        Source(tmp_path / "cut.xlsx").table()


def test_a_csv_cut_inside_a_quoted_field_is_refused(tmp_path):
    (tmp_path / "cut.csv").write_text('id,note\n1,"ok"\n2,"never\nclosed\n', encoding="utf-8")
    with pytest.raises(ImportRefused, match="ends inside a quoted field"):
        Source(tmp_path / "cut.csv").table()


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(ImportRefused, match="nothing.csv does not exist"):
        Source(tmp_path / "nothing.csv")


def test_a_zip_bomb_workbook_is_refused_before_unpacking(tmp_path):
    import zipfile

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * (20 << 20))  # 120 MB of one repeated tag
    with pytest.raises(ImportRefused, match="bomb.xlsx holds a part that would unpack to 120 MB from 0.2 MB"):
        Source(path).table()
