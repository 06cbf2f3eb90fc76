"""The signed session cookie that keeps a login across reloads and shared links (Streamlit forgets its session
state on every page load). Pure logic, no Streamlit: `login.py` reads the cookie, `cookie_routes.py` sets it.

- The cookie holds `base64url(json{u: user name, exp: expiry, sid: session id}).hmac_sha256_hex` and nothing
  else: no password, no role, no pickled state. The key is `<data_dir>/secrets/session.key` (0600).
- A valid signature is not enough: the session id must still be in `<data_dir>/secrets/sessions.json` (logout,
  `jianfu user remove` and expiry take it out), belong to the same user, and be younger than `session_minutes`
  (the absolute limit of `Session.expired`, counted from the original login).
- Streamlit has no API to set a cookie from a script run, so after a login the script hands the browser a
  one-time nonce (60 s, single use) that it trades for the HttpOnly cookie at `POST /api/session`; the cookie
  value never appears in the page or a URL.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from jianfu import settings

COOKIE = "jianfu_session"
KEY_FILE = ("secrets", "session.key")
STORE_FILE = ("secrets", "sessions.json")
HANDOFF_SECONDS = 60


@dataclass(frozen=True)
class Granted:
    """What a valid cookie proves: who logged in, when, under which server-side session id."""

    user: str
    started_at: float
    sid: str


def _secrets_path(*parts: str):
    path = settings.data_dir().joinpath(*parts)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _key() -> bytes:
    """This installation's cookie key, created on first use (safely if two processes race to create it)."""
    path = _secrets_path(*KEY_FILE)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def limit_seconds() -> float:
    return float(settings.get("session_minutes")) * 60


def seconds_left(granted: Granted, now: float | None = None) -> int:
    return int(granted.started_at + limit_seconds() - (time.time() if now is None else now))


def sign(user: str, expires: float, sid: str) -> str:
    payload = json.dumps({"u": user, "exp": int(expires), "sid": sid}, ensure_ascii=False, separators=(",", ":"))
    body = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    return f"{body}.{hmac.new(_key(), body.encode(), hashlib.sha256).hexdigest()}"


def _payload(token: str) -> dict | None:
    """The signed fields, or None when the signature does not match or the token is malformed."""
    body, _, mac = token.rpartition(".")
    expected = hmac.new(_key(), body.encode(), hashlib.sha256).hexdigest()
    if not body or not hmac.compare_digest(mac, expected):
        return None
    try:
        fields = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError):
        return None
    ok = (
        isinstance(fields, dict)
        and isinstance(fields.get("u"), str)
        and isinstance(fields.get("sid"), str)
        and isinstance(fields.get("exp"), int)
    )
    return fields if ok else None


def issue(user: str, started_at: float) -> tuple[str, str]:
    """(session id, cookie value) for a login that just happened; the id is recorded server-side."""
    sid = secrets.token_urlsafe(24)
    with _store() as sessions:
        sessions[sid] = {"user": user, "started_at": started_at}
    return sid, sign(user, started_at + limit_seconds(), sid)


def verify(token: str | None, now: float | None = None) -> Granted | None:
    """The login a cookie proves, or None when it is tampered, expired or revoked."""
    now = time.time() if now is None else now
    fields = _payload(token) if isinstance(token, str) else None
    if fields is None or fields["exp"] <= now:
        return None
    entry = _read_store().get(fields["sid"])
    if entry is None or entry.get("user") != fields["u"]:
        return None
    started_at = float(entry.get("started_at", 0))
    if now - started_at >= limit_seconds():
        return None
    return Granted(fields["u"], started_at, fields["sid"])


def signed_sid(token: str | None) -> str | None:
    """The session id of a cookie whose signature holds (even if expired): logout revokes it."""
    fields = _payload(token) if isinstance(token, str) else None
    return fields["sid"] if fields else None


def revoke(sid: str) -> None:
    with _store() as sessions:
        sessions.pop(sid, None)


def revoke_user(user: str) -> None:
    """Every session of `user` ends (the user was removed: a later user of the same name gets none of them)."""
    with _store() as sessions:
        for sid in [s for s, entry in sessions.items() if entry.get("user") == user]:
            del sessions[sid]


def _read_store() -> dict:
    path = _secrets_path(*STORE_FILE)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError:  # a damaged store logs everyone out: fail closed
        return {}


@contextmanager
def _store():
    """The session store, locked for one writer; expired entries are dropped on every write."""
    path = _secrets_path(*STORE_FILE)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        sessions = _read_store()
        yield sessions
        now, limit = time.time(), limit_seconds()
        kept = {s: e for s, e in sessions.items() if now - float(e.get("started_at", 0)) < limit}
        tmp = path.with_suffix(".json.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(kept, f, ensure_ascii=False)
        os.replace(tmp, path)


class Handoffs:
    """One-time nonces a script run gives the browser to fetch its cookie with (per server process: the script
    and the route run in the same process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, tuple[str, float]] = {}

    def offer(self, token: str, now: float | None = None) -> str:
        nonce = secrets.token_urlsafe(24)
        with self._lock:
            self._pending[nonce] = (token, time.time() if now is None else now)
        return nonce

    def claim(self, nonce: str, now: float | None = None) -> str | None:
        """The cookie value for a nonce, once; None when unknown, used or older than HANDOFF_SECONDS."""
        now = time.time() if now is None else now
        with self._lock:
            self._pending = {n: v for n, v in self._pending.items() if now - v[1] < HANDOFF_SECONDS}
            token, _ = self._pending.pop(nonce, (None, 0.0))
        return token

    def pending(self, nonce: str) -> bool:
        with self._lock:
            entry = self._pending.get(nonce)
        return entry is not None and time.time() - entry[1] < HANDOFF_SECONDS


HANDOFFS = Handoffs()
