"""The overview, satisfaction, throughput and catalogue pages in Debian's chromium against `jianfu serve`: they
show metrics and draw charts with no error element, a filter change reaches the URL and the numbers, the URL
alone reproduces the view, and each page is photographed in zh and en (artifacts/screenshots/)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

# page → (url path, extra query, metrics it shows at least, needs charts). The satisfaction page is opened on a
# survey quarter so its survey charts draw too.
PAGES = {
    "overview": ("", "", 20, True),
    "satisfaction": ("satisfaction", "period=last_quarter", 10, True),
    "throughput": ("throughput", "", 12, True),
    "catalogue": ("catalogue", "", 0, False),
}
ERRORS = "[data-testid=stException], [data-testid=stAlertContentError]"
LOAD_MS = 90_000


def _url(base: str, path: str, *queries: str) -> str:
    query = "&".join(q for q in queries if q)
    return f"{base}/{path}" + (f"?{query}" if query else "")


def _settle(page, min_metrics: int, needs_charts: bool) -> None:
    """Wait until the script run is over and what the page must show is drawn."""
    page.wait_for_selector("[data-testid=stMainBlockContainer] h1", timeout=LOAD_MS)
    if min_metrics:
        page.wait_for_function(
            f"document.querySelectorAll('[data-testid=stMetric]').length >= {min_metrics}", timeout=LOAD_MS
        )
    if needs_charts:
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=LOAD_MS)
    # A rerun keeps the old elements on screen (marked stale) until new ones replace them: wait for the run to
    # end, then for the numbers to hold still.
    page.wait_for_selector("[data-testid=stStatusWidget]", state="detached", timeout=LOAD_MS)
    page.wait_for_selector("[data-stale=true]", state="detached", timeout=LOAD_MS)
    # Widgets and tables load their code lazily: wait until every table has drawn its grid and no skeleton is left.
    page.wait_for_function(
        "[...document.querySelectorAll('[data-testid=stDataFrame]')]"
        ".every(t => t.querySelector('[data-testid=data-grid-canvas]'))"
        " && !document.querySelector('[data-testid=stSkeleton]')",
        timeout=LOAD_MS,
    )
    previous = None
    for _ in range(LOAD_MS // 1000):
        current = _metric_values(page)
        if current == previous:
            return
        previous = current
        page.wait_for_timeout(1000)


def _metric_values(page) -> list[str]:
    return page.locator("[data-testid=stMetricValue]").all_inner_texts()


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_draws_without_errors_and_is_photographed(live_server, browser_page, screenshot_dir, name, lang):
    path, query, min_metrics, needs_charts = PAGES[name]
    page = browser_page
    page.set_viewport_size({"width": 1400, "height": 3200})  # tall: Streamlit scrolls inside its own container
    page.goto(_url(live_server, path, query, "lang=en" if lang == "en" else ""))
    _settle(page, min_metrics, needs_charts)
    assert page.locator(ERRORS).count() == 0
    assert page.locator("[data-testid=stMetric]").count() >= min_metrics
    if needs_charts:
        assert page.locator(".js-plotly-plot .main-svg").count() >= 1
    if name == "catalogue":
        assert page.locator("[data-testid=stExpander]").count() >= 40
        assert page.locator("[data-testid=stTextInput] input").count() == 1
    title = page.locator("[data-testid=stMainBlockContainer] h1").first.inner_text()
    assert bool(re.search(r"[\u4e00-\u9fff]", title)) == (lang == "zh")
    page.screenshot(path=str(screenshot_dir / f"{name}_{lang}.png"))


def test_a_filter_change_reaches_the_url_and_the_link_reproduces_the_view(live_server, browser_page, _chromium):
    page = browser_page
    page.goto(_url(live_server, "throughput"))
    _settle(page, 12, True)
    before = _metric_values(page)
    page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first.click()
    page.get_by_role("option", name="本年至今").click()
    page.wait_for_url(re.compile(r"period=year_to_date"), timeout=LOAD_MS)
    page.wait_for_function(
        "(before) => { const v = [...document.querySelectorAll('[data-testid=stMetricValue]')]"
        ".map(e => e.innerText); return v.length > 0 && v.join('|') !== before.join('|'); }",
        arg=before,
        timeout=LOAD_MS,
    )
    _settle(page, 12, True)
    after = _metric_values(page)
    assert after != before
    shared = page.url
    assert shared.endswith("/throughput?period=year_to_date")

    fresh = _chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
    try:
        fresh.goto(shared)
        _settle(fresh, 12, True)
        assert _metric_values(fresh) == after
        assert (
            fresh.locator("[data-testid=stSidebar] [data-testid=stSelectbox] input").first.input_value() == "本年至今"
        )
    finally:
        fresh.context.close()


def test_filters_follow_the_user_to_another_page(live_server, browser_page):
    page = browser_page
    page.goto(_url(live_server, "", "team=governance"))
    _settle(page, 12, True)
    page.locator("[data-testid=stSidebarNav] a", has_text="办件效能").click()
    page.wait_for_url(re.compile(r"/throughput\?team=governance$"), timeout=LOAD_MS)
    _settle(page, 12, True)
    assert page.locator(ERRORS).count() == 0


def test_the_language_choice_follows_the_user(live_server, browser_page):
    page = browser_page
    page.goto(_url(live_server, "throughput"))
    _settle(page, 12, True)
    page.locator("[data-testid=stSidebar] label", has_text="English").click()
    page.wait_for_url(re.compile(r"/throughput\?lang=en$"), timeout=LOAD_MS)
    page.wait_for_function(
        "document.querySelector('h1') && document.querySelector('h1').innerText === 'Throughput'", timeout=LOAD_MS
    )
    page.locator("[data-testid=stSidebarNav] a", has_text="Satisfaction").click()
    page.wait_for_url(re.compile(r"/satisfaction\?lang=en$"), timeout=LOAD_MS)
    page.wait_for_function(
        "document.querySelector('h1') && document.querySelector('h1').innerText === 'Satisfaction'", timeout=LOAD_MS
    )
    assert page.locator(ERRORS).count() == 0


def test_a_bad_link_is_explained_not_fatal(live_server, browser_page):
    page = browser_page
    page.goto(_url(live_server, "", "grid=nowhere&period=fortnight"))
    _settle(page, 12, True)
    assert page.locator(ERRORS).count() == 0
    assert page.locator("[data-testid=stAlertContentWarning]").count() == 2
    assert "grid=" not in page.url and "period=" not in page.url


@pytest.fixture
def fresh_server(sample_data_dir):
    """A server nobody has visited yet (the live_server of the session has long been warmed up)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "JIANFU_DATA_DIR": str(sample_data_dir)}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "jianfu"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline and proc.poll() is None:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_first_visit_to_a_fresh_server_by_a_page_link_goes_through_the_router(fresh_server, browser_page):
    """Streamlit runs pages/<name>.py alone (no router, no login) for the first direct page link a new server
    process sees (routing.py); the page must come back through the router with its filters."""
    page = browser_page
    # grids-teams: a url path unlike its file's name (pages/grids_teams.py), which the old mode cannot find
    page.goto(_url(fresh_server, "grids-teams", "team=governance"))
    _settle(page, 4, True)
    assert page.locator(ERRORS).count() == 0
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("[data-testid=stSidebarNav]").count() == 1
    assert page.url.endswith("/grids-teams?team=governance")
    assert page.get_by_role("heading", name="网格与队伍").count() >= 1
