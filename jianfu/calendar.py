"""Working days on the Chinese calendar: public holidays off, 调休 make-up weekend days on.

Two sources, one calendar: the kept library `chinese-calendar` (the State Council notices since 2004, updated
by its maintainers each year) and `jianfu/data/workdays_cn.toml` for the years the installed library does not
know yet (a notice published after its release, or a provisional year). A year the library knows comes from
the library. Years neither source covers count Monday–Friday so a number can still be given, but
`uncovered_years()` names them and the engine flags every working-day KPI whose window touches one
(`workdays_unknown`): such a count ignores Spring Festival and 调休, and must say so.

Counting rule: `working_days_between(a, b)` is the number of working days d with a's date < d ≤ b's date, so
a case closed on the day it was received took 0 working days and one received on a Friday and closed on the
next working day took 1, even across a holiday. SQL gets the same rule from `sql_params()`: a cumulative count
of working days per calendar day, bound as one list that a query unnests into a small day table and joins twice
(receipt day, closing day), so millions of cases cost two hash lookups each and no Python per row.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

import chinese_calendar

DATA_FILE = Path(__file__).resolve().parent / "data" / "workdays_cn.toml"
# The span SQL can count working days over; dates outside give NULL (and such cases are left out of cycle times).
SQL_EPOCH = date(2000, 1, 1)
SQL_LAST = date(2050, 12, 31)


class CalendarError(ValueError):
    pass


@dataclass(frozen=True)
class WorkCalendar:
    off: frozenset[date]
    on: frozenset[date]
    years: dict[int, bool]  # year -> provisional

    def is_working_day(self, day: date) -> bool:
        if day in self.on:
            return True
        if day in self.off:
            return False
        return day.weekday() < 5

    def cumulative(self, first: date, last: date) -> list[int]:
        """Working days in [first, day] for every day from first to last."""
        counts, total = [], 0
        for offset in range((last - first).days + 1):
            total += self.is_working_day(first + timedelta(days=offset))
            counts.append(total)
        return counts


def _days(spec: str, year: int) -> list[date]:
    try:
        if ".." in spec:
            first, last = (date.fromisoformat(part) for part in spec.split(".."))
        else:
            first = last = date.fromisoformat(spec)
    except ValueError:
        raise CalendarError(f"{DATA_FILE.name} [year.{year}]: {spec!r} is not a date or 'first..last' range") from None
    if last < first:
        raise CalendarError(f"{DATA_FILE.name} [year.{year}]: range {spec!r} ends before it starts")
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def library_days() -> tuple[dict[int, bool], set[date], set[date]]:
    """The years `chinese-calendar` knows (none provisional), its days off and its weekend working days."""
    off = set(chinese_calendar.holidays)
    on = {d for d in chinese_calendar.workdays if d.weekday() >= 5}
    return {year: False for year in sorted({d.year for d in off})}, off, on


def load(path: Path = DATA_FILE, with_library: bool = True) -> WorkCalendar:
    """The calendar: the library's years, plus the file's years the library lacks (`with_library=False`: the
    file alone)."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    years, off, on = library_days() if with_library else ({}, set(), set())
    for key, spec in raw.get("year", {}).items():
        year = int(key)
        file_off = [d for s in spec.get("off", []) for d in _days(s, year)]
        file_on = [d for s in spec.get("on", []) for d in _days(s, year)]
        if year in years:
            continue  # parsed above so a typo still fails; the library's copy of the notice wins
        years[year] = bool(spec.get("provisional", False))
        off.update(file_off)
        on.update(file_on)
    clash = sorted(off & on)
    if clash:
        raise CalendarError(f"{path.name}: {clash[0]} is listed both as a day off and as a working day")
    weekday_on = sorted(d for d in on if d.weekday() < 5)
    if weekday_on:
        raise CalendarError(f"{path.name}: make-up working day {weekday_on[0]} is not a weekend day")
    return WorkCalendar(frozenset(off), frozenset(on), years)


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    return load()


@lru_cache(maxsize=1)
def _sql_cumulative() -> tuple[int, ...]:
    return tuple(default_calendar().cumulative(SQL_EPOCH, SQL_LAST))


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def is_working_day(day: date | datetime) -> bool:
    return default_calendar().is_working_day(_as_date(day))


def working_days_between(a: date | datetime, b: date | datetime) -> int:
    """Working days d with date(a) < d ≤ date(b); negative when b is before a."""
    first, last = _as_date(a), _as_date(b)
    if last < first:
        return -working_days_between(last, first)
    if SQL_EPOCH <= first and last <= SQL_LAST:
        counts = _sql_cumulative()
        return counts[(last - SQL_EPOCH).days] - counts[(first - SQL_EPOCH).days]
    cal = default_calendar()
    return sum(cal.is_working_day(first + timedelta(days=i)) for i in range(1, (last - first).days + 1))


def add_working_days(start: date | datetime, n: int) -> date:
    """The n-th working day after start's date (n ≥ 0; n = 0 gives the start date itself)."""
    if n < 0:
        raise ValueError("n must be zero or positive")
    day = _as_date(start)
    cal = default_calendar()
    while n > 0:
        day += timedelta(days=1)
        n -= cal.is_working_day(day)
    return day


def deadline(received_at: datetime, working_days: int) -> datetime:
    """A promised time limit of N working days ends at the last moment of the N-th working day after receipt."""
    return datetime.combine(add_working_days(received_at, working_days), time.max)


def covered_years() -> dict[int, bool]:
    """Years with holiday data → True when that year's data is provisional (statutory days only, no 调休)."""
    return dict(default_calendar().years)


def uncovered_years(first: date | datetime, last: date | datetime) -> list[int]:
    """The years from first to last (inclusive) that no holiday source covers: working days there are only
    Monday–Friday."""
    known = default_calendar().years
    return [year for year in range(_as_date(first).year, _as_date(last).year + 1) if year not in known]


def sql_params() -> dict:
    """Bind these to count working days in SQL (see queries/model_cases.sql): element i (0-based) of
    $workday_cum is the number of working days from $workday_epoch up to and including day epoch + i, so
    working days between a and b = cum(datediff('day', epoch, b)) − cum(datediff('day', epoch, a))."""
    return {"workday_epoch": SQL_EPOCH, "workday_cum": list(_sql_cumulative())}
