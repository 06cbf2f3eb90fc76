"""Sessions expire after `session_minutes`; repeated wrong passwords lock a name for a while."""

from __future__ import annotations

from jianfu.access.session import LOCKOUT_SECONDS, MAX_FAILURES, Session, Throttle
from jianfu.access.users import User


def test_session_expires_after_the_setting(monkeypatch):
    monkeypatch.setenv("JIANFU_SESSION_MINUTES", "30")
    session = Session(User("a", "leader"), started_at=1000.0)
    assert session.expired(now=1000.0 + 29 * 60) is False
    assert session.expired(now=1000.0 + 30 * 60) is True


def test_throttle_locks_a_name_after_repeated_failures_then_releases():
    throttle = Throttle()
    for i in range(MAX_FAILURES - 1):
        throttle.failed("wang", now=100.0 + i)
    assert throttle.locked("wang", now=110.0) is False
    throttle.failed("wang", now=111.0)
    assert throttle.locked("wang", now=112.0) is True
    assert throttle.locked("li", now=112.0) is False
    assert throttle.locked("wang", now=111.0 + LOCKOUT_SECONDS) is False  # the oldest failures aged out


def test_success_clears_the_failures():
    throttle = Throttle()
    for _ in range(MAX_FAILURES - 1):
        throttle.failed("wang", now=100.0)
    throttle.succeeded("wang")
    throttle.failed("wang", now=101.0)
    assert throttle.locked("wang", now=102.0) is False
