"""The login survives a reload and a shared link, and only while it should: Debian's chromium against
`jianfu serve` with users configured (its own copy of the sample data dir, so the other browser tests keep
running in demo mode). A tampered, expired or logged-out cookie brings back the login form. The user is a
leader, so the test also sees a role's menu and a closed page's URL."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, _free_port

pytestmark = pytest.mark.browser

LOAD_MS = 90_000
PASSWORD = "right password"
LINK = "throughput?period=last_quarter"  # a view with a filter, as someone would paste it into a work chat


@pytest.fixture(scope="module")
def locked_server(sample_data_dir, tmp_path_factory):
    """(url, data dir) of a server whose data dir has a leader `wang` (so every page needs a login)."""
    folder = tmp_path_factory.mktemp("locked") / "data"
    shutil.copytree(
        sample_data_dir,
        folder,
        symlinks=True,
        ignore=shutil.ignore_patterns("server.log", "audit.log", "users.*", "sessions.*"),
    )
    env = {**os.environ, "JIANFU_DATA_DIR": str(folder)}
    code = f"from jianfu.access.users import add_user; add_user('wang', 'leader', (), {PASSWORD!r})"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)
    port = _free_port()
    log = open(folder / "server.log", "w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "jianfu"), "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
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
        else:
            pytest.fail(f"dashboard did not start: {(folder / 'server.log').read_text()[-2000:]}")
        yield url, folder
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def context(_chromium):
    ctx = _chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    yield ctx
    ctx.close()


def _login_form_shown(page) -> bool:
    """Waits for either the login form or a page's cards, then says which one it is."""
    page.wait_for_selector("input[type=password], [data-testid=stMetric]", timeout=LOAD_MS)
    page.wait_for_selector("[data-testid=stStatusWidget]", state="detached", timeout=LOAD_MS)
    return page.locator("input[type=password]").count() == 1 and page.locator("[data-testid=stMetric]").count() == 0


def _wait_inside(page, title: str) -> None:
    page.wait_for_function(
        "(t) => document.querySelector('h1') && document.querySelector('h1').innerText === t",
        arg=title,
        timeout=LOAD_MS,
    )
    page.wait_for_selector("[data-testid=stMetric]", timeout=LOAD_MS)
    assert page.locator("input[type=password]").count() == 0


def _log_in(context, url: str):
    page = context.new_page()
    page.goto(url + "/")
    assert _login_form_shown(page)
    inputs = page.locator("[data-testid=stTextInput] input")
    inputs.nth(0).fill("wang")
    inputs.nth(1).fill(PASSWORD)
    page.locator("[data-testid=stFormSubmitButton] button").click()
    _wait_inside(page, "总览")
    # The cookie arrives through a fetch the page makes after the login run: wait for it.
    deadline = time.time() + 30
    while _session_cookie(context) is None and time.time() < deadline:
        page.wait_for_timeout(200)
    return page


def _session_cookie(context) -> dict | None:
    found = [c for c in context.cookies() if c["name"] == "jianfu_session"]
    return found[0] if found else None


def _payload(token: str) -> dict:
    body = token.rpartition(".")[0]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_a_reload_and_a_shared_link_keep_the_login(locked_server, context, screenshot_dir):
    url, _ = locked_server
    page = context.new_page()
    page.goto(url + "/")
    assert _login_form_shown(page)
    page.screenshot(path=str(screenshot_dir / "session_login_form.png"))
    page.close()

    page = _log_in(context, url)
    jar = _session_cookie(context)
    assert (jar["httpOnly"], jar["sameSite"], jar["path"]) == (True, "Strict", "/")
    assert set(_payload(jar["value"])) == {"u", "exp", "sid"} and PASSWORD not in jar["value"]
    assert 479 * 60 < jar["expires"] - time.time() <= 480 * 60  # session_minutes, as before

    page.reload()
    _wait_inside(page, "总览")
    page.screenshot(path=str(screenshot_dir / "session_after_reload.png"))

    linked = context.new_page()  # a link from a work chat, opened in a new tab of the same browser
    linked.goto(f"{url}/{LINK}")
    _wait_inside(linked, "办件效能")
    assert linked.url.endswith(f"/{LINK}")
    linked.screenshot(path=str(screenshot_dir / "session_shared_link.png"))

    # wang is a leader: no data page or explorer in the menu, and their URL says so instead of failing
    menu = linked.locator("[data-testid=stSidebarNav] a").all_inner_texts()
    assert "办件效能" in menu and "数据" not in menu and "探索" not in menu
    closed = context.new_page()
    closed.goto(f"{url}/explorer")
    closed.wait_for_selector("[data-testid=stAlertContentWarning]", timeout=LOAD_MS)
    assert closed.locator("h1").first.inner_text() == "探索"
    assert "无权打开此页面" in closed.locator("[data-testid=stAlertContentWarning]").inner_text()
    assert closed.locator("[data-testid=stException], [data-testid=stAlertContentError]").count() == 0
    closed.screenshot(path=str(screenshot_dir / "session_closed_page.png"))


