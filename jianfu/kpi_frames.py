"""Tidy frames for charts, built from the engine's KPI results (never recomputed from rows), so that the
ledger waterfall and the micro-project funnel show exactly the numbers the KPI cards show."""

from __future__ import annotations

import pandas as pd

WATERFALL_STEPS = ("baseline", "abolished", "merged", "digitised", "added", "re_estimate", "now")
FUNNEL_STAGES = (
    ("proposed", None),
    ("sorted", "sorted"),
    ("council_review", "council_review"),
    ("voting", "voted"),
    ("in_progress", "started"),
    ("done", "done"),
)


def _usable(result) -> bool:
    """Counts of ledgers, hours and projects are levels, not estimates: they are shown even under the small-n
    rule that hides a rate; only a KPI whose inputs are missing has nothing to show."""
    return result is not None and not result.missing and result.denominator is not None


def ledger_waterfall(ledgers, hours) -> pd.DataFrame:
    """Baseline → abolished → merged → digitised → added → re-estimates → now, in ledgers and in yearly hours.

    `ledgers` is the `ledger_reduction` result (numerator: in use now, denominator: in use at the baseline;
    detail: how many ended abolished / merged / digitised); `hours` the `burden_hours` result (value: hours now;
    detail: baseline hours and the change by cause). Steps are signed changes; baseline and now are levels.
    Empty when either result has missing inputs. A count of ledgers has no re-estimate (None)."""
    if not (_usable(ledgers) and hours is not None and not hours.missing):
        return pd.DataFrame(columns=["step", "ledgers", "hours"])
    d, h = ledgers.detail, hours.detail
    ended = -(d.get("abolished", 0) + d.get("merged", 0) + d.get("digitised", 0))
    counts = [
        ledgers.denominator,
        -d.get("abolished", 0),
        -d.get("merged", 0),
        -d.get("digitised", 0),
        ledgers.numerator - ledgers.denominator - ended,
        None,
        ledgers.numerator,
    ]
    hour_steps = [
        h.get("baseline_hours"),
        h.get("programme_abolished"),
        h.get("programme_merged"),
        h.get("programme_digitised"),
        h.get("programme_added"),
        h.get("re_estimate"),
        hours.value,
    ]
    return pd.DataFrame(
        {
            "step": WATERFALL_STEPS,
            "ledgers": pd.array(counts, dtype="Int64"),
            "hours": pd.array(hour_steps, dtype="Float64"),
        }
    )


def stage_funnel(funnel) -> pd.DataFrame:
    """Projects proposed in the window that reached each stage, from the `proposal_funnel` result
    (denominator: proposed; detail: reached each later stage), with the share of proposed."""
    if not _usable(funnel) or not funnel.denominator:
        return pd.DataFrame(columns=["stage", "projects", "share_of_proposed"])
    reached = [funnel.denominator if part is None else funnel.detail.get(part) for _, part in FUNNEL_STAGES]
    return pd.DataFrame(
        {
            "stage": [stage for stage, _ in FUNNEL_STAGES],
            "projects": pd.array(reached, dtype="Int64"),
            "share_of_proposed": [r / funnel.denominator if r is not None else None for r in reached],
        }
    )


LIMITS = ["lo95", "hi95", "lo998", "hi998"]


def funnel_points(by_group: pd.DataFrame, labels: dict | None = None, bounds: tuple | None = None) -> pd.DataFrame:
    """The engine's `compute_by` frame in the shape `charts.funnel_plot` draws: one point per group with enough
    observations to be shown, its label, and the limits around the overall value, kept within `bounds` (a share
    cannot go below 0 or above 1, whatever the normal approximation says at small n)."""
    # records that no unit holds (a 12345 order naming no grid) are not a unit to compare
    shown = by_group[~by_group["suppressed"].astype(bool) & by_group["value"].notna() & by_group["group"].notna()]
    points = shown.assign(
        label=shown["group"].map(lambda g: (labels or {}).get(g, g)).astype(str), centre=shown["funnel_centre"]
    )
    if bounds is not None:
        points[LIMITS] = points[LIMITS].astype(float).clip(*bounds)
    return points[["group", "label", "value", "n", "centre", *LIMITS]]
