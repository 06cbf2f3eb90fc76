"""In Debian's chromium against `jianfu serve`: at phone width (390 × 844) the cards go two per row and fit in about
three screens, and a horizontal bar chart keeps its labels whole (read from plotly's SVG); a click on a bar shows
that bar's rows under the page's filters, and a card's rows button opens its rows."""

from __future__ import annotations

import pytest

from jianfu import metrics, warehouse
from jianfu.display import format as fmt
from jianfu.display.i18n import code_label
from jianfu.metrics.sql import run_query
from jianfu.ui.filter_params import preset_window

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LOAD_MS = 90_000
ERRORS = "[data-testid=stException], [data-testid=stAlertContentError]"


def _settle(page, selector: str) -> None:
    page.wait_for_selector(selector, timeout=LOAD_MS)
    page.wait_for_selector("[data-testid=stStatusWidget]", state="detached", timeout=LOAD_MS)
    page.wait_for_selector("[data-stale=true]", state="detached", timeout=LOAD_MS)
    page.wait_for_timeout(1000)


def _last_month(**dimensions) -> metrics.Filters:
    as_of = metrics.data_as_of(warehouse.read_connection())
    start, end = preset_window("last_month", as_of.date())
    return metrics.Filters(start, end, **dimensions)


def test_phone_overview_has_two_cards_per_row_within_about_three_screens(live_server, browser_page, screenshot_dir):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/?period=last_month")
    page.wait_for_function("document.querySelectorAll('[data-testid=stMetric]').length >= 20", timeout=LOAD_MS)
    _settle(page, "[class*='st-key-kpi_cards_gov']")
    assert page.locator(ERRORS).count() == 0
    rows = page.evaluate("""() => [...document.querySelectorAll('[class*="st-key-kpi_cards_gov"] [data-testid=stMetric]')]
        .map(m => { const b = m.closest('[data-testid=stColumn]').getBoundingClientRect();
                    return [Math.round(b.top), Math.round(b.left), Math.round(b.width)]; })""")
    tops = sorted({top for top, _, _ in rows})
    per_row = [sum(1 for top, _, _ in rows if top == t) for t in tops]
    assert per_row == [2, 2, 2]  # six government-affairs cards
    assert all(150 <= width <= 195 for _, _, width in rows)  # half of the 390 px screen each
    span = page.evaluate("""() => { const boxes = [...document.querySelectorAll('[class*="st-key-kpi_cards"]')]
        .map(e => e.getBoundingClientRect()); return boxes[boxes.length - 1].bottom - boxes[0].top; }""")
    print(f"\nphone: cards span {span:.0f} px = {span / PHONE['height']:.2f} screens")
    assert span <= 3.1 * PHONE["height"]


def test_phone_horizontal_bars_keep_their_labels_whole(live_server, browser_page, sample_warehouse):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/grids-teams?period=last_month")
    chart = ".st-key-grids_teams_cases .js-plotly-plot"
    _settle(page, f"{chart} .main-svg")
    ticks = page.evaluate(f"""() => [...document.querySelectorAll('{chart} .yaxislayer-above .ytick text')]
        .map(t => {{ const b = t.getBoundingClientRect(); return [t.textContent, b.left]; }})""")
    names = [name for (name,) in warehouse.read_connection().execute("select name from grids").fetchall()]
    assert sorted(text for text, _ in ticks) == sorted(names)
    assert min(len(text) for text, _ in ticks) > 1
    left = page.locator(chart).bounding_box()["x"]
    assert all(x >= left for _, x in ticks)  # drawn inside the chart, not cut at its edge
    # bars sorted: the largest rate at the top
    profile = run_query(warehouse.read_connection(), "page_grids_profile", _last_month().to_params())
    top_label = page.evaluate(f"""() => {{ const t = [...document.querySelectorAll('{chart} .yaxislayer-above .ytick text')];
        return t.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0].textContent; }}""")
    assert top_label == profile.sort_values("cases_per_1000", ascending=False)["name"].iloc[0]


