"""Shared fixtures: a warehouse built from the committed sample exports, a real Streamlit server started the way
README says (`jianfu serve`), and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch, request):
    """No test touches ./data: unless a fixture below set one, each test gets an empty data dir."""
    if "sample_warehouse" not in request.fixturenames and "live_server" not in request.fixturenames:
        monkeypatch.setenv("JIANFU_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    yield
    from jianfu import warehouse

    warehouse.close_read_connections()


@pytest.fixture(scope="session")
def sample_data_dir(tmp_path_factory) -> Path:
    """A data dir holding the warehouse built from all of sample_data/ (built once per test session)."""
    folder = tmp_path_factory.mktemp("sample-warehouse")
    env = {**os.environ, "JIANFU_DATA_DIR": str(folder)}
    code = "from jianfu.serve import ensure_warehouse; ensure_warehouse()"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)
    return folder


@pytest.fixture
def sample_warehouse(sample_data_dir, monkeypatch) -> Path:
    """Points JIANFU_DATA_DIR at the sample warehouse (read it; never write to it)."""
    monkeypatch.setenv("JIANFU_DATA_DIR", str(sample_data_dir))
    return sample_data_dir


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(sample_data_dir):
    """The dashboard as README starts it (`jianfu serve`), on a free port, over the sample warehouse."""
    port = _free_port()
    env = {**os.environ, "JIANFU_DATA_DIR": str(sample_data_dir)}
    log = open(sample_data_dir / "server.log", "w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "jianfu"), "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            break
    else:
        proc.kill()
        pytest.fail(f"dashboard did not start: {(sample_data_dir / 'server.log').read_text()[-2000:]}")
    if proc.poll() is not None:
        pytest.fail(f"dashboard exited: {(sample_data_dir / 'server.log').read_text()[-2000:]}")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def _chromium():
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI must run the browser tests, never skip them
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_chromium):
    context = _chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def fresh_caches():
    """Streamlit's caches emptied before and after the test: no result computed by another test leaks in."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
