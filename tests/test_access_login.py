"""The login gate as a Streamlit component: demo mode, password login, expiry, removal, audit entries."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from jianfu.access import audit, session, users
from jianfu.ui.login import SESSION_KEY


def _app():
    import streamlit as st

    from jianfu.ui.login import require_user

    user = require_user()
    st.markdown(f"inside as {user.name} {user.role} {','.join(user.grids)}")


def _start() -> AppTest:
    at = AppTest.from_function(_app, default_timeout=30)
    at.run()
    return at


def _inside(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("inside as")]


def _log_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="access_name").input(name)
    at.text_input(key="access_password").input(password)
    at.button[0].click()
    return at.run()


@pytest.fixture(autouse=True)
def _fresh_throttle(monkeypatch):
    monkeypatch.setattr(session, "THROTTLE", session.Throttle())
    monkeypatch.setattr("jianfu.ui.login.THROTTLE", session.THROTTLE)


def test_demo_mode_without_users_is_labelled():
    at = _start()
    assert _inside(at) == ["inside as demo admin"]
    assert at.markdown[0].value.startswith(":orange-badge[:material/lock_open: 演示模式] 尚未配置用户")


def test_with_users_nothing_renders_before_login():
    users.add_user("wang", "grid_staff", ("g01",), "right password")
    at = _start()
    assert _inside(at) == []
    assert [m.value for m in at.markdown if "演示模式" in m.value] == []  # no demo banner once users exist
    assert at.text_input(key="access_password").proto.type == at.text_input(key="access_password").proto.PASSWORD


def test_right_password_logs_in_and_is_audited_without_the_password():
    users.add_user("wang", "grid_staff", ("g01",), "right password")
    at = _log_in(_start(), "wang", "wrong password")
    assert _inside(at) == [] and at.error[0].value == "用户名或密码不正确。"
    at = _log_in(at, "wang", "right password")
    assert _inside(at) == ["inside as wang grid_staff g01"]
    logged = [(e["who"], e["action"]) for e in audit.entries()]
    assert logged == [("wang", "login_failed"), ("wang", "login")]
    assert "password" not in audit.audit_path().read_text(encoding="utf-8").replace('"method": "password"', "")


def test_unknown_name_is_not_logged_in_clear():
    users.add_user("wang", "leader", (), "right password")
    _log_in(_start(), "my-secret-typed-as-name", "x")
    assert [(e["who"], e["action"]) for e in audit.entries()] == [("(unknown name)", "login_failed")]


def test_expired_session_asks_again():
    users.add_user("wang", "leader", (), "right password")
    at = _log_in(_start(), "wang", "right password")
    old = at.session_state[SESSION_KEY]
    at.session_state[SESSION_KEY] = session.Session(old.user, old.started_at - 481 * 60)
    at.run()
    assert _inside(at) == []
    assert at.info[0].value == "登录已过期，请重新登录。"
    assert [e["action"] for e in audit.entries()] == ["login", "logout"]


def test_removed_user_is_logged_out_and_role_changes_apply_at_once():
    users.add_user("wang", "grid_staff", ("g01",), "right password")
    at = _log_in(_start(), "wang", "right password")
    users.add_user("wang", "grid_staff", ("g02",), "right password")
    assert _inside(at.run()) == ["inside as wang grid_staff g02"]
    users.remove_user("wang")
    assert _inside(at.run()) == []


def test_removing_the_last_user_does_not_reopen_the_app_in_demo_mode():
    users.add_user("wang", "leader", (), "right password")
    users.remove_user("wang")
    at = _start()
    assert _inside(at) == [] and [m.value for m in at.markdown if "演示模式" in m.value] == []


def test_repeated_failures_lock_the_name():
    users.add_user("wang", "leader", (), "right password")
    at = _start()
    for _ in range(session.MAX_FAILURES):
        at = _log_in(at, "wang", "wrong password")
    at = _log_in(at, "wang", "right password")
    assert _inside(at) == [] and at.error[0].value.startswith("该用户连续输错密码次数过多")


def test_broken_users_file_refuses_instead_of_demo():
    users.users_path().write_text("[users.x\n", encoding="utf-8")
    at = _start()
    assert _inside(at) == [] and at.error[0].value.startswith("用户文件无法读取")
