"""The sample's calendar: 36 months ending 2026-10, the reform going live in 2025-01, official holidays
(approximate; make-up working weekends are ignored) and the seasonality that real case volumes show."""

from __future__ import annotations

import numpy as np

START = np.datetime64("2023-11-01", "D")
END = np.datetime64("2026-10-31", "D")  # last day, inclusive
END_TS = (END + 1).astype("datetime64[m]") - 1  # last minute of the sample
REFORM = np.datetime64("2025-01-01", "D")
RAMP_DAYS = 150  # the reform's effects phase in over its first five months

SPRING_FESTIVAL = np.array(["2024-02-10", "2025-01-29", "2026-02-17"], dtype="datetime64[D]")
_HOLIDAY_RANGES = [
    ("2023-12-30", "2024-01-01"),
    ("2024-02-10", "2024-02-17"),
    ("2024-04-04", "2024-04-06"),
    ("2024-05-01", "2024-05-05"),
    ("2024-06-10", "2024-06-10"),
    ("2024-09-15", "2024-09-17"),
    ("2024-10-01", "2024-10-07"),
    ("2025-01-01", "2025-01-01"),
    ("2025-01-28", "2025-02-04"),
    ("2025-04-04", "2025-04-06"),
    ("2025-05-01", "2025-05-05"),
    ("2025-05-31", "2025-06-02"),
    ("2025-10-01", "2025-10-08"),
    ("2026-01-01", "2026-01-03"),
    ("2026-02-15", "2026-02-23"),
    ("2026-04-04", "2026-04-06"),
    ("2026-05-01", "2026-05-05"),
    ("2026-06-19", "2026-06-21"),
    ("2026-09-25", "2026-09-27"),
    ("2026-10-01", "2026-10-07"),
]
HOLIDAYS = np.concatenate([np.arange(np.datetime64(a), np.datetime64(b) + 1) for a, b in _HOLIDAY_RANGES])
MINUTES_PER_DAY = 24 * 60
NAT = np.datetime64("NaT", "m")  # an empty timestamp


def all_days() -> np.ndarray:
    return np.arange(START, END + 1)


def is_working_day(days: np.ndarray) -> np.ndarray:
    return np.is_busday(days, holidays=HOLIDAYS)


def add_working_days(days: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The working day `n` working days after `days` (a non-working start day rolls forward first)."""
    return np.busday_offset(days, n, roll="forward", holidays=HOLIDAYS)


def reform_progress(days: np.ndarray) -> np.ndarray:
    """0 before the reform, rising linearly to 1 over RAMP_DAYS after it went live."""
    elapsed = (days.astype("datetime64[D]") - REFORM).astype(np.int64)
    return np.clip(elapsed / RAMP_DAYS, 0.0, 1.0)


def lerp(pre, post, progress: np.ndarray) -> np.ndarray:
    """Per-row value between its pre-reform and post-reform level."""
    return np.asarray(pre) + (np.asarray(post) - np.asarray(pre)) * progress


def seasonality(days: np.ndarray) -> np.ndarray:
    """Volume multiplier per day: a dip in the week before Spring Festival, catch-up in the two weeks after
    the holiday, a quieter summer, a busier December, and a slow upward trend."""
    factor = np.ones(len(days))
    for festival in SPRING_FESTIVAL:
        offset = (days - festival).astype(np.int64)
        factor[(offset >= -10) & (offset < 0)] *= 0.6
        factor[(offset >= 8) & (offset < 22)] *= 1.15
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    factor[np.isin(month, (7, 8))] *= 0.9
    factor[month == 12] *= 1.08
    years = (days - START).astype(np.int64) / 365.0
    return factor * (1 + 0.03 * years)


def minutes(days: np.ndarray, minute_of_day: np.ndarray) -> np.ndarray:
    """Timestamps (minute resolution) from days and minutes after midnight."""
    return days.astype("datetime64[m]") + np.asarray(minute_of_day, dtype=np.int64).astype("timedelta64[m]")


def office_minute(rng: np.random.Generator, n: int) -> np.ndarray:
    """Minute of day of a walk-in: morning and afternoon peaks within 8:30–17:30."""
    morning = rng.random(n) < 0.6
    m = np.where(morning, rng.normal(600, 60, n), rng.normal(870, 60, n))
    return np.clip(m, 510, 1049).astype(np.int64)


def any_minute(rng: np.random.Generator, n: int) -> np.ndarray:
    """Minute of day of an online submission: mostly daytime and evening."""
    return np.clip(rng.normal(840, 230, n), 0, MINUTES_PER_DAY - 1).astype(np.int64)


def quarter_code(days: np.ndarray) -> np.ndarray:
    month = days.astype("datetime64[M]").astype(np.int64)
    year = month // 12 + 1970
    q = month % 12 // 3 + 1
    return np.char.add(np.char.add(year.astype(str), "Q"), q.astype(str))
