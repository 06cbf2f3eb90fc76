"""Trends and comparisons across units, the two views KPIS.md asks for instead of two-point comparisons and
league tables: kpi_series (an XmR control chart over months/weeks/quarters) and compute_by (one row per grid,
team, service line or channel with funnel-plot limits around the overall value)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from jianfu.metrics import stats
from jianfu.metrics.catalogue import Catalogue, load_catalogue
from jianfu.metrics.engine import Period, check_split, evaluate
from jianfu.metrics.estimates import hidden, suppression_flags
from jianfu.metrics.facts import WarehouseFacts, facts_for
from jianfu.metrics.filters import add_months, month_end
from jianfu.metrics.results import coverage_start, within_data

GRAINS = ("week", "month", "quarter")
# The control charts' window: the limits and signals of a month are judged on this many months up to it, on
# every page and in the report alike (a shorter window gives other limits, so other signals).
CONTROL_CHART_MONTHS = 24
SERIES_COLUMNS = [
    "period_start",
    "period_end",
    "value",
    "numerator",
    "denominator",
    "n",
    "mean",
    "ucl",
    "lcl",
    "signal",
    "signal_rule",
    "suppressed",
    "partial",
]
BY_COLUMNS = [
    "group",
    "value",
    "numerator",
    "denominator",
    "n",
    "effective_n",
    "ci_low",
    "ci_high",
    "funnel_centre",
    "lo95",
    "hi95",
    "lo998",
    "hi998",
    "outside_95",
    "outside_998",
    "suppressed",
    "not_rankable",
]
# Kinds whose funnel limits follow from the overall value and n (a proportion's spread is √(p(1−p)), a mean's
# the overall standard deviation), with the range the limits are clipped to.
FUNNEL_KINDS = {
    "proportion": (0.0, 1.0),
    "rate_per_1000": (0.0, 1000.0),
    "weighted_proportion": (0.0, 1.0),
    "mean": None,
    "weighted_mean": None,
}


def series_periods(end: date, grain: str, count: int) -> list[Period]:
    """`count` whole periods of the grain, the last one containing `end`."""
    if grain == "month":
        first = add_months(end.replace(day=1), -(count - 1))
        starts = [add_months(first, i) for i in range(count)]
        return [Period(s.isoformat(), s, month_end(s.year, s.month)) for s in starts]
    if grain == "quarter":
        last = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
        starts = [add_months(last, -3 * i) for i in reversed(range(count))]
        return [Period(s.isoformat(), s, add_months(s, 3) - timedelta(days=1)) for s in starts]
    if grain == "week":
        last = end - timedelta(days=end.weekday())  # weeks start on Monday
        starts = [last - timedelta(weeks=i) for i in reversed(range(count))]
        return [Period(s.isoformat(), s, s + timedelta(days=6)) for s in starts]
    raise ValueError(f"unknown grain {grain!r} (choose one of: {', '.join(GRAINS)})")


def _plottable(cat: Catalogue, kpi_id: str):
    kpi = cat[kpi_id]
    if kpi.kind in ("composite", "drivers"):
        raise ValueError(f"{kpi_id} is not a single number per period and has no series or breakdown")
    return kpi


def kpi_series(
    con,
    kpi_id: str,
    filters,
    grain: str = "month",
    periods: int = 24,
    *,
    catalogue: Catalogue | None = None,
    facts: WarehouseFacts | None = None,
) -> pd.DataFrame:
    """The KPI per period for the `periods` periods ending with the one containing filters.end, with XmR
    limits (mean ± 2.66 × mean moving range; restarting at each of the KPI's `step_at` dates) and signals.
    Suppressed (n < 10) and partial periods (reaching
    past the end of the data or starting before its beginning) are shown but left out of the limits. A KPI with
    missing inputs gives an empty frame."""
    return kpi_series_many(con, [kpi_id], filters, grain, periods, catalogue=catalogue, facts=facts)[kpi_id]


def kpi_series_many(
    con,
    kpi_ids,
    filters,
    grain: str = "month",
    periods: int = 24,
    *,
    catalogue: Catalogue | None = None,
    facts: WarehouseFacts | None = None,
) -> dict[str, pd.DataFrame]:
    """kpi_series for several KPIs at once: {kpi_id: frame}. One evaluation runs each query file once for all
    of them (a page of cards costs one scan per table, not one per card)."""
    cat = catalogue or load_catalogue()
    kpis = [_plottable(cat, kpi_id) for kpi_id in dict.fromkeys(kpi_ids)]
    facts = facts_for(con, facts)
    filters.validate(con, facts.known_values)
    as_of = facts.data_as_of
    covered_from = coverage_start(facts.data_from)
    chosen = series_periods(filters.end, grain, periods)
    evaluation = evaluate(con, cat, kpis, filters, chosen, as_of, presence=facts.presence)
    partial = [
        period.is_partial(as_of) or (covered_from is not None and period.start < covered_from) for period in chosen
    ]
    inside = [within_data(p.start, p.end, facts.data_from, as_of) for p in chosen]
    return {kpi.id: _series_frame(kpi, evaluation, chosen, partial, inside) for kpi in kpis}


def _series_frame(kpi, evaluation, chosen: list[Period], partial: list[bool], inside: list[bool]) -> pd.DataFrame:
    if evaluation.missing[kpi.id]:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    rows = []
    for period, is_partial, in_data in zip(chosen, partial, inside):
        est = evaluation.get(kpi.id, period.key)
        suppressed = "suppressed" in suppression_flags(kpi.kind, est, in_data)
        rows.append(
            {
                "period_start": period.start,
                "period_end": period.end,
                "value": None if suppressed else est.value,
                "numerator": est.numerator,
                "denominator": est.denominator,
                "n": est.n,
                "suppressed": suppressed,
                "partial": is_partial,
            }
        )
    frame = pd.DataFrame(rows)
    usable = [None if r["partial"] else r["value"] for r in rows]
    # A period starting on or after a step of the KPI's `step_at` belongs to the phase that step opens.
    phase_of = [sum(step <= period.start for step in kpi.step_at) for period in chosen]
    mean, ucl, lcl, rules = stats.xmr_phases(usable, phase_of)
    frame["mean"], frame["ucl"], frame["lcl"] = (pd.Series(x, dtype=float) for x in (mean, ucl, lcl))
    frame["signal_rule"] = rules
    frame["signal"] = frame["signal_rule"] != ""
    return frame[SERIES_COLUMNS]


def latest_period_with_data(frame: pd.DataFrame) -> tuple[date, date] | None:
    """(start, end) of the latest period of a kpi_series frame whose value is shown (not suppressed), or None:
    where a page section falls back to when the chosen window has too little data for it (the last survey
    wave, the last quarter with enough votes)."""
    if frame.empty:
        return None
    shown = frame[~frame["suppressed"].astype(bool) & frame["value"].notna()]
    if shown.empty:
        return None
    last = shown.iloc[-1]
    return last["period_start"], last["period_end"]


def compute_by(
    con, kpi_id: str, filters, by: str, *, catalogue: Catalogue | None = None, facts: WarehouseFacts | None = None
) -> pd.DataFrame:
    """One row per value of `by` ('grid_id', 'team', 'service_line', 'channel', also 'center', 'matter') for the
    window, with the interval and funnel limits (95%, 99.8%) at that group's n around the overall value."""
    return compute_by_many(con, [kpi_id], filters, by, catalogue=catalogue, facts=facts)[kpi_id]


def compute_by_many(
    con, kpi_ids, filters, by: str, *, catalogue: Catalogue | None = None, facts: WarehouseFacts | None = None
) -> dict[str, pd.DataFrame]:
    """compute_by for several KPIs at once: {kpi_id: frame}, each query file run once for the overall values
    and once for the split."""
    cat = catalogue or load_catalogue()
    kpis = [_plottable(cat, kpi_id) for kpi_id in dict.fromkeys(kpi_ids)]
    for kpi in kpis:
        check_split(kpi, by)
    facts = facts_for(con, facts)
    filters.validate(con, facts.known_values)
    current = [Period("current", filters.start, filters.end)]
    overall = evaluate(con, cat, kpis, filters, current, facts.data_as_of, presence=facts.presence)
    present = [kpi for kpi in kpis if not overall.missing[kpi.id]]
    split = (
        evaluate(con, cat, present, filters, current, facts.data_as_of, by=by, presence=facts.presence)
        if present
        else None
    )
    return {
        kpi.id: pd.DataFrame(columns=BY_COLUMNS) if overall.missing[kpi.id] else _by_frame(kpi, overall, split)
        for kpi in kpis
    }


def _by_frame(kpi, overall, split) -> pd.DataFrame:
    centre_est = overall.get(kpi.id, "current")
    rows = []
    for group in split.groups(kpi.id, "current"):
        est = split.get(kpi.id, "current", group)
        flags = suppression_flags(kpi.kind, est)
        if "suppressed" in flags:
            est = hidden(est)
        row = {
            "group": group,
            "value": est.value,
            "numerator": est.numerator,
            "denominator": est.denominator,
            "n": est.n,
            "effective_n": est.effective_n,
            "ci_low": est.ci_low,
            "ci_high": est.ci_high,
            "suppressed": "suppressed" in flags,
            "not_rankable": "not_rankable" in flags,
        }
        row.update(_funnel(kpi.kind, centre_est, est))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=BY_COLUMNS)
    return frame.sort_values("group", key=lambda s: s.astype(str), na_position="last").reset_index(drop=True)


def _funnel(kind, centre, est) -> dict:
    empty = {
        "funnel_centre": None,
        "lo95": None,
        "hi95": None,
        "lo998": None,
        "hi998": None,
        "outside_95": False,
        "outside_998": False,
    }
    n = est.effective_n if est.effective_n is not None else est.n
    if kind not in FUNNEL_KINDS or centre.value is None or centre.sd is None or not n:
        return empty
    clip = FUNNEL_KINDS[kind]
    out = {"funnel_centre": centre.value}
    for name, level in stats.FUNNEL_LEVELS.items():
        low, high = stats.funnel_limits(centre.value, n, centre.sd, level)
        if clip:
            low, high = max(low, clip[0]), min(high, clip[1])
        out[f"lo{name}"], out[f"hi{name}"] = low, high
        out[f"outside_{name}"] = est.value is not None and not (low <= est.value <= high)
    return out
