"""The record-keeping, grids & teams, micro-projects, data and explorer pages in Debian's chromium against the
server README starts: metrics and charts drawn with no error element, screenshots in zh and en, an Excel export
that opens with its filter sheet, and the SQL console refusing escapes and stopping a runaway query."""

from __future__ import annotations

import openpyxl
import pytest
from playwright.sync_api import expect

from jianfu import settings
from jianfu.display.i18n import t

pytestmark = pytest.mark.browser

# page → (url path, what must be drawn before the page counts as rendered)
PAGES = {
    "record_keeping": ("record-keeping", ["[data-testid=stMetric]", ".js-plotly-plot .main-svg"]),
    "grids_teams": ("grids-teams", ["[data-testid=stMetric]", ".js-plotly-plot .main-svg"]),
    "micro_projects": ("micro-projects", ["[data-testid=stMetric]", ".js-plotly-plot .main-svg"]),
    "data": ("data", ["[data-testid=stDataFrame]"]),
    "explorer": ("explorer", ["[data-testid=stTabs]", "[data-testid=stDataFrame]"]),
}
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
CARDS = {"record_keeping": 9, "grids_teams": 4, "micro_projects": 6}  # KPI cards each page shows
ERRORS = "[data-testid=stException], [data-testid=stAlertContentError]"


def open_page(browser_page, live_server, name: str, lang: str = "zh"):
    path, drawn = PAGES[name]
    browser_page.goto(f"{live_server}/{path}" + ("?lang=en" if lang == "en" else ""))
    for selector in drawn:
        browser_page.wait_for_selector(selector, timeout=60_000)
    browser_page.wait_for_selector(IDLE, timeout=60_000)
    return browser_page


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_draws_without_errors(browser_page, live_server, screenshot_dir, name, lang):
    page = open_page(browser_page, live_server, name, lang)
    assert page.locator("h1").first.inner_text() == t(f"page.{name}", lang)
    if name in CARDS:
        expect(page.locator("[data-testid=stMetric]")).to_have_count(CARDS[name], timeout=30_000)
        assert page.locator(".js-plotly-plot .main-svg").count() >= 2
    assert page.locator(ERRORS).count() == 0
    assert "⟦" not in page.inner_text("body")
    screenshot_whole_page(page, screenshot_dir / f"{name}_{lang}.png")


def screenshot_whole_page(page, path) -> None:
    """Streamlit scrolls inside its main block, so a full-page screenshot stops at the window: grow the window to
    the content first, then let plotly redraw at the new size."""
    height = page.evaluate("document.querySelector('[data-testid=stMainBlockContainer]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 160, 12_000)})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(path), full_page=True)


def test_an_excel_export_opens_with_its_filter_sheet(browser_page, live_server, tmp_path):
    page = open_page(browser_page, live_server, "record_keeping")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name=t("export.xlsx_button", "zh")).first.click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == t("export.filter_sheet", "zh") and len(book.sheetnames) == 2
    labels = [row[0] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert t("export.window", "zh") in labels and t("export.data_as_of", "zh") in labels
    assert book.worksheets[1].max_row > 1  # the table itself


def _run_sql(page, sql: str, timeout_ms: int = 30_000) -> str:
    page.locator("[data-testid=stTextArea] textarea").fill(sql)
    page.get_by_role("button", name=t("explorer.sql.run", "zh")).click()
    page.wait_for_timeout(300)  # let the rerun start before waiting for it to end
    page.wait_for_selector(IDLE, timeout=timeout_ms)
    alerts = page.locator("[data-testid=stAlertContentError]")
    return alerts.first.inner_text() if alerts.count() else ""


REFUSED = [
    ("select * from read_csv('/etc/passwd')", "function_not_allowed", "read_csv"),
    ("copy (select 1) to '/tmp/jianfu-browser-escape.csv'", "not_read_only", "COPY"),
    ("attach '/tmp/jianfu-browser-other.duckdb' as other", "not_read_only", "ATTACH"),
    ("install httpfs", "not_read_only", "LOAD"),
    ("set threads = 1", "not_read_only", "SET"),
]


def test_the_sql_console_refuses_escapes_and_stops_a_runaway_query(browser_page, live_server):
    page = open_page(browser_page, live_server, "explorer")
    page.get_by_role("tab", name=t("explorer.tab_sql", "zh")).click()
    for sql, code, detail in REFUSED:
        assert _run_sql(page, sql) == t(f"explorer.sql.error.{code}", "zh", detail=detail), sql
    seconds = f"{int(settings.get('sql_time_limit_ms')) / 1000:g}"
    runaway = "with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r"
    assert _run_sql(page, runaway, timeout_ms=60_000) == t("explorer.sql.error.time_limit", "zh", detail=seconds)
    # the console is still usable, and the result has its export buttons
    assert _run_sql(page, "select count(*) as n from cases") == ""
    assert page.get_by_role("button", name=t("export.csv_button", "zh")).count() >= 1
