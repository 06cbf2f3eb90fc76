"""Which KPIs stand out: the best and worst against their reference, and the control-chart signals by impact.

Best and worst are ranked by distance from the reference (the policy target, else the KPI's baseline) as the
uncapped score: actual ÷ reference, inverted when lower is better. The capped score the composite averages
cannot order KPIs that all sit at the cap, and a bottom list filled by the lowest scores would list KPIs that
meet their target. So:
- "best" lists only KPIs beyond their reference, "needs attention" only KPIs short of it; a KPI within
  ON_TARGET of its reference is on target and in neither list;
- a value the engine flags suppressed or not rankable (n < rank_below_n), or with a missing input, is left out;
- so is a lower-is-better value of 0 (a median of 0 days): it sits on the floor of its scale, where its
  distance from the reference says nothing (its uncapped score would be infinite);
- ties keep catalogue order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from jianfu.metrics import stats
from jianfu.metrics.catalogue import Catalogue

SHOWN = 5  # KPIs per list
ON_TARGET = 0.001  # within 0.1% of the reference counts as on target
UNRANKED_FLAGS = frozenset({"suppressed", "not_rankable", "missing_input"})


def distance(value, reference, direction: str) -> float | None:
    """The uncapped score: value ÷ reference (reference ÷ value when lower is better); 1 is on target. None when
    it cannot be ranked (no value or reference, a context KPI, a non-positive reference, a lower-is-better 0)."""
    if value is None or reference is None or direction not in ("up", "down"):
        return None
    value, reference = float(value), float(reference)
    if math.isnan(value) or math.isnan(reference) or reference <= 0 or value < 0:
        return None
    if direction == "up":
        return value / reference
    return None if value == 0 else reference / value


def _distances(results: dict, cat: Catalogue) -> dict[str, float]:
    out = {}
    for kpi_id, result in results.items():
        if kpi_id not in cat or not cat[kpi_id].scored or result.flags & UNRANKED_FLAGS:
            continue
        d = distance(result.value, result.reference, cat[kpi_id].direction)
        if d is not None:
            out[kpi_id] = d
    return out


def best_and_worst(results: dict, cat: Catalogue, shown: int = SHOWN) -> tuple[list[str], list[str]]:
    """(best, needs attention): up to `shown` KPI ids each, furthest from the reference first."""
    distances = _distances(results, cat)
    order = list(cat)
    best = sorted((k for k, d in distances.items() if d > 1 + ON_TARGET), key=lambda k: (-distances[k], order.index(k)))
    worst = sorted((k for k, d in distances.items() if d < 1 - ON_TARGET), key=lambda k: (distances[k], order.index(k)))
    return best[:shown], worst[:shown]


@dataclass(frozen=True)
class Signal:
    kpi_id: str
    rule: str  # "outside_limits" or "run_of_7"
    size: float  # distance from the phase's mean in σ̂ (stats.signal_size)
    period_start: object


def latest_signals(series: dict[str, pd.DataFrame], cat: Catalogue) -> list[Signal]:
    """The control-chart signals of each KPI's latest complete period, largest first: a point beyond the limits
    before a run of 7, then by size in σ̂; ties keep catalogue order. `series` is {kpi_id: kpi_series frame}."""
    found = []
    for kpi_id, frame in series.items():
        if frame is None or frame.empty:
            continue
        complete = frame[~frame["partial"].astype(bool)]
        if complete.empty:
            continue
        last = complete.iloc[-1]
        if not last["signal_rule"] or bool(last["suppressed"]):
            continue
        found.append(
            Signal(
                kpi_id,
                str(last["signal_rule"]),
                stats.signal_size(_float(last["value"]), _float(last["mean"]), _float(last["ucl"])),
                last["period_start"],
            )
        )
    return order_signals(found, cat)


def order_signals(signals: list[Signal], cat: Catalogue) -> list[Signal]:
    order = list(cat)
    return sorted(
        signals,
        key=lambda s: (s.rule != "outside_limits", -s.size, order.index(s.kpi_id) if s.kpi_id in cat else len(order)),
    )


def _float(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)
