"""Acceptance of the monthly report on the sample warehouse (October 2026, all grids):
1. every number in the XLSX equals the engine's value for the same month and filters, and the PDF's text shows
   the headline figures formatted as the dashboard formats them;
2. the PDF's pages, rendered to PNG, are not blank, and the charts page holds the charts' colours.
The report is built once per module; the engine's values are computed here independently of the report."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time
import unicodedata
from datetime import date, datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import CHROMIUM

from jianfu import warehouse
from jianfu.display import format as fmt
from jianfu.display import palette
from jianfu.display.i18n import code_label, t
from jianfu.metrics import Filters, comparison_composite, compute_by, compute_kpis, kpi_series, league, load_catalogue
from jianfu.report import build_report, render_pdf, render_xlsx
from jianfu.report.content import CHARTS, HEADLINE_KPIS

MONTH = "2026-10"
FILTERS = Filters(date(2026, 10, 1), date(2026, 10, 31))
LANG = "zh"


@pytest.fixture(scope="module")
def report_files(sample_data_dir):
    """(report, xlsx bytes) on the sample warehouse; prints how long building the report took."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JIANFU_DATA_DIR", str(sample_data_dir))
        started = time.perf_counter()
        report = build_report(warehouse.read_connection(), MONTH, lang=LANG)
        built = time.perf_counter() - started
        xlsx = render_xlsx(report)
        warehouse.close_read_connections()
    print(f"\nbuild_report({MONTH}) on the sample warehouse: {built:.1f} s")
    return report, xlsx


@pytest.fixture(scope="module")
def chromium_or_skip():
    """tests/conftest.py's `_chromium` rule without starting a browser (render_pdf starts its own)."""
    if not os.path.exists(CHROMIUM):
        message = "Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def pdf_bytes(report_files, chromium_or_skip):
    started = time.perf_counter()
    pdf = render_pdf(report_files[0])
    print(f"\nrender_pdf: {time.perf_counter() - started:.1f} s")
    return pdf


def _numeric(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(cell, engine) -> bool:
    if engine is None or (isinstance(engine, float) and engine != engine):
        return cell is None
    return cell is not None and cell == pytest.approx(float(engine), rel=1e-9, abs=1e-9)


class Sheet:
    """A worksheet read as rows of dicts by header, remembering which numeric cells a test has checked."""

    def __init__(self, ws):
        rows = list(ws.iter_rows(values_only=True))
        self.header, self.rows, self.checked = list(rows[0]), rows[1:], set()

    def records(self):
        return [dict(zip(self.header, row)) | {"_row": i} for i, row in enumerate(self.rows)]

    def check(self, record: dict, column: str, engine) -> None:
        value = record[column]
        assert _same(value, engine), f"row {record['_row']} {column}: xlsx {value!r} ≠ engine {engine!r}"
        self.checked.add((record["_row"], self.header.index(column)))

    def unchecked_numbers(self) -> list:
        return [
            (i, self.header[j], v)
            for i, row in enumerate(self.rows)
            for j, v in enumerate(row)
            if _numeric(v) and (i, j) not in self.checked
        ]


def _h(key: str) -> str:
    return t(f"report.xlsx.{key}", LANG)


KPI_ID = t("export.kpi_id", LANG)


def _workbook(xlsx: bytes) -> dict[str, Sheet]:
    wb = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)
    return {ws.title: Sheet(ws) for ws in wb.worksheets}


