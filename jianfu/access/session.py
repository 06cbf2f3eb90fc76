"""Login sessions that expire, and a brake on password guessing. Pure logic (the clock is a parameter), so
both are unit-tested without Streamlit; `login.py` keeps one `Session` in each browser session's state."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from jianfu import settings
from jianfu.access.users import User

MAX_FAILURES = 5
LOCKOUT_SECONDS = 300


@dataclass(frozen=True)
class Session:
    user: User
    started_at: float  # time.time() at login
    sid: str = ""  # the server-side id of its cookie (cookie.py); logout revokes it

    def expired(self, now: float | None = None) -> bool:
        """True once `session_minutes` have passed since login (an absolute limit, not an idle one)."""
        limit = float(settings.get("session_minutes")) * 60
        return ((time.time() if now is None else now) - self.started_at) >= limit


class Throttle:
    """After MAX_FAILURES wrong passwords for one name, that name is locked for LOCKOUT_SECONDS (per server
    process; argon2's cost already slows each guess)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, list[float]] = {}

    def locked(self, name: str, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        with self._lock:
            recent = [t for t in self._failures.get(name, []) if now - t < LOCKOUT_SECONDS]
            self._failures[name] = recent
            return len(recent) >= MAX_FAILURES

    def failed(self, name: str, now: float | None = None) -> None:
        with self._lock:
            self._failures.setdefault(name, []).append(time.time() if now is None else now)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)


THROTTLE = Throttle()
