"""The local users file `<data_dir>/users.toml`: who may log in, with which role and grids.

Passwords are stored only as argon2id hashes. A user without a hash logs in only through OIDC (their name is
the e-mail address the identity provider reports). Only a missing file means demo mode: a file that exists
but holds no users (the last one was removed) or cannot be read refuses every login (fail closed, never
silently demo).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from jianfu import settings
from jianfu.access import cookie

ROLES = ("leader", "analyst", "grid_staff", "admin")
MIN_PASSWORD_CHARS = 8
_NAME = re.compile(r"^[^\s\x00-\x1f\x7f\"\\]{1,64}$")  # any script (王芳, alice@example.cn); no spaces/quotes
_GRID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_UNIT = re.compile(r"^[^\x00-\x1f\x7f\"\\]{1,64}$")  # a street or district name, any script (横塘街道)
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so an unknown name costs as much as a wrong password and
    response time does not tell which names exist (made on first use: hashing costs ~0.1 s)."""
    return _hasher.hash("not a password of anyone")


class UsersFileError(RuntimeError):
    """The users file exists but cannot be used; nobody may log in until it is fixed."""


class InvalidUser(ValueError):
    """A `user add` request that cannot be stored (bad name, role, grids or password)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    grids: tuple[str, ...] = ()
    demo: bool = False
    # A leader of a district or of a street sees only its rows (jianfu/access/scope.py).
    districts: tuple[str, ...] = ()
    streets: tuple[str, ...] = ()


@dataclass(frozen=True)
class UserRecord:
    user: User
    password_hash: str  # "" for an OIDC-only user


def users_path() -> Path:
    return settings.data_dir() / "users.toml"


def demo_mode() -> bool:
    """True when no users file exists: nobody has been configured, so the app runs open (labelled)."""
    return not users_path().exists()


def load_users() -> dict[str, UserRecord]:
    """Every configured user by name ({} when there is no users file)."""
    path = users_path()
    if not path.exists():
        return {}
    try:
        with path.open("rb") as f:
            raw = tomllib.load(f).get("users", {})
        return {name: _record(name, entry) for name, entry in raw.items()}
    except (OSError, tomllib.TOMLDecodeError, InvalidUser, AttributeError, TypeError) as exc:
        raise UsersFileError(
            f"the users file {path} cannot be read ({exc}); fix it or remove the broken "
            "entry with `jianfu user remove NAME`, nobody can log in until then"
        ) from None


def _record(name: str, entry: dict) -> UserRecord:
    user = User(
        name=name,
        role=entry.get("role", ""),
        grids=tuple(entry.get("grids", ())),
        districts=tuple(entry.get("districts", ())),
        streets=tuple(entry.get("streets", ())),
    )
    _validate(user)
    return UserRecord(user, str(entry.get("password_hash", "")))


def _validate(user: User) -> None:
    if not _NAME.match(user.name):
        raise InvalidUser(
            f"user name {user.name!r} must be 1–64 characters without spaces, quotes or control characters"
        )
    if user.role not in ROLES:
        raise InvalidUser(f"role {user.role!r} of {user.name} must be one of {', '.join(ROLES)}")
    bad = [g for g in user.grids if not isinstance(g, str) or not _GRID.match(g)]
    if bad:
        raise InvalidUser(f"grid codes {bad} of {user.name} must be letters, digits, '_', '-' or '.'")
    if user.role == "grid_staff" and not user.grids:
        raise InvalidUser(f"{user.name} is grid_staff and needs at least one grid (--grid CODE)")
    if user.role != "grid_staff" and user.grids:
        raise InvalidUser(f"only grid_staff users are limited to grids; {user.name} is {user.role}")
    units = (*user.districts, *user.streets)
    if units and user.role != "leader":
        raise InvalidUser(f"only leaders are limited to a district or street; {user.name} is {user.role}")
    if user.districts and user.streets:
        raise InvalidUser(f"{user.name} leads either districts (--district) or streets (--street), not both")
    if not all(isinstance(u, str) and u.strip() and _UNIT.match(u) for u in units):
        raise InvalidUser(f"district and street names of {user.name} must be 1–64 characters without quotes")


def add_user(
    name: str,
    role: str,
    grids: tuple[str, ...] = (),
    password: str | None = None,
    *,
    districts: tuple[str, ...] = (),
    streets: tuple[str, ...] = (),
) -> User:
    """Create or replace a user. `password=None` makes an OIDC-only user. A leader may be limited to
    `districts` or to `streets`."""
    user = User(
        name=name,
        role=role,
        grids=tuple(dict.fromkeys(grids)),
        districts=tuple(dict.fromkeys(districts)),
        streets=tuple(dict.fromkeys(streets)),
    )
    _validate(user)
    if password is not None and len(password) < MIN_PASSWORD_CHARS:
        raise InvalidUser(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    record = UserRecord(user, _hasher.hash(password) if password is not None else "")
    with _locked():
        users = load_users()
        users[name] = record
        _save(users)
    return user


def remove_user(name: str) -> bool:
    """Remove a user; False when there was none by that name."""
    with _locked():
        users = load_users()
        if users.pop(name, None) is None:
            return False
        _save(users)
    cookie.revoke_user(name)  # a later user of the same name must not inherit the removed one's logins
    return True


def verify_password(name: str, password: str) -> User | None:
    """The user when the name exists, has a password and it matches; otherwise None."""
    record = load_users().get(name)
    stored = record.password_hash if record and record.password_hash else _dummy_hash()
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return record.user if record and record.password_hash else None


def find_oidc_user(email: str | None) -> User | None:
    """The configured user whose name is this identity-provider e-mail (roles come from the users file only)."""
    if not email:
        return None
    record = load_users().get(str(email))
    return record.user if record else None


@contextmanager
def _locked():
    """One writer of the users file at a time (two `jianfu user add` at once must not lose a user)."""
    lock_path = users_path().with_suffix(".lock")
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _save(users: dict[str, UserRecord]) -> None:
    lines = ["# Jianfu users: edit with `jianfu user add|remove|list`. Passwords are argon2id hashes.", ""]
    for name, record in sorted(users.items()):
        # JSON strings are valid TOML basic strings (same quoting and escapes).
        lines += [
            f"[users.{json.dumps(name, ensure_ascii=False)}]",
            f"role = {json.dumps(record.user.role)}",
            f"grids = {json.dumps(list(record.user.grids))}",
            *(
                [f"districts = {json.dumps(list(record.user.districts), ensure_ascii=False)}"]
                if record.user.districts
                else []
            ),
            *(
                [f"streets = {json.dumps(list(record.user.streets), ensure_ascii=False)}"]
                if record.user.streets
                else []
            ),
            f"password_hash = {json.dumps(record.password_hash)}",
            "",
        ]
    path = users_path()
    tmp = path.with_suffix(".toml.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
