"""The dashboard as users get it: `jianfu serve` over the benchmark warehouse, Debian's chromium through
Playwright. Measures when the overview is fully drawn and the server's peak memory after every page was drawn."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from benchmarks.report import ROOT, Row

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# What a drawn page shows: metric cards, plotly charts that have their SVG, tables. Streamlit's loading
# skeletons count against it.
DRAWN_SCRIPT = """() => ({
    metrics: document.querySelectorAll('[data-testid=stMetric]').length,
    charts: document.querySelectorAll('.js-plotly-plot .main-svg').length,
    tables: document.querySelectorAll('[data-testid=stDataFrame], [data-testid=stTable]').length,
    skeletons: document.querySelectorAll('[data-testid=stSkeleton]').length,
    errors: document.querySelectorAll('[data-testid=stException]').length,
    notices: document.querySelectorAll('[data-testid=stAlert]').length,
})"""
QUIET_SECONDS = 1.5  # the page counts as drawn when nothing new appeared for this long


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(env: dict[str, str], log_path: Path):
    """A dashboard started as README says; yields (url, pid)."""
    port = _free_port()
    jianfu = Path(sys.executable).parent / "jianfu"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [str(jianfu), "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.time() + 120
            while True:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"the dashboard did not start: {log_path.read_text()[-1000:]}")
                try:
                    if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                        break
                except OSError:
                    time.sleep(0.2)
            yield url, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM) so far."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmHWM missing from /proc status")


def draw_seconds(page, url: str, timeout: float = 1800) -> tuple[float, dict]:
    """Seconds from navigation until the page stopped changing with its content on screen (the quiet
    period itself is not counted)."""
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    last, changed_at = None, time.perf_counter()
    while time.perf_counter() - started < timeout:
        state = page.evaluate(DRAWN_SCRIPT)
        if state != last:
            last, changed_at = state, time.perf_counter()
        # A page that says why it has nothing to draw (the ranking without 12345 data) is drawn too.
        content = last["metrics"] + last["charts"] + last["tables"] + last["errors"] + last["notices"]
        if content and not last["skeletons"] and time.perf_counter() - changed_at >= QUIET_SECONDS:
            return changed_at - started, last
        time.sleep(0.05)
    raise RuntimeError(f"{url} was not drawn within {timeout:.0f} s (last state {last})")


def measure(env: dict[str, str], page_urls: list[str], visits: int, log_path: Path) -> dict:
    """Overview drawn on the first visit after the server started and on `visits` later visits (fresh
    browser contexts), then each of `page_urls` (url paths with their query) drawn once; the server's peak
    memory at the end."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError("Debian's chromium is missing (apt-get install chromium fonts-noto-cjk)")
    result: dict = {"overview": [], "pages": {}}
    with server(env, log_path) as (url, pid), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for _ in range(visits + 1):
                context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
                seconds, state = draw_seconds(context.new_page(), url + "/")
                result["overview"].append(seconds)
                result["overview_state"] = state
                context.close()
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            page = context.new_page()
            for page_url in page_urls:
                result["pages"][page_url] = draw_seconds(page, f"{url}/{page_url}")
            context.close()
        finally:
            browser.close()
        result["peak_rss_mb"] = peak_rss_mb(pid)
    return result


MEMORY_LIMIT_MB, DRAWN_LIMIT = 1536, 3.0


def browser_rows(ctx) -> list[Row]:
    """The overview drawn (first visit after start; later visits) and the server's peak memory once every page
    was drawn with the default and the narrow filter."""
    urls = [ctx.url_paths[page] for page in ctx.pages]
    urls += [f"{url}?grid={ctx.narrow_grid}" for url in urls]
    ctx.log(f"[{ctx.scale}] browser: overview {ctx.visits + 1}×, then {len(urls)} page views")
    result = measure(ctx.dataset.env(), urls, ctx.visits, ctx.work / f"server-{ctx.scale}.log")
    first, later = result["overview"][0], result["overview"][1:]
    drawn = result["overview_state"]
    what = f"{drawn['metrics']} metrics, {drawn['charts']} charts, {drawn['tables']} tables" + (
        f", {drawn['errors']} error elements" if drawn["errors"] else ""
    )
    errors = sum(state["errors"] for _, state in result["pages"].values()) + drawn["errors"]
    rows = [
        Row(
            "overview drawn in Chromium, first visit after start",
            ctx.scale,
            [first],
            target=f"≤ {DRAWN_LIMIT:g} s",
            met=first <= DRAWN_LIMIT,
            note=what,
        ),
        Row(
            "overview drawn in Chromium, later visits",
            ctx.scale,
            later,
            target=f"≤ {DRAWN_LIMIT:g} s",
            met=max(later) <= DRAWN_LIMIT if later else None,
        ),
        Row(
            "dashboard peak memory (RSS) after every page, both filters",
            ctx.scale,
            [result["peak_rss_mb"]],
            unit="MB",
            target="≤ 1.5 GB",
            met=result["peak_rss_mb"] <= MEMORY_LIMIT_MB,
            note=f"{errors} error elements" if errors else f"{len(urls)} page views",
        ),
    ]
    slowest = max(result["pages"].items(), key=lambda item: item[1][0])
    rows.append(Row(f"slowest page drawn in Chromium ({slowest[0]})", ctx.scale, [slowest[1][0]]))
    return rows