def test_every_number_in_the_xlsx_is_the_engines(report_files, sample_warehouse):
    _, xlsx = report_files
    con = warehouse.read_connection()
    cat = load_catalogue()
    results = compute_kpis(con, FILTERS)
    sheets = _workbook(xlsx)
    assert list(sheets) == [
        t("export.filter_sheet", LANG),
        # 排名 after 分网格: the sample's six streets are ranked (see test_app_ranking for the ranks themselves)
        *(_h(f"sheet_{s}") for s in ("scores", "kpis", "trends", "grids", "ranking", "overdue", "sources")),
    ]

    scores = sheets[_h("sheet_scores")]
    pillar_rows = {
        t("report.scores.overall", LANG): "overall",
        **{code_label("pillar", p, LANG): p for p in results["city_score"].detail["pillars"]},
    }
    by_key = {pillar_rows[r[_h("pillar")]]: r for r in scores.records()}
    city = results["city_score"]
    for column, engine in (
        (_h("score"), city.value),
        (_h("previous"), city.previous),
        (_h("last_year"), city.last_year),
    ):
        scores.check(by_key["overall"], column, engine)
    for pillar, value in city.detail["pillars"].items():
        scores.check(by_key[pillar], _h("score"), value)
        for comparison in ("previous", "last_year"):
            scores.check(
                by_key[pillar], _h(comparison), comparison_composite(results, cat, comparison)["pillars"][pillar]
            )

    kpis = sheets[_h("sheet_kpis")]
    numbers = (
        "value",
        "numerator",
        "denominator",
        "n",
        "ci_low",
        "ci_high",
        "previous",
        "last_year",
        "reference",
        "score",
    )
    records = kpis.records()
    assert {r[KPI_ID] for r in records} == {
        k for k in cat if cat[k].kind not in ("composite", "drivers") and "missing_input" not in results[k].flags
    }
    suppressed = 0
    for record in records:
        result = results[record[KPI_ID]]
        if "suppressed" in result.flags:
            suppressed += 1
            assert record[_h("value")] == fmt.suppressed_text()
            assert [record[_h(c)] for c in numbers[1:]] == [None] * (len(numbers) - 1)
            continue
        for name in numbers:
            kpis.check(record, _h(name), getattr(result, name))
    assert suppressed > 0  # the sample month has small-n KPIs: the rule is exercised

    trends = sheets[_h("sheet_trends")]
    for chart in CHARTS:
        series = kpi_series(con, chart.kpi_id, FILTERS, grain=chart.grain, periods=chart.periods)
        rows = [r for r in trends.records() if r[KPI_ID] == chart.kpi_id]
        assert len(rows) == len(series) == chart.periods
        for record, period in zip(rows, series.itertuples(index=False)):
            assert record[_h("period_start")].date() == period.period_start
            if period.suppressed:
                assert (record[_h("period_value")], record[_h("n")]) == (fmt.suppressed_text(), None)
            else:
                trends.check(record, _h("period_value"), period.value)
                trends.check(record, _h("n"), period.n)
            for name in ("mean", "ucl", "lcl"):
                trends.check(record, _h(name), getattr(period, name))

    grids = sheets[_h("sheet_grids")]
    grid_records = grids.records()
    for kpi_id in sorted({r[KPI_ID] for r in grid_records}):
        engine = {row.group: row for row in compute_by(con, kpi_id, FILTERS, by="grid_id").itertuples(index=False)}
        rows = [r for r in grid_records if r[KPI_ID] == kpi_id]
        # the district's 12345 work orders name no grid: a row without a grid, in the report as in the engine
        assert sorted(r[_h("grid_id")] or "" for r in rows) == sorted(g if isinstance(g, str) else "" for g in engine)
        engine = {g if isinstance(g, str) else None: row for g, row in engine.items()}
        for record in rows:
            row = engine[record[_h("grid_id")]]
            if row.suppressed:
                assert record[_h("value")] == fmt.suppressed_text()
                continue
            for name in ("value", "numerator", "denominator", "n"):
                grids.check(record, _h(name), getattr(row, name))

    ranking = sheets[_h("sheet_ranking")]
    expected = league.league(con, FILTERS).table.set_index("unit")
    header = {t(f"ranking.column.{c}", LANG): c for c in ("rank", "previous_rank", "n", *league.RATES, *league.SHOWN)}
    records = ranking.records()
    assert [r[t("ranking.column.unit", LANG)] for r in records] == expected.index.tolist()
    for record in records:
        row = expected.loc[record[t("ranking.column.unit", LANG)]]
        for column, name in header.items():
            engine = row[name]
            ranking.check(record, column, None if engine is None or pd.isna(engine) else float(engine))
        composite = row["composite"]
        ranking.check(record, t("ranking.column.composite", LANG), None if pd.isna(composite) else round(composite, 2))

    overdue = sheets[_h("sheet_overdue")]
    end_exclusive = datetime(2026, 11, 1)
    for record in overdue.records():
        rating, due = con.execute(
            "select rating, rectify_due_at from evaluations where eval_id = ?", [record[_h("eval_id")]]
        ).fetchone()
        overdue.check(record, _h("rating"), rating)
        overdue.check(record, _h("days_past_due"), (end_exclusive.date() - due.date()).days)
        assert rating <= 2 and due < end_exclusive

    sources = sheets[_h("sheet_sources")]
    for record in sources.records():
        logged = con.execute(
            "select rows_loaded, rows_updated, rows_rejected from import_log where import_id = ?",
            [record[_h("import_id")]],
        ).fetchone()
        sources.checked.add((record["_row"], sources.header.index(_h("import_id"))))
        for column, engine in zip(("rows_loaded", "rows_updated", "rows_rejected"), logged):
            sources.check(record, _h(column), engine)
    assert (
        len(sources.rows)
        == con.execute("select count(*) from import_log where outcome = 'loaded' and undone_at is null").fetchone()[0]
        > 0
    )

    definitions = sheets[t("export.filter_sheet", LANG)]  # the first sheet: filters, then KPI definitions
    target_header = t("export.kpi_target", LANG)
    target_column = next(j for row in definitions.rows for j, v in enumerate(row) if v == target_header)
    for i, row in enumerate(definitions.rows):
        if row[0] in cat and _numeric(row[target_column]):
            assert row[target_column] == cat[row[0]].target
            definitions.checked.add((i, target_column))

    assert not [
        v
        for sheet in sheets.values()
        for row in [sheet.header, *sheet.rows]
        for v in row
        if isinstance(v, str) and "⟦" in v
    ]  # no missing string
    unchecked = {name: sheet.unchecked_numbers() for name, sheet in sheets.items()}
    assert {name: cells for name, cells in unchecked.items() if cells} == {}


