"""The access rules as the dashboard applies them (AppTest over a copy of the sample warehouse with users).
Each test fails when its protection is removed from dashboard.py, the data accessors, the filter bar, the
explorer, the export buttons or the data page."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from apptest_pages import open_page
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash
from test_app_analysis_pages import server_past_first_visit  # noqa: F401 — a fixture: lets a click reach a page

from jianfu import warehouse
from jianfu.access import audit, users
from jianfu.access.session import Session
from jianfu.display.i18n import t
from jianfu.ui.login import SESSION_KEY

MINE, OTHER = "HT01", "HT02"
ROLES = {"admin": ("admin", ()), "analyst": ("analyst", ()), "leader": ("leader", ()), "staff": ("grid_staff", (MINE,))}


@pytest.fixture(scope="module")
def users_dir(sample_data_dir, tmp_path_factory):
    """A copy of the sample warehouse's data dir, with one user per role."""
    folder = tmp_path_factory.mktemp("with-users") / "data"
    shutil.copytree(sample_data_dir, folder, symlinks=True, ignore=shutil.ignore_patterns("*.log", "*.lock"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JIANFU_DATA_DIR", str(folder))
        for name, (role, grids) in ROLES.items():
            users.add_user(name, role, grids, f"{name} password")
    return folder


@pytest.fixture(autouse=True)
def _with_users(users_dir, monkeypatch, fresh_caches):
    monkeypatch.setenv("JIANFU_DATA_DIR", str(users_dir))
    audit.audit_path().unlink(missing_ok=True)


def run(name: str | None, page: str = "overview", **params) -> AppTest:
    """The page as user `name` sees it once logged in (None: nobody is logged in)."""
    session = {}
    if name is not None:
        role, grids = ROLES[name]
        session[SESSION_KEY] = Session(users.User(name, role, grids), time.time())
    return open_page(page, session_state=session, **params)


def metrics_shown(at: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def titles(at: AppTest) -> list[str]:
    return [e.value for e in at.title]


def test_nothing_renders_before_login_and_no_page_is_reachable():
    at = run(None)
    assert titles(at) == [t("access.login_title")]
    assert at.metric.len == 0 and at.dataframe.len == 0
    for page in ("overview", "data", "explorer"):  # not even by URL: the login is the only registered page
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"pages/{page}.py")


def test_grid_staff_see_their_grid_numbers_whatever_the_link_says():
    staff = metrics_shown(run("staff"))
    assert staff == metrics_shown(run("admin", grid=MINE))
    assert staff != metrics_shown(run("admin"))  # the street-wide numbers differ (the test can fail)
    assert metrics_shown(run("staff", grid=OTHER)) == staff  # a foreign grid in the URL is dropped


def test_grid_staff_tables_hold_only_their_grid():
    at = run("staff", "grids_teams")
    shown = pd.concat([frame.value for frame in at.dataframe], ignore_index=True).to_csv()
    admin = pd.concat([frame.value for frame in run("admin", "grids_teams").dataframe], ignore_index=True).to_csv()
    assert "金新御园网格" in shown and "香溢紫郡网格" not in shown
    assert "香溢紫郡网格" in admin


ALL_PAGES = [
    "overview",
    "satisfaction",
    "throughput",
    "record_keeping",
    "grids_teams",
    "ranking",
    "micro_projects",
    "hot_topics",
    "catalogue",
    "data",
    "explorer",
]
MENUS = {
    "admin": ALL_PAGES,
    "analyst": ALL_PAGES,
    "staff": [p for p in ALL_PAGES if p != "data"],
    "leader": [p for p in ALL_PAGES if p not in ("data", "explorer")],
}


def menu(at: AppTest) -> list[str]:
    """The page files the run registered; a page closed to the role is a "no access" callable, not its file. The
    overview is registered twice (the default page at "/" and a hidden twin at /overview): listed once."""
    return list(
        dict.fromkeys(
            Path(info["script_path"]).stem for info in at._registered_pages.values() if info.get("script_path")
        )
    )


def open_url_path(at: AppTest, url_path: str) -> AppTest:
    """What opening `/<url_path>` in the browser does: the session asks for that page hash (st.Page hashes its
    url_path). AppTest.switch_page only knows page files, and a closed page has none."""
    at._page_hash = calc_hash(url_path)
    return at.run()


@pytest.mark.parametrize("name", MENUS)
def test_each_role_sees_only_its_pages_and_a_closed_url_says_no_access(name):
    at = run(name)
    assert menu(at) == MENUS[name]
    for page in sorted(set(ALL_PAGES) - set(MENUS[name])):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"pages/{page}.py")
        opened = open_url_path(run(name), page)
        assert [e.value for e in opened.exception] == []
        assert titles(opened) == [t(f"page.{page}")]
        assert [w.value for w in opened.warning] == [t("access.page_not_allowed")]
        assert opened.dataframe.len == 0 and opened.metric.len == 0 and len(opened.get("file_uploader")) == 0


def test_leaders_get_tables_without_exports_and_analysts_with():
    leader = run("leader", "grids_teams")
    assert leader.dataframe.len > 0 and len(leader.get("download_button")) == 0
    assert len(run("analyst", "grids_teams").get("download_button")) == 2 * run("analyst", "grids_teams").dataframe.len
    assert len(run("analyst", "explorer").get("download_button")) > 0


def test_sql_console_of_grid_staff_reads_only_their_grid_and_is_audited(server_past_first_visit):
    at = run("staff", "explorer")
    at.text_area(key="explorer_sql_text").input("select distinct grid_id from cases order by 1")
    [run_button] = [b for b in at.button if b.label == t("explorer.sql.run")]
    run_button.click()
    at.run()
    result = at.session_state["explorer_sql_result"]
    assert result.error is None and result.frame["grid_id"].tolist() == [MINE]
    [entry] = [e for e in audit.entries() if e["action"] == "sql"]
    assert (entry["who"], entry["what"]) == ("staff", "select distinct grid_id from cases order by 1")


def test_upload_and_undo_are_admin_only():
    assert len(run("admin", "data").get("file_uploader")) == 2  # the exports and the optional mapping
    analyst = run("analyst", "data")
    assert t("page.data") in titles(analyst) and len(analyst.get("file_uploader")) == 0
    assert [b for b in analyst.button if b.label == t("data.undo_button")] == []


def _export_app():
    import pandas as pd
    import streamlit as st

    from jianfu.ui import export_buttons

    real = st.download_button

    def click_at_once(label, data=None, **kwargs):  # AppTest cannot click a download: build the file now
        st.session_state.setdefault("built", []).append(data() if callable(data) else data)
        return real(label, data=b"", **kwargs)

    export_buttons.st.download_button = click_at_once
    try:
        export_buttons.export_buttons(pd.DataFrame({"case_id": ["=1+1", "c-2"]}), key="t", name="cases")
    finally:
        export_buttons.st.download_button = real


@pytest.mark.parametrize(("name", "files"), [("analyst", 2), ("leader", 0)])
def test_exports_are_role_gated_and_audited_without_contents(name, files):
    at = AppTest.from_function(_export_app, default_timeout=60)
    role, grids = ROLES[name]
    at.session_state[SESSION_KEY] = Session(users.User(name, role, grids), time.time())
    at.run()
    built = at.session_state["built"] if "built" in at.session_state else []
    assert len(built) == files
    entries = [(e["who"], e["action"], e["what"], e["rows"]) for e in audit.entries()]
    assert entries == [(name, "export", "cases.xlsx", 2), (name, "export", "cases.csv", 2)][:files]
    assert "=1+1" not in audit.audit_path().read_text(encoding="utf-8") if files else True


def test_a_damaged_warehouse_is_named_with_the_way_back(users_dir, tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(users_dir, folder, symlinks=True)
    monkeypatch.setenv("JIANFU_DATA_DIR", str(folder))
    current = warehouse.current_path()
    size = current.stat().st_size
    with open(current, "r+b") as f:
        for offset in range(size // 8, size, size // 8):  # damage blocks all through the file
            f.seek(offset)
            f.write(b"\xff" * 4096)
    at = run("admin")
    assert [e.value for e in at.error if "jianfu recover" in e.value] != []


def test_file_text_is_never_rendered_as_html():
    """Every markdown element that holds user text is rendered escaped (allow_html off) on every page."""
    for page in (
        "overview",
        "satisfaction",
        "throughput",
        "record_keeping",
        "grids_teams",
        "micro_projects",
        "hot_topics",
        "catalogue",
        "data",
        "explorer",
    ):
        at = run("admin", page)
        unsafe = [m.value for m in at.markdown if m.proto.allow_html]
        assert unsafe == [], (page, unsafe[:3])


def test_admin_upload_and_undo_are_audited(users_dir, tmp_path, monkeypatch, server_past_first_visit):
    from security_corpus import MAPPING, csv, row

    folder = tmp_path / "data"
    shutil.copytree(users_dir, folder, symlinks=True)
    monkeypatch.setenv("JIANFU_DATA_DIR", str(folder))
    at = run("admin", "data")
    files, mapping = at.get("file_uploader")
    files.upload("upload.csv", csv(row(case="w-1"), row(case="w-2")).encode(), "text/csv")
    mapping.upload("mapping.toml", MAPPING.encode(), "application/toml")
    next(b for b in at.button if b.label == t("data.upload_button")).click()
    at.run()
    cursor = warehouse.read_connection().cursor()
    import_id, who, outcome = cursor.execute(
        "select import_id, who, outcome from import_log order by import_id desc limit 1"
    ).fetchone()
    assert (who, outcome) == ("admin", "loaded")
    at.selectbox(key="data_undo_id").set_value(import_id).run()
    at.checkbox(key=f"data_undo_confirm_{import_id}").check().run()
    next(b for b in at.button if b.label == t("data.undo_button")).click()
    at.run()
    warehouse.close_read_connections()
    assert warehouse.read_connection().cursor().execute(
        "select outcome from import_log where import_id = ?", [import_id]
    ).fetchone() == ("undone",)
    assert [(e["who"], e["action"], e["what"]) for e in audit.entries()] == [
        ("admin", "import", "upload.csv"),
        ("admin", "undo", f"import {import_id}"),
    ]
