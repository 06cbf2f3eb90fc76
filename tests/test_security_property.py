"""Property tests of the readers and the mapping: arbitrary bytes and arbitrary small tables never crash the
importer with anything but a refusal, and a refused import never changes the warehouse."""

from __future__ import annotations

import csv as csvmod
import io
import os
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from security_corpus import HEADER, MAPPING, good_csv

from jianfu import warehouse
from jianfu.ingest.loader import ImportRefused, import_files

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADERS = HEADER.split(",")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("JIANFU_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "base.csv").write_bytes(good_csv())
    assert import_files([tmp_path / "base.csv"], mapping=tmp_path / "mapping.toml")[0].outcome == "loaded"
    return tmp_path


def version() -> tuple[str, int, int]:
    path = warehouse.current_path()
    return path.name, path.stat().st_size, path.stat().st_mtime_ns


def import_checked(folder, name: str, data: bytes, auto_detect: bool) -> SimpleNamespace:
    path = folder / name
    path.write_bytes(data)
    before = version()
    try:
        [outcome] = import_files([path], mapping=None if auto_detect else folder / "mapping.toml", who="property")
    except ImportRefused as exc:
        outcome = SimpleNamespace(outcome="refused", message=exc.message, rows_read=0, rows_loaded=0, rows_rejected=0)
    assert outcome.outcome in ("loaded", "unchanged", "refused")
    if outcome.outcome == "refused":
        assert outcome.message and "\n" not in outcome.message and len(outcome.message) <= 400
        assert version() == before
    if outcome.outcome == "loaded":
        assert outcome.rows_loaded + outcome.rows_rejected == outcome.rows_read
    assert not [p for p in os.listdir(warehouse.warehouse_dir()) if ".tmp" in p]
    warehouse.close_read_connections()
    return outcome


ZIP_OR_NOT = st.sampled_from(
    [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf", b"\xff\xfe", HEADER.encode() + b"\n"]
)


@SETTINGS
@given(
    prefix=ZIP_OR_NOT,
    body=st.binary(max_size=3000),
    suffix=st.sampled_from([".csv", ".xlsx", ".txt"]),
    auto_detect=st.booleans(),
)
def test_arbitrary_bytes(folder, prefix, body, suffix, auto_detect):
    import_checked(folder, f"bytes{suffix}", prefix + body, auto_detect)


CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "2026-01-05 09:00:00",
            "2026-13-01",
            "9999-12-31",
            "0000-00-00",
            "closed",
            "received",
            "-1",
            "1e309",
            "NaN",
            "=1+1",
            "@SUM(A1)",
            "<script>x</script>",
            "g01",
            "",
            " ",
            "\x00",
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


@st.composite
def tables(draw):
    extra = draw(st.lists(st.text(min_size=1, max_size=12), max_size=3))
    headers = draw(st.permutations(HEADERS + extra)).copy()
    headers = headers[: draw(st.integers(min_value=1, max_value=len(headers)))]
    rows = draw(st.lists(st.lists(CELL, min_size=len(headers), max_size=len(headers)), max_size=8))
    return headers, rows


@SETTINGS
@given(
    table=tables(),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_arbitrary_csv_tables(folder, table, delimiter, newline, encoding):
    headers, rows = table
    buffer = io.StringIO()
    writer = csvmod.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(headers)
    writer.writerows(rows)
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buffer.getvalue().encode("utf-8")
    import_checked(folder, "table.csv", data, auto_detect=False)


@SETTINGS
@given(table=tables())
def test_arbitrary_xlsx_tables(folder, table):
    import xlsxwriter

    headers, rows = table
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet()
    for r, values in enumerate([headers, *rows]):
        for c, value in enumerate(values):
            sheet.write_string(r, c, value.replace("\x00", ""))
    book.close()
    import_checked(folder, "table.xlsx", buffer.getvalue(), auto_detect=False)