def _pdf_text(pdf: bytes) -> str:
    """The PDF's text. Chromium maps some CJK glyphs to their Kangxi-radical twins (⽉ for 月): NFKC folds them."""
    from pypdf import PdfReader

    return unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


@pytest.mark.browser
def test_pdf_shows_the_headline_figures_as_the_dashboard_formats_them(pdf_bytes, sample_warehouse):
    results = compute_kpis(warehouse.read_connection(), FILTERS)
    cat = load_catalogue()
    text = _pdf_text(pdf_bytes)
    expected = {"city_score": fmt.score(results["city_score"].value)}
    expected |= {k: fmt.value(results[k].value, cat[k].unit, lang=LANG) for k in HEADLINE_KPIS}
    for kpi_id, shown in expected.items():
        label = unicodedata.normalize("NFKC", cat[kpi_id].label(LANG))
        assert f"{label}\n{shown}" in text, f"{kpi_id}: {label} {shown} not on the headline cards"
    assert "横塘社区" in text and "2026年10月" in text and fmt.suppressed_text() in text
    assert "⟦" not in text  # no missing string


@pytest.mark.browser
def test_pdf_embeds_its_fonts(pdf_bytes):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts[id(font)] = font
    assert fonts
    for font in fonts.values():
        descriptor = font.get("/FontDescriptor")
        embedded = "/CharProcs" in font or (
            descriptor is not None
            and any(key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3"))
        )
        assert embedded, f"font {font.get('/BaseFont')} is not embedded"


@pytest.mark.browser
def test_pdf_pages_render_with_charts(pdf_bytes, tmp_path, screenshot_dir):
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        message = "pdftoppm is not installed (apt-get install poppler-utils)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    (tmp_path / "report.pdf").write_bytes(pdf_bytes)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(tmp_path / "report.pdf"), str(tmp_path / "page")], check=True, timeout=120
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 5
    bar_colour = np.array([int(palette.categorical()[0][i : i + 2], 16) for i in (1, 3, 5)])
    chart_share = []
    for path in pages:
        shutil.copy(path, screenshot_dir / f"report_{MONTH}_{path.stem}.png")
        pixels = np.asarray(Image.open(path).convert("RGB")).astype(int)
        assert (pixels.min(axis=2) < 200).mean() > 0.002, f"{path.name} is blank"
        chart_share.append(float((np.abs(pixels - bar_colour).max(axis=2) < 40).mean()))
    # the bar charts fill a good part of a page in the bar colour; text and tables never do
    assert max(chart_share) > 0.03, chart_share


@pytest.mark.browser
def test_cli_writes_the_pdf_and_xlsx_for_one_grid_in_english(sample_warehouse, chromium_or_skip, tmp_path):
    from click.testing import CliRunner

    from jianfu.cli import main

    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["report", "--month", MONTH, "--grid", "HT01", "--lang", "en", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [f"jianfu_report_{MONTH}.pdf", f"jianfu_report_{MONTH}.xlsx"]
    text = _pdf_text((out / f"jianfu_report_{MONTH}.pdf").read_bytes())
    grid_name = warehouse.read_connection().execute("select name from grids where grid_id = 'HT01'").fetchone()[0]
    on_time = compute_kpis(
        warehouse.read_connection(), Filters(FILTERS.start, FILTERS.end, grids=("HT01",)), ids=["on_time_rate"]
    )["on_time_rate"]
    assert "Monthly report" in text and grid_name in text and "⟦" not in text
    assert f"On-time completion\n{fmt.value(on_time.value, 'ratio', lang='en')}" in text
    sheets = _workbook((out / f"jianfu_report_{MONTH}.xlsx").read_bytes())
    assert list(sheets)[:2] == ["Filters", "Scores"]
    filters = {row[0]: row[1] for row in sheets["Filters"].rows if row and row[0]}
    assert filters["Grids"] == "HT01"
    grid_rows = sheets["By grid"].records()
    assert grid_rows and {r["Grid"] for r in grid_rows} == {"HT01"}


def test_the_xlsx_is_ready_for_excel_without_internal_columns(report_files):
    report, xlsx = report_files
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    cat = load_catalogue()
    for ws in book.worksheets[1:]:  # every table sheet: header frozen, autofilter over the whole table
        header = [c.value for c in ws[1]]
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=len(header)).column_letter}{max(ws.max_row, 2)}"
        assert not {"key", "kpi_id", "chart", "grid_id", "eval_id", "import_id"} & set(header), ws.title
        assert all(re.search(r"[\u4e00-\u9fff]", h) for h in header), (ws.title, header)  # Chinese headers
    kpis = book[_h("sheet_kpis")]
    header = [c.value for c in kpis[1]]
    rows = {r[0].value: r for r in kpis.iter_rows(min_row=2)}
    units = {r[header.index(_h("unit"))].value for r in rows.values()}
    assert units and not units & {"ratio", "count", "days", "hours", "index", "score"}  # labels, not codes
    value = header.index(_h("value"))
    on_time, volume = rows["on_time_rate"], rows["case_volume"]
    assert on_time[value].number_format == "0.0%" and on_time[header.index(_h("previous"))].number_format == "0.0%"
    assert volume[value].number_format == "General" and isinstance(volume[value].value, int)
    assert cat["on_time_rate"].unit == "ratio" and cat["case_volume"].unit == "count"
    trends = book[_h("sheet_trends")]
    t_header = [c.value for c in trends[1]]
    rate_rows = [r for r in trends.iter_rows(min_row=2) if r[0].value == "on_time_rate"]
    assert rate_rows and {
        r[t_header.index(_h("period_value"))].number_format
        for r in rate_rows
        if isinstance(r[t_header.index(_h("period_value"))].value, float)
    } == {"0.0%"}


