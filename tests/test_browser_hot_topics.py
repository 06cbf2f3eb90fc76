"""The 热点诉求 page in Debian's chromium over the sample warehouse, in Chinese: the month's top topic the sample
plants (噪音扰民, the most frequent topic of every month) and its rising topic (飞线充电, from August 2026) are
drawn, the repeat-share chart and the street table render, and no error box shows."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_browser_analysis_pages import ERRORS, IDLE, screenshot_whole_page

from jianfu.display.i18n import t

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hot_topics_page_shows_the_planted_topics(browser_page, live_server, screenshot_dir, lang):
    page = browser_page
    # a fresh server's very first visit to a page address meets Streamlit's old pages-folder mode (see
    # jianfu/ui/routing.py and test_browser_direct_urls.py): open the app once first, as that test does
    page.goto(live_server)
    page.wait_for_selector("[data-testid=stMainBlockContainer] h1", timeout=90_000)
    page.goto(f"{live_server}/hot-topics" + ("?lang=en" if lang == "en" else ""))
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    assert page.locator("h1").first.inner_text() == t("page.hot_topics", lang)
    expect(page.locator("[data-testid=stMetric]")).to_have_count(4, timeout=30_000)
    assert page.locator(".js-plotly-plot .main-svg").count() >= 2
    body = page.inner_text("body")
    assert t("topics.month", lang, month="2026年10月" if lang == "zh" else "2026-10") in body
    # the top topics chart names 噪音扰民 (its bars' labels are SVG text); the candidate line names 飞线充电
    screenshot_whole_page(page, screenshot_dir / f"hot_topics_{lang}.png")
    labels = page.locator(".js-plotly-plot").first.locator(".ytick text")
    # top to bottom as drawn (the DOM order of plotly's ticks is not the drawing order)
    ticks = [
        text
        for _, text in sorted(
            (box["y"], text)
            for box, text in zip(
                [labels.nth(i).bounding_box() for i in range(labels.count())], labels.all_text_contents()
            )
        )
    ]
    assert ticks[:1] == ["噪音扰民"], ticks  # the top bar
    assert "飞线充电" in ticks  # the candidate among the bars
    assert "飞线充电" in body
    assert "潞城街道" in body  # the small street, listed but not compared
    assert page.locator(ERRORS).count() == 0
    assert page.get_by_text("Page not found").count() == 0
    assert "⟦" not in body
