"""The users file: argon2 hashes only, validation of roles and grids, fail-closed on a broken file."""

from __future__ import annotations

import os
import stat

import pytest

from jianfu.access import users


def test_added_user_logs_in_with_the_password_only():
    users.add_user("wang", "grid_staff", ("g01", "g02"), "correct horse")
    assert users.verify_password("wang", "correct horse") == users.User("wang", "grid_staff", ("g01", "g02"))
    assert users.verify_password("wang", "correct hors") is None
    assert users.verify_password("li", "correct horse") is None


def test_file_holds_an_argon2id_hash_never_the_password_and_is_private():
    users.add_user("王芳", "analyst", (), "s3cret-pass")
    text = users.users_path().read_text(encoding="utf-8")
    assert "s3cret-pass" not in text
    assert '[users."王芳"]' in text
    assert "$argon2id$" in text
    assert stat.S_IMODE(os.stat(users.users_path()).st_mode) == 0o600
    assert users.load_users()["王芳"].user == users.User("王芳", "analyst", ())


def test_replacing_a_user_changes_role_and_password():
    users.add_user("zhao", "leader", (), "first password")
    users.add_user("zhao", "admin", (), "second password")
    assert users.verify_password("zhao", "first password") is None
    assert users.verify_password("zhao", "second password").role == "admin"


@pytest.mark.parametrize(
    ("name", "role", "grids", "password", "says"),
    [
        ("wang", "grid_staff", (), "long enough", "needs at least one grid"),
        ("wang", "analyst", ("g01",), "long enough", "only grid_staff"),
        ("wang", "root", (), "long enough", "must be one of"),
        ("wang", "leader", (), "short", "at least 8 characters"),
        ('wa"ng', "leader", (), "long enough", "without spaces, quotes"),
        ("wang li", "leader", (), "long enough", "without spaces, quotes"),
        ("wang", "grid_staff", ("g01]\nrole='admin'",), "long enough", "grid codes"),
    ],
)
def test_invalid_users_are_refused_with_a_reason(name, role, grids, password, says):
    with pytest.raises(users.InvalidUser, match=says):
        users.add_user(name, role, grids, password)
    assert not users.users_path().exists()


def test_sso_user_has_no_password_and_cannot_log_in_with_one():
    users.add_user("li@example.cn", "leader", (), None)
    assert users.verify_password("li@example.cn", "") is None
    assert users.find_oidc_user("li@example.cn") == users.User("li@example.cn", "leader", ())
    assert users.find_oidc_user("other@example.cn") is None


def test_remove_user():
    users.add_user("a1", "leader", (), "password1")
    users.add_user("a2", "leader", (), "password2")
    assert users.remove_user("a1") is True
    assert users.remove_user("a1") is False
    assert sorted(users.load_users()) == ["a2"]


def test_no_file_means_no_users():
    assert users.load_users() == {}


@pytest.mark.parametrize(
    "content",
    [
        "[users.x\nrole=",  # not TOML
        '[users.x]\nrole = "superuser"\n',  # unknown role
        '[users.x]\nrole = "grid_staff"\ngrids = []\n',  # grid_staff without grids
        "users = 3\n",
    ],
)
def test_a_broken_users_file_refuses_everyone_instead_of_demo_mode(content):
    users.users_path().write_text(content, encoding="utf-8")
    with pytest.raises(users.UsersFileError, match="nobody can log in"):
        users.load_users()