def test_the_overview_and_the_report_write_the_composite_change_and_the_summary_alike(report_files, sample_warehouse):
    """One string on both surfaces: the overview's composite delta and the report's; the same 本月要点."""
    import streamlit as st
    from apptest_pages import open_page

    from jianfu.report.html import render_html

    report = report_files[0]
    st.cache_data.clear()
    st.cache_resource.clear()
    at = open_page("overview", period="last_month")  # October 2026, the report's month
    composite = at.metric[0]
    assert composite.label == t("overview.composite", LANG)
    overall = report.scores[0]
    assert composite.value == fmt.score(overall.score)
    assert composite.delta == fmt.score_change(overall.score, overall.previous)
    assert re.fullmatch(r"[+-]\d\.\d\d", composite.delta)
    html = render_html(report)
    assert t("report.vs_previous", LANG, change=composite.delta) in html
    assert t("common.composite_definition", LANG) in html
    assert any(t("common.composite_definition", LANG) in c.value for c in at.caption)
    page_text = "\n".join(m.value for m in at.markdown)
    assert report.improvements and report.problems
    for sentence in (*report.improvements, *report.problems):
        assert f"- {sentence}" in page_text and f"<li>{sentence}</li>" in html
    st.cache_data.clear()
    st.cache_resource.clear()
