"""One typed filter object used by every KPI query, plus window presets and window arithmetic.

Windows are inclusive dates [start, end] that queries read as the half-open range [start, end + 1 day) of naive
local business time (settings `timezone`), so a case at 23:59 on the 31st and one at 00:01 on the 1st fall in
different months. Comparison windows (README.md): a window made of whole calendar months shifts by whole months
(the previous window of March 2024 is February 2024, 1–29); any other window shifts by its length in days.
Last year shifts by twelve months, with 29 February becoming 28 February.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from jianfu.metrics.facts import known_filter_values
from jianfu.schema import CENTERS, CHANNELS, TEAMS

PRESETS = ("this_month_to_date", "last_month", "last_quarter", "year_to_date", "last_12_months")
TO_DATE_PRESETS = ("this_month_to_date", "year_to_date")  # they end on the counting day, the others before it
# Filters field -> the query dimension it restricts.
FILTER_DIMENSIONS = {
    "grids": "grid_id",
    "teams": "team",
    "service_lines": "service_line",
    "channels": "channel",
    "centers": "center",
    # The hierarchy above the grid (district > street > community > grid): a query without these dimensions but
    # with grid_id gets them as the grids they hold (jianfu/metrics/units.py).
    "districts": "district",
    "streets": "street",
}
# Dimensions whose values are a closed code list (the rest are checked against the data).
CLOSED_CODES = {"teams": TEAMS, "channels": CHANNELS, "centers": CENTERS}


class FilterError(ValueError):
    pass


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """Same day number `months` later, clamped to the month's last day (31 Mar − 1 month = 29 Feb 2024)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def whole_months(start: date, end: date) -> int | None:
    """How many calendar months [start, end] spans exactly, or None when it does not start and end on month edges."""
    if start.day != 1 or end != month_end(end.year, end.month):
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _as_tuple(values, name: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = (values,)
    values = tuple(values)
    if not all(isinstance(v, str) and v for v in values):
        raise FilterError(f"{name} must be non-empty text values")
    return values


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    grids: tuple[str, ...] = field(default=())
    teams: tuple[str, ...] = field(default=())
    service_lines: tuple[str, ...] = field(default=())
    channels: tuple[str, ...] = field(default=())
    centers: tuple[str, ...] = field(default=())
    districts: tuple[str, ...] = field(default=())
    streets: tuple[str, ...] = field(default=())

    def __post_init__(self):
        for name in FILTER_DIMENSIONS:
            object.__setattr__(self, name, _as_tuple(getattr(self, name), name))
        if not isinstance(self.start, date) or not isinstance(self.end, date):
            raise FilterError("start and end must be dates")
        if self.end < self.start:
            raise FilterError(f"the window ends ({self.end}) before it starts ({self.start})")

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dimension_values(self) -> dict[str, tuple[str, ...]]:
        """Chosen values by query dimension (only the dimensions that are filtered)."""
        return {dim: getattr(self, name) for name, dim in FILTER_DIMENSIONS.items() if getattr(self, name)}

    def to_params(self) -> dict:
        """Bind values for the KPI queries: $start, $end_exclusive and one list per dimension (empty = all)."""
        return {
            "start": self.start,
            "end_exclusive": self.end_exclusive,
            **{name: list(getattr(self, name)) for name in FILTER_DIMENSIONS},
        }

    def with_window(self, start: date, end: date) -> Filters:
        return replace(self, start=start, end=end)

    def previous(self) -> Filters:
        months = whole_months(self.start, self.end)
        if months is not None:
            start = add_months(self.start, -months)
            return self.with_window(start, month_end(*_year_month(add_months(start, months - 1))))
        return self.with_window(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def last_year(self) -> Filters:
        months = whole_months(self.start, self.end)
        start = add_months(self.start, -12)
        if months is not None:
            return self.with_window(start, month_end(*_year_month(add_months(self.end, -12))))
        return self.with_window(start, add_months(self.end, -12))

    def validate(self, con, known_values: dict[str, frozenset[str]] | None = None) -> Filters:
        """Reject values the warehouse does not know, naming them. `known_values` (WarehouseFacts.known_values)
        saves looking up the grids and service lines the warehouse holds. Returns self for chaining."""
        known: dict[str, set[str]] = {name: set(codes) for name, codes in CLOSED_CODES.items()}
        if self.grids or self.service_lines or self.districts or self.streets:  # checked against the data
            if known_values is None:
                known_values = known_filter_values(con)
            for name, values in known_values.items():
                known.setdefault(name, set()).update(values)
        for name in FILTER_DIMENSIONS:
            unknown = [v for v in getattr(self, name) if v not in known.get(name, set())]
            if unknown:
                choices = ", ".join(sorted(known.get(name, set()))[:20]) or "none in the warehouse"
                raise FilterError(
                    f"unknown {name[:-1].replace('_', ' ')} {', '.join(map(repr, unknown))} (known: {choices})"
                )
        return self


def _year_month(day: date) -> tuple[int, int]:
    return day.year, day.month


def to_date_windows(start: date, data_day: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """This month so far (day 1..k, not before the window start) and the same days of the previous month."""
    current_start = max(start, data_day.replace(day=1))
    previous_start, previous_end = add_months(current_start, -1), add_months(data_day, -1)
    return (current_start, data_day), (previous_start, previous_end)


def window_preset(name: str, today: date) -> tuple[date, date]:
    """(start, end) inclusive for a named window relative to `today`. last_12_months = the twelve whole months
    before today's month; last_quarter = the calendar quarter before today's."""
    first_of_month = today.replace(day=1)
    if name == "this_month_to_date":
        return first_of_month, today
    if name == "last_month":
        start = add_months(first_of_month, -1)
        return start, month_end(start.year, start.month)
    if name == "last_quarter":
        quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        start = add_months(quarter_start, -3)
        end = add_months(start, 2)
        return start, month_end(end.year, end.month)
    if name == "year_to_date":
        return date(today.year, 1, 1), today
    if name == "last_12_months":
        start = add_months(first_of_month, -12)
        end = add_months(first_of_month, -1)
        return start, month_end(end.year, end.month)
    raise FilterError(f"unknown window preset {name!r} (choose one of: {', '.join(PRESETS)})")


def data_window(
    name: str, through: date, data_from: date | None = None, today: date | None = None
) -> tuple[date, date]:
    """A preset counted back from the day the data runs to (`through`: its latest event other than a closing),
    not from today: an office that loads an export wants the export's last complete month, whatever today is,
    and a 2013–2019 export opened in 2026 must not open on an empty 2026 month. `today` caps `through` (junk
    timestamps in the future). The to-date presets end on that day. A preset that would end before the data
    starts (less than a month of data) falls back to the month the data ends in, so it never opens empty."""
    last_day = min(through, today) if today is not None else through
    counted_from = last_day if name in TO_DATE_PRESETS else last_day + timedelta(days=1)
    start, end = window_preset(name, counted_from)
    if data_from is not None and end < data_from:
        return last_day.replace(day=1), last_day
    return start, end


def parse_period(text: str, today: date) -> tuple[date, date]:
    """A preset name, a year (2025), a quarter (2025-Q1) or a month (2025-03) as an inclusive window."""
    text = text.strip()
    if text in PRESETS:
        return window_preset(text, today)
    try:
        if len(text) == 4 and text.isdigit():
            return date(int(text), 1, 1), date(int(text), 12, 31)
        if len(text) == 7 and text[4:6].upper() == "-Q" and text[6] in "1234":
            start = date(int(text[:4]), 3 * (int(text[6]) - 1) + 1, 1)
            end = add_months(start, 2)
            return start, month_end(end.year, end.month)
        if len(text) == 7 and text[4] == "-":
            year, month = int(text[:4]), int(text[5:])
            return date(year, month, 1), month_end(year, month)
    except ValueError:
        pass
    raise FilterError(f"unknown period {text!r}: use a preset ({', '.join(PRESETS)}), YYYY, YYYY-Qn or YYYY-MM")