def _cookie_for(url: str, value: str) -> dict:
    return {"name": "jianfu_session", "value": value, "url": url, "httpOnly": True, "sameSite": "Strict"}


def test_a_tampered_or_expired_cookie_shows_the_login_form(locked_server, context, _chromium, monkeypatch):
    url, folder = locked_server
    _log_in(context, url)
    good = _session_cookie(context)["value"]
    body, _, mac = good.rpartition(".")
    fields = _payload(good)
    as_admin = base64.urlsafe_b64encode(json.dumps({**fields, "u": "admin"}).encode()).decode().rstrip("=")
    monkeypatch.setenv("JIANFU_DATA_DIR", str(folder))
    from jianfu.access import cookie

    expired = cookie.sign(fields["u"], time.time() - 1, fields["sid"])  # rightly signed, live sid, past expiry
    fresh = _chromium.new_context()
    try:
        fresh.add_cookies([_cookie_for(url, good)])  # the untouched cookie opens the link: the checks below are real
        page = fresh.new_page()
        page.goto(f"{url}/{LINK}")
        _wait_inside(page, "办件效能")
    finally:
        fresh.close()
    # Last, the expired one: clearing a rightly signed cookie also revokes its session on the server.
    for value in (f"{body}.{mac[:-1]}{'0' if mac[-1] != '0' else '1'}", f"{as_admin}.{mac}", expired, "garbage"):
        other = _chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        try:
            other.add_cookies([_cookie_for(url, value)])
            page = other.new_page()
            page.goto(f"{url}/{LINK}")
            assert _login_form_shown(page), value
            # and the browser is told to drop the cookie that no longer counts
            deadline = time.time() + 20
            while _session_cookie(other) is not None and time.time() < deadline:
                page.wait_for_timeout(200)
            assert _session_cookie(other) is None, value
        finally:
            other.close()


def test_logout_makes_the_link_ask_for_a_login_again(locked_server, context, _chromium):
    url, _ = locked_server
    page = _log_in(context, url)
    before = _session_cookie(context)["value"]
    page.locator("[data-testid=stSidebar] button", has_text="退出登录").click()
    # the page's cards stay on screen (stale) until the rerun replaces them: wait for the form itself
    page.wait_for_selector("input[type=password]", timeout=LOAD_MS)
    assert _login_form_shown(page)

    linked = context.new_page()
    linked.goto(f"{url}/{LINK}")
    assert _login_form_shown(linked)
    # Revoked on the server, not only cleared in this browser: a copy of the old cookie opens nothing either.
    copy = _chromium.new_context()
    try:
        copy.add_cookies([_cookie_for(url, before)])
        page = copy.new_page()
        page.goto(f"{url}/{LINK}")
        assert _login_form_shown(page)
    finally:
        copy.close()


def test_the_cookie_route_needs_a_live_one_time_nonce(locked_server):
    url, _ = locked_server
    for headers in ({}, {"X-Jianfu-Handoff": "made-up"}):
        request = urllib.request.Request(url + "/api/session", method="POST", headers=headers)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403 and "set-cookie" not in {k.lower() for k in refused.value.headers}