def _click_bar(page, chart: str, rows: str, pick=lambda boxes: boxes[0]):
    """Click a bar and wait for its rows; a click that lands while the page still reruns is lost, so try again."""
    found = page.locator(f"{rows} [data-testid=stDataFrame]")
    for _ in range(4):
        page.locator(chart).scroll_into_view_if_needed()  # a mouse click lands only inside the viewport
        bars = page.locator(f"{chart} .bars .point path")
        boxes = [bars.nth(i).bounding_box() for i in range(bars.count())]
        box = pick([b for b in boxes if b and b["width"] > 0 and b["height"] > 0])
        # near the bar's bottom-left corner: Streamlit's chart toolbar covers the top right of the plot
        page.mouse.click(box["x"] + min(10, box["width"] / 2), box["y"] + box["height"] - min(5, box["height"] / 2))
        try:
            found.wait_for(timeout=20_000)
            return page.locator(rows)
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: click again
            page.wait_for_timeout(2000)
    raise AssertionError(f"no rows under {chart} after four clicks")


def test_a_click_on_a_grids_bar_shows_that_grids_cases(live_server, browser_page, sample_warehouse, screenshot_dir):
    page = browser_page
    page.goto(f"{live_server}/grids-teams?period=last_month")
    chart = ".st-key-grids_teams_cases .js-plotly-plot"
    _settle(page, f"{chart} .main-svg")
    # the top bar: the largest
    rows = _click_bar(
        page, chart, ".st-key-grids_teams_cases_rows", pick=lambda boxes: min(boxes, key=lambda b: b["y"])
    )
    profile = run_query(warehouse.read_connection(), "page_grids_profile", _last_month().to_params())
    clicked = profile.sort_values("cases_per_1000", ascending=False).iloc[0]
    text = rows.inner_text()
    assert f"办件量 · {clicked['name']}" in text
    assert f"{fmt.count(int(clicked['cases']), 'zh')} 行" in text
    assert page.locator(ERRORS).count() == 0
    page.screenshot(path=str(screenshot_dir / "drill_bar_zh.png"))


def test_a_click_on_a_bar_keeps_the_pages_filters(live_server, browser_page, sample_warehouse):
    """Throughput's cycle time by service line under a channel filter: the clicked line's rows of that channel only."""
    page = browser_page
    page.goto(f"{live_server}/throughput?period=last_month&channel=window")
    chart = ".st-key-throughput_cycle_by_line .js-plotly-plot"
    _settle(page, f"{chart} .main-svg")
    rows = _click_bar(page, chart, ".st-key-throughput_cycle_by_line_rows")
    title = rows.locator("strong").first.inner_text()
    kpi_label, _, line_label = title.partition("：")[2].partition(" · ")
    cat = metrics.load_catalogue()
    kpi_id = next(k for k in ("cycle_time", "cycle_time_p90") if cat[k].label("zh") == kpi_label)
    by_line = metrics.compute_by(
        warehouse.read_connection(), kpi_id, _last_month(channels=("window",)), by="service_line"
    )
    line = next(code for code in by_line["group"] if code_label("service_line", code, "zh") == line_label)
    n = int(by_line.loc[by_line["group"] == line, "n"].iloc[0])
    everyone = metrics.compute_by(warehouse.read_connection(), kpi_id, _last_month(), by="service_line")
    assert n < int(everyone.loc[everyone["group"] == line, "n"].iloc[0])  # the channel filter narrows the rows
    assert f"{fmt.count(n, 'zh')} 行" in rows.inner_text()


def test_a_cards_rows_button_opens_its_rows(live_server, browser_page, sample_warehouse):
    page = browser_page
    page.goto(f"{live_server}/throughput?period=last_month")
    _settle(page, "[class*='st-key-kpi_cards'] [data-testid=stMetric]")
    page.locator(".st-key-card_rows_on_time_rate button").click()
    dialog = page.locator("[data-testid=stDialog]")
    dialog.locator("[data-testid=stDataFrame]").wait_for(timeout=LOAD_MS)
    result = metrics.compute_kpis(warehouse.read_connection(), _last_month(), ids=["on_time_rate"])["on_time_rate"]
    text = dialog.inner_text()
    assert "明细：按时办结率" in text
    assert f"分子 {fmt.count(result.numerator, 'zh')} 行 · 分母 {fmt.count(result.denominator, 'zh')} 行" in text
