"""The global filters as URL query parameters: parse, validate, and turn into a `jianfu.metrics.Filters`.

Invariants (see README.md):
- Only what the user chose is in the URL. A parameter equal to its default is never written; defaults (the
  period preset, "all grids") are computed at render time from the data, so an old link follows new data.
- A parameter that cannot be used (unknown grid, bad date, end before start) is dropped and reported as a
  notice; the rest of the link still applies.

Parameters: `period` (a preset code or `custom`), `start`/`end` (ISO dates, only with `custom`),
`district`, `street`, `grid`, `team`, `line`, `channel` (comma-separated codes; district and street are the
names the data uses, e.g. `?street=横塘街道`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from jianfu.metrics import Filters, data_window

# The engine's presets (jianfu.metrics.filters.PRESETS) plus a custom range.
PERIODS = ("last_month", "this_month_to_date", "last_quarter", "year_to_date", "last_12_months", "custom")
DEFAULT_PERIOD = "last_month"
# URL parameter → (option kind in FilterOptions, Filters field)
LIST_PARAMS = {
    "district": ("districts", "districts"),
    "street": ("streets", "streets"),
    "grid": ("grids", "grids"),
    "team": ("teams", "teams"),
    "line": ("service_lines", "service_lines"),
    "channel": ("channels", "channels"),
}
PARAMS = ("period", "start", "end", *LIST_PARAMS)


@dataclass(frozen=True)
class FilterOptions:
    """What can be chosen: codes found in the warehouse (labels come from the string catalogue). `as_of` is the
    day the presets count back from (the data's latest event other than a closing), `data_from` its first."""

    as_of: date
    grids: dict[str, str] = field(default_factory=dict)  # grid_id → name
    teams: tuple[str, ...] = ()
    service_lines: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    data_from: date | None = None
    districts: tuple[str, ...] = ()
    streets: tuple[str, ...] = ()
    street_districts: dict[str, str] = field(default_factory=dict)  # street → its district, where known

    def codes(self, kind: str) -> tuple[str, ...]:
        value = getattr(self, kind)
        return tuple(value) if not isinstance(value, dict) else tuple(value.keys())


@dataclass(frozen=True)
class Notice:
    """A dropped parameter: the catalogue key of the message and its values."""

    key: str
    fmt: dict


def preset_window(period: str, as_of: date, data_from: date | None = None) -> tuple[date, date]:
    """(start, end) with end inclusive for a preset, counted back from the day the data runs to, not from
    today (jianfu.metrics.data_window): data running to the 31st makes that month the last complete one; the
    to-date presets end on the data's last day."""
    return data_window(period, as_of, data_from)


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse(params: dict[str, str], options: FilterOptions) -> tuple[dict, list[Notice]]:
    """Validate raw query parameters into the user's choices ({param: value}, lists for list parameters).
    Returns the usable choices and one notice per dropped parameter."""
    chosen: dict = {}
    notices: list[Notice] = []
    period = params.get("period")
    if period is not None and period not in PERIODS:
        notices.append(Notice("filter.notice_bad_period", {"value": period}))
        period = None
    start, end = params.get("start"), params.get("end")
    if start is not None or end is not None or period == "custom":
        start_date, end_date = _parse_date(start or ""), _parse_date(end or "")
        if start_date is None or end_date is None or end_date < start_date:
            notices.append(Notice("filter.notice_bad_dates", {"start": start or "", "end": end or ""}))
            period = None if period == "custom" else period
        else:
            period = "custom"
            chosen.update(start=start_date, end=end_date)
    if period is not None and period != DEFAULT_PERIOD:
        chosen["period"] = period
    for param, (kind, _) in LIST_PARAMS.items():
        raw = params.get(param)
        if raw is None:
            continue
        values = [v for v in raw.split(",") if v]
        allowed = set(options.codes(kind))
        unknown = [v for v in values if v not in allowed]
        if unknown:
            notices.append(Notice("filter.notice_unknown_codes", {"param": param, "values": ", ".join(unknown)}))
        known = [v for v in values if v in allowed]
        if known:
            chosen[param] = known
    return chosen, notices


def to_params(chosen: dict) -> dict[str, str]:
    """The query parameters for the user's choices (nothing for a default)."""
    out: dict[str, str] = {}
    period = chosen.get("period", DEFAULT_PERIOD)
    if period == "custom":
        out.update(start=chosen["start"].isoformat(), end=chosen["end"].isoformat())
    elif period != DEFAULT_PERIOD:
        out["period"] = period
    for param in LIST_PARAMS:
        if chosen.get(param):
            out[param] = ",".join(chosen[param])
    return out


def window(chosen: dict, options: FilterOptions) -> tuple[date, date]:
    period = chosen.get("period", DEFAULT_PERIOD)
    if period == "custom":
        return chosen["start"], chosen["end"]
    return preset_window(period, options.as_of, options.data_from)


def to_filters(chosen: dict, options: FilterOptions) -> Filters:
    """The engine's `Filters` for the user's choices."""
    start, end = window(chosen, options)
    lists = {field_name: tuple(chosen.get(param, ())) for param, (_, field_name) in LIST_PARAMS.items()}
    return Filters(start=start, end=end, **lists)
