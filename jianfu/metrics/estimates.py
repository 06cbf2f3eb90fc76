"""From a query row's <kpi_id>__<part> columns to one estimate: value, numerator, denominator, n, interval.

How each kind reads its parts (jianfu/metrics/README.md lists them):
- count, sum, stock: a level, no interval (a count of 0 inside the data's span is a true zero; an empty
  window gives a sum n = 0 and is suppressed, see below).
- pace: num events over den days, scaled to a quarter (365.25 / 4 days).
- proportion, rate_per_1000, share: num / den (× 1000 for the rate); Wilson interval except for share,
  whose occurrences are not independent draws.
- reduction: 1 − num / den (ledgers in use now vs at the baseline date).
- weighted_proportion, weighted_mean: Σw·x / Σw with effective n = (Σw)² / Σw².
- ratio: Σy / Σx over n units, delta-method t-interval.
- mean: value ± t-interval from sd; median, quantile: value only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from jianfu import settings
from jianfu.metrics import stats

DAYS_PER_QUARTER = 365.25 / 4
# Levels and paces are not estimates from a sample: they are never hidden for small n.
LEVEL_KINDS = frozenset({"count", "sum", "stock", "pace", "reduction"})
# Counts of things (cases received, cases open): 0 is an answer, not a small sample, so never hidden for size.
COUNT_KINDS = frozenset({"count", "stock"})


@dataclass(frozen=True)
class Estimate:
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    n: float = 0
    effective_n: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    sd: float | None = None  # spread of one unit, for funnel limits of means
    detail: dict = field(default_factory=dict)


def _number(value) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _proportion(num, den, scale=1.0, interval=True) -> Estimate:
    if not den:
        return Estimate(numerator=num or 0, denominator=den or 0, n=den or 0, effective_n=den or 0)
    low, high = stats.wilson(num, den) if interval else (None, None)
    return Estimate(
        num / den * scale,
        num,
        den,
        den,
        den,
        _scaled(low, scale),
        _scaled(high, scale),
        sd=math.sqrt(max(num / den * (1 - num / den), 0.0)) * scale,
    )


def _scaled(value, scale):
    return None if value is None else value * scale


def estimate(kind: str, parts: dict) -> Estimate:
    """parts: {part name: number or None}; detail parts are the ones named x_<name>."""
    p = {name: _number(value) for name, value in parts.items() if not name.startswith("x_")}
    detail = {name[2:]: _number(value) for name, value in parts.items() if name.startswith("x_")}
    result = _estimate(kind, p)
    return Estimate(**{**result.__dict__, "detail": detail})


def _estimate(kind: str, p: dict) -> Estimate:
    num, den, n = p.get("num"), p.get("den"), p.get("n") or 0
    if kind == "count":
        value = p.get("value") or 0
        return Estimate(value=value, n=value, effective_n=value)
    if kind in ("sum", "stock"):
        return Estimate(value=p.get("value") if n else 0.0, n=n, effective_n=n)
    if kind == "pace":
        value = (num or 0) / den * DAYS_PER_QUARTER if den else None
        return Estimate(value=value, numerator=num or 0, denominator=den, n=den or 0, effective_n=den or 0)
    if kind == "proportion":
        return _proportion(num, den)
    if kind == "rate_per_1000":
        return _proportion(num, den, scale=1000.0)
    if kind == "share":
        return _proportion(num, den, interval=False)
    if kind == "reduction":
        value = 1 - num / den if den else None
        return Estimate(value=value, numerator=num, denominator=den, n=den or 0, effective_n=den or 0)
    if kind == "weighted_proportion":
        if not den or not p.get("sumw2"):
            return Estimate(numerator=num, denominator=den, n=n, effective_n=0)
        value, n_eff = num / den, den * den / p["sumw2"]
        low, high = stats.wilson(value * n_eff, n_eff)
        return Estimate(value, num, den, n, n_eff, low, high, sd=math.sqrt(max(value * (1 - value), 0.0)))
    if kind == "weighted_mean":
        if not den or not p.get("sumw2"):
            return Estimate(numerator=num, denominator=den, n=n, effective_n=0)
        low, high, n_eff = stats.weighted_mean_interval(num, den, p["sumw2"], p["sumwx2"])
        value = num / den
        sd = math.sqrt(max(p["sumwx2"] / den - value * value, 0.0))
        return Estimate(value, num, den, n, n_eff, low, high, sd=sd)
    if kind == "ratio":
        if not den:
            return Estimate(numerator=num, denominator=den, n=n, effective_n=n)
        low, high = stats.ratio_interval(num, den, n, p["syy"], p["sxx"], p["sxy"])
        return Estimate(num / den, num, den, n, n, low, high)
    if kind == "mean":
        value, sd = p.get("value"), p.get("sd")
        low, high = stats.t_interval(value, sd, n) if n else (None, None)
        return Estimate(value if n else None, None, None, n, n, low, high, sd=sd)
    if kind in ("median", "quantile"):
        return Estimate(value=p.get("value") if n else None, n=n, effective_n=n)
    raise ValueError(f"kind {kind!r} is not computed from query parts")


def suppression_flags(kind: str, est: Estimate, within_data: bool = True) -> set[str]:
    """'suppressed' (n < suppress_below_n, value hidden) and 'not_rankable' (n < rank_below_n) for estimates; the
    effective n decides for weighted kinds. Levels (sums, paces, reductions) are not samples: they get the flags
    only when there is nothing at all (n = 0). Counts are never hidden for size: a backlog of 0 shows 0, unless
    the period lies outside the data's span (`within_data` False), where 0 would only mean "no data"."""
    if kind in COUNT_KINDS:
        return set() if within_data and est.value is not None else {"suppressed", "not_rankable"}
    suppress_below, rank_below = int(settings.get("suppress_below_n")), int(settings.get("rank_below_n"))
    n = est.effective_n if est.effective_n is not None else est.n
    if est.value is None or not n:
        return {"suppressed", "not_rankable"}
    if kind in LEVEL_KINDS or kind == "composite":
        return set()
    flags = set()
    if n < suppress_below or est.value is None:
        flags.add("suppressed")
    if n < rank_below or est.value is None:
        flags.add("not_rankable")
    return flags


def hidden(est: Estimate) -> Estimate:
    """The estimate with its value and interval removed (a suppressed KPI shows n, never the value)."""
    return Estimate(**{**est.__dict__, "value": None, "ci_low": None, "ci_high": None})
