"""The session cookie: signed, expiring, revocable, private key and store; the one-time nonce that hands it over.
(The browser side — reload, shared link, logout — is tests/test_browser_session.py.)"""

from __future__ import annotations

import base64
import json
import stat

from jianfu import settings
from jianfu.access import cookie, users
from jianfu.access.cookie import HANDOFF_SECONDS, Granted, Handoffs

T0 = 1_800_000_000.0


def _fields(token: str) -> dict:
    body = token.rpartition(".")[0]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_a_fresh_cookie_proves_its_login_and_holds_only_name_expiry_and_session_id(monkeypatch):
    monkeypatch.setattr(cookie.time, "time", lambda: T0)
    sid, token = cookie.issue("王芳", started_at=T0)
    assert _fields(token) == {"u": "王芳", "exp": int(T0) + 480 * 60, "sid": sid}
    assert cookie.verify(token, now=T0 + 60) == Granted("王芳", T0, sid)
    assert cookie.seconds_left(Granted("王芳", T0, sid), now=T0 + 60) == 480 * 60 - 60


def test_key_and_store_are_private_files_under_secrets():
    cookie.issue("wang", started_at=1.0e9)
    secrets_dir = settings.data_dir() / "secrets"
    for name in ("session.key", "sessions.json"):
        assert stat.S_IMODE((secrets_dir / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE(secrets_dir.stat().st_mode) == 0o700


def test_a_tampered_cookie_proves_nothing(monkeypatch):
    monkeypatch.setattr(cookie.time, "time", lambda: T0)
    _, token = cookie.issue("wang", started_at=T0)
    body, _, mac = token.rpartition(".")
    as_admin = base64.urlsafe_b64encode(json.dumps({**_fields(token), "u": "admin"}).encode()).decode().rstrip("=")
    flipped = mac[:-1] + ("0" if mac[-1] != "0" else "1")
    for forged in (f"{as_admin}.{mac}", f"{body}.{flipped}", body, f"{body}.", "", "a.b.c", None):
        assert cookie.verify(forged, now=T0 + 1) is None, forged


def test_another_installations_key_does_not_open_this_one(monkeypatch, tmp_path):
    monkeypatch.setattr(cookie.time, "time", lambda: T0)
    _, token = cookie.issue("wang", started_at=T0)
    monkeypatch.setenv("JIANFU_DATA_DIR", str(tmp_path / "other"))
    assert cookie.verify(token, now=T0 + 1) is None


def test_expiry_counts_from_the_first_login_and_follows_the_setting(monkeypatch):
    monkeypatch.setattr(cookie.time, "time", lambda: T0)
    sid, token = cookie.issue("wang", started_at=T0)
    assert cookie.verify(token, now=T0 + 480 * 60 - 1) is not None
    assert cookie.verify(token, now=T0 + 480 * 60) is None  # the signed expiry
    monkeypatch.setenv("JIANFU_SESSION_MINUTES", "30")  # lowered later: the store's start time still applies
    assert cookie.verify(token, now=T0 + 30 * 60) is None
    assert cookie.verify(cookie.sign("wang", T0 - 1, sid), now=T0) is None  # live session, past signed expiry


def test_logout_and_user_removal_revoke_the_session(monkeypatch):
    monkeypatch.setattr(cookie.time, "time", lambda: T0)
    sid, token = cookie.issue("wang", started_at=T0)
    other_sid, other = cookie.issue("li", started_at=T0)
    cookie.revoke(sid)
    assert cookie.verify(token, now=T0 + 1) is None
    assert cookie.verify(other, now=T0 + 1) == Granted("li", T0, other_sid)  # only that one

    users.add_user("li", "leader", (), "right password")
    users.remove_user("li")
    users.add_user("li", "leader", (), "another password")  # a new person under the same name
    assert cookie.verify(other, now=T0 + 1) is None


def test_a_session_id_of_another_user_does_not_count(monkeypatch):
    monkeypatch.setattr(cookie.time, "time", lambda: T0)
    sid, _ = cookie.issue("wang", started_at=T0)
    assert cookie.verify(cookie.sign("li", T0 + 3600, sid), now=T0 + 1) is None


def test_a_damaged_store_logs_everyone_out(monkeypatch):
    monkeypatch.setattr(cookie.time, "time", lambda: T0)
    _, token = cookie.issue("wang", started_at=T0)
    (settings.data_dir() / "secrets" / "sessions.json").write_text("{not json", encoding="utf-8")
    assert cookie.verify(token, now=T0 + 1) is None


def test_expired_sessions_leave_the_store_on_the_next_write(monkeypatch):
    monkeypatch.setattr(cookie.time, "time", lambda: T0)
    old, _ = cookie.issue("wang", started_at=T0 - 481 * 60)
    new, _ = cookie.issue("li", started_at=T0)
    stored = json.loads((settings.data_dir() / "secrets" / "sessions.json").read_text(encoding="utf-8"))
    assert list(stored) == [new] and old not in stored


def test_a_nonce_hands_over_its_cookie_once_and_only_for_a_minute():
    handoffs = Handoffs()
    nonce = handoffs.offer("the-cookie", now=100.0)
    assert handoffs.claim("made-up", now=101.0) is None
    assert handoffs.claim(nonce, now=101.0) == "the-cookie"
    assert handoffs.claim(nonce, now=102.0) is None  # single use
    late = handoffs.offer("late-cookie", now=100.0)
    assert handoffs.claim(late, now=100.0 + HANDOFF_SECONDS) is None
