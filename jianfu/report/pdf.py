"""HTML → PDF with Debian's headless chromium (Playwright). Never `playwright install`: it downloads a browser.

Charts are plotly.js figures inlined into the HTML (no network); the page sets `window.chartsReady` once every
figure has drawn, and only then is it printed, so the PDF never catches a half-drawn chart. Chromium embeds the
Noto CJK glyphs it used (as Type 3 fonts), so the PDF shows Chinese on a machine without the font.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# STACK.md: these keep chromium off the network and working as root in a container.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
RENDER_TIMEOUT_MS = 60_000


class RendererMissing(RuntimeError):
    pass


def html_to_pdf(html: str, footer_html: str = "<span></span>") -> bytes:
    """Print `html` to an A4 PDF once its charts have drawn, with `footer_html` at the foot of every page
    (chromium's footer template: `pageNumber` / `totalPages` spans are filled in)."""
    if not Path(CHROMIUM).exists():
        raise RendererMissing(
            "chromium is not installed: run `apt-get install chromium fonts-noto-cjk` "
            "(or scripts/ensure-browser as root)"
        )
    # Playwright's sync API refuses to start in a thread where it already runs (a page that drives a browser,
    # a test session's browser fixture); a thread of its own always works.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print, html, footer_html).result()


def _print(html: str, footer_html: str) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS), headless=True)
        try:
            page = browser.new_page()
            page.set_content(html, wait_until="load", timeout=RENDER_TIMEOUT_MS)
            page.wait_for_function("window.chartsReady === true", timeout=RENDER_TIMEOUT_MS)
            return page.pdf(
                format="A4",
                print_background=True,
                prefer_css_page_size=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=footer_html,
            )
        finally:
            browser.close()


def render_pdf(report) -> bytes:
    """The report as an A4 PDF (needs Debian's chromium; RendererMissing when it is not installed)."""
    from jianfu.report.html import footer_template, render_html

    return html_to_pdf(render_html(report), footer_template(report))
