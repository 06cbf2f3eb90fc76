"""Every page's own address opens directly in Debian's chromium against `jianfu serve` (issue 10): no "Page not
found" dialog, the page's own title, the URL's filter applied and kept in the address. The overview is opened
first, as its address (/overview) was the one Streamlit did not know: the default page lives at "/"."""

from __future__ import annotations

import pytest

from jianfu.display.i18n import t
from jianfu.ui.shell import PAGES

pytestmark = pytest.mark.browser

LOAD_MS = 90_000
GRID, GRID_NAME = "HT01", "金新御园网格"  # a grid of the sample world
# (url path, title key, query): filtered pages get a grid and a period, the others open as they are.
CASES = [
    (url_path, title_key, f"grid={GRID}&period=last_quarter" if filtered else "")
    for _, url_path, title_key, _, filtered in PAGES
]


@pytest.mark.parametrize("url_path, title_key, query", CASES, ids=[c[0] for c in CASES])
def test_a_page_address_opens_that_page_with_its_filters(live_server, browser_page, url_path, title_key, query):
    page = browser_page
    address = f"{live_server}/{url_path}" + (f"?{query}" if query else "")
    page.goto(address)
    page.wait_for_function(
        "(title) => [...document.querySelectorAll('[data-testid=stMainBlockContainer] h1')]"
        ".some(h => h.innerText === title)",
        arg=t(title_key, "zh"),
        timeout=LOAD_MS,
    )
    page.wait_for_selector("[data-testid=stStatusWidget]", state="detached", timeout=LOAD_MS)
    page.wait_for_timeout(1500)  # a "Page not found" dialog arrives with the navigation message, after the title
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("[role=dialog]").count() == 0
    assert page.url == address  # neither redirected to "/" nor stripped of its filters
    if query:
        sidebar = page.locator("[data-testid=stSidebar]")
        # the grid selector by its label: the district and street selectors come first when the data has several
        grid = sidebar.locator("[data-testid=stMultiSelect]").filter(has_text=t("filter.grid", "zh")).first
        assert grid.inner_text().count(GRID_NAME) == 1
        period = sidebar.locator("[data-testid=stSelectbox] input").first.input_value()
        assert period == t("filter.period_last_quarter", "zh")
