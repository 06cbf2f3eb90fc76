"""Formula injection (issue 15): a text cell starting with = + - @ (or a tab or CR before one) is neutralised in
every spreadsheet the app writes, and numbers stay numbers. The paths: the table downloads (every page's,
the explorer's, the drill-down's and the SQL console's go through `export_buttons` → `jianfu.export`), the
report workbook, and `jianfu kpis --format csv`."""

from __future__ import annotations

import ast
import csv
import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from security_corpus import MAPPING, row
from security_corpus import csv as corpus_csv

from jianfu import export, warehouse
from jianfu.export_safety import FORMULA_PREFIXES, neutralise
from jianfu.metrics import Filters

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = [
    '=HYPERLINK("http://evil.example","点此")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "-2",
]


def hostile_frame() -> pd.DataFrame:
    n = len(HOSTILE)
    return pd.DataFrame(
        {
            "matter": HOSTILE,
            "=cmd|' /C calc'!A0": ["header"] * n,  # a hostile column name
            "as_string_dtype": pd.array(HOSTILE, dtype="string"),
            "as_category": pd.Categorical(HOSTILE),
            "negative_int": [-1, -2, -3, -4, -5, -6, -7],
            "negative_float": [-0.5] * n,
            "mixed": [-1, "-1", "=1", 2.5, None, "ok", "@x"],
        }
    )


def assert_inert_text(value) -> None:
    if isinstance(value, str):
        assert not value.startswith(FORMULA_PREFIXES), repr(value)


def assert_inert_csv_cell(cell: str) -> None:
    """CSV has no types: a cell may start with "-" only when it is a number (a negative value)."""
    if cell.startswith("-"):
        float(cell)
    else:
        assert_inert_text(cell)


def test_neutralise_rule():
    assert [neutralise(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert [neutralise(v) for v in (-1, -0.5, None, "正常", "a=b", "1-2")] == [-1, -0.5, None, "正常", "a=b", "1-2"]


def test_csv_download_is_inert_and_keeps_numbers():
    parsed = list(csv.reader(io.StringIO(export.to_csv(hostile_frame()).decode("utf-8-sig"), newline="")))
    header, *rows = parsed
    for cell in [*header, *(c for r in rows for c in r)]:
        assert_inert_csv_cell(cell)
    columns = dict(zip(header, zip(*rows)))
    assert columns["matter"] == tuple("'" + v for v in HOSTILE)
    assert columns["'=cmd|' /C calc'!A0"][0] == "header"
    assert columns["negative_int"] == ("-1", "-2", "-3", "-4", "-5", "-6", "-7")  # numbers, written as numbers
    assert columns["mixed"][:4] == ("-1", "'-1", "'=1", "2.5")  # the number -1 stays, the text '-1' is marked


def test_xlsx_download_is_inert_and_keeps_numbers():
    filters = Filters(date(2026, 1, 1), date(2026, 1, 31), grids=("=1+1",))  # the filter sheet shows them too
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx({"rows": hostile_frame()}, filters=filters)))
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                assert_inert_text(cell.value)
    rows = list(book["rows"].iter_rows(values_only=True))
    header = rows[0]
    numbers = [r[header.index("negative_int")] for r in rows[1:]]
    assert numbers == [-1, -2, -3, -4, -5, -6, -7]  # numeric cells, not text
    assert [r[header.index("mixed")] for r in rows[1:4]] == [-1, "'-1", "'=1"]
    # (XLSX stores a CR as _x000D_, which openpyxl leaves encoded: compare the rows before it)
    assert [r[header.index("as_category")] for r in rows[1:6]] == ["'" + v for v in HOSTILE[:5]]


@pytest.fixture
def hostile_warehouse(tmp_path, monkeypatch):
    """A warehouse whose import has a formula as file name, grid and matter (all reach the report)."""
    from jianfu.ingest.loader import import_files

    monkeypatch.setenv("JIANFU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JIANFU_SUPPRESS_BELOW_N", "1")
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    path = tmp_path / "=HYPERLINK(1).csv"
    path.write_text(corpus_csv(*[row(case=f"h-{i}", matter="=1+1", grid="=2+3") for i in range(12)]), encoding="utf-8")
    [outcome] = import_files([path], mapping=tmp_path / "mapping.toml", who="test")
    assert outcome.outcome == "loaded", outcome.message
    return tmp_path


def test_report_workbook_is_inert(hostile_warehouse):
    from jianfu.report import build_report, render_xlsx

    report = build_report(warehouse.read_connection().cursor(), "2026-01")
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    texts = []
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                assert_inert_text(cell.value)
                texts.append(cell.value)
    assert "'=HYPERLINK(1).csv" in texts  # the import's file name, in the sources sheet, made inert


def test_cli_kpi_csv_is_inert(hostile_warehouse):
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "jianfu"),
            "kpis",
            "--format",
            "csv",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
            "--grid",
            "=2+3",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-1500:]
    cells = [c for r in csv.reader(io.StringIO(done.stdout)) for c in r]
    assert len(cells) > 20
    for cell in cells:
        assert_inert_csv_cell(cell)


def test_every_download_in_the_app_is_built_by_jianfu_export():
    """The table downloads all go through export_buttons, which builds its bytes with export.to_xlsx/to_csv:
    a new download button elsewhere, or bytes built another way, fails here."""
    callers = []
    for path in [*ROOT.glob("pages/*.py"), ROOT / "dashboard.py", *ROOT.glob("jianfu/**/*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "download_button":
                callers.append(path.relative_to(ROOT).as_posix())
    assert sorted(set(callers)) == ["jianfu/ui/export_buttons.py"]
    source = (ROOT / "jianfu/ui/export_buttons.py").read_text(encoding="utf-8")
    assert source.count("st.download_button(") == 2
    assert "export.to_xlsx(" in source and "export.to_csv(frame" in source
