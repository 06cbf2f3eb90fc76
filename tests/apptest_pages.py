"""The dashboard in AppTest as every app test opens it: through the router (the first run shows the overview;
any other page is switched to), with no exception on the page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

DASHBOARD = "../dashboard.py"  # AppTest resolves it against this file


def open_page(page: str = "overview", session_state: dict | None = None, timeout: float = 120, **params) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=timeout)
    for key, value in (session_state or {}).items():
        at.session_state[key] = value
    at.query_params.update(params)
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
        at.run()
    assert [e.value for e in at.exception] == []
    return at
