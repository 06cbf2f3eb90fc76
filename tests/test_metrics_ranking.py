"""Best and worst KPIs by distance from their reference, and control-chart signals by impact, on hand-made
engine results and series (no warehouse)."""

from datetime import date

import pandas as pd
import pytest

from jianfu.metrics import KpiResult, load_catalogue, ranking

SMALL = frozenset({"not_rankable"})
HIDDEN = frozenset({"suppressed", "not_rankable"})


def result(kpi_id, value, reference, flags=frozenset(), n=500):
    return KpiResult(kpi_id, value=value, reference=reference, n=n, flags=flags)


# Catalogue order: on_time_rate, cycle_time, cycle_time_p90, cycle_time_calendar, handoff_time, backlog,
# backlog_past_due, immediate_rate, one_visit_rate, online_rate, materials_reuse, …, good_rating_rate, …,
# bad_per_1000, …, response_rate, …, satisfaction_rate.
RESULTS = {
    r.kpi_id: r
    for r in [
        result("case_volume", 700, None),  # context: never ranked
        result("on_time_rate", 0.95, 0.95),  # exactly on target: in neither list
        result("cycle_time", 0.0, 2.0),  # a median of 0 days (lower is better): the floor of its scale, left out
        result("cycle_time_p90", 4.0, 13.0),  # 13 / 4 = 3.25
        result("handoff_time", 3.0, 9.75),  # 9.75 / 3 = 3.25: a tie, catalogue order decides
        result("backlog", 64, 200),  # 200 / 64 = 3.125 (its capped score would be 1.25 like the others)
        result("backlog_past_due", 5, 15),  # 3.0
        result("immediate_rate", 0.6, 0.3),  # 2.0
        result("one_visit_rate", 0.9, 0.5),  # 1.8: sixth, not shown
        result("online_rate", None, 0.1, HIDDEN, n=4),  # suppressed: never listed
        result("materials_reuse", 0.9, 0.05, SMALL, n=20),  # n < 30: never listed
        result("good_rating_rate", 0.9, 0.99),  # 0.909
        result("bad_per_1000", 5.8, 4.7),  # lower is better: 4.7 / 5.8 = 0.810
        result("response_rate", 0.5, 0.7),  # 0.714
        result("satisfaction_rate", 0.94995, 0.95),  # 0.99995: within 0.1% of the reference, on target
        result("return_rate", 0.5, 0.1, SMALL, n=12),  # far off target but n < 30: not "needs attention"
    ]
}


def test_best_and_worst_rank_by_uncapped_distance_leaving_out_on_target_and_degenerate_values():
    best, worst = ranking.best_and_worst(RESULTS, load_catalogue())
    assert best == ["cycle_time_p90", "handoff_time", "backlog", "backlog_past_due", "immediate_rate"]
    assert worst == ["response_rate", "bad_per_1000", "good_rating_rate"]


def test_nothing_needs_attention_when_every_kpi_meets_its_reference():
    on_target = {k: r for k, r in RESULTS.items() if k in ("on_time_rate", "satisfaction_rate", "backlog")}
    assert ranking.best_and_worst(on_target, load_catalogue()) == (["backlog"], [])


@pytest.mark.parametrize(
    "value, reference, direction, expected",
    [
        (0.99, 0.9, "up", 1.1),
        (2.0, 4.0, "down", 2.0),
        (8.0, 4.0, "down", 0.5),
        (1.5, 1.0, "up", 1.5),
        (0.0, 4.0, "down", None),
        (1.0, 0.0, "up", None),
        (None, 1.0, "up", None),
        (1.0, 1.0, "context", None),
    ],
)
def test_distance_is_the_uncapped_score(value, reference, direction, expected):
    got = ranking.distance(value, reference, direction)
    assert got == (pytest.approx(expected) if expected is not None else None)


def series(values, mean, ucl, rules, partial_last=False):
    months = [date(2026, m, 1) for m in range(1, len(values) + 1)]
    return pd.DataFrame(
        {
            "period_start": months,
            "value": values,
            "mean": mean,
            "ucl": ucl,
            "lcl": [2 * mean - ucl] * len(values),
            "signal_rule": rules,
            "suppressed": [False] * len(values),
            "partial": [False] * (len(values) - 1) + [partial_last],
        }
    )


def test_signals_of_the_latest_complete_month_come_largest_first():
    cat = load_catalogue()
    frames = {
        # mean 10, ucl 13 → σ̂ = 1: 14 is 4σ̂ out
        "on_time_rate": series([10, 10, 14], 10, 13, ["", "", "outside_limits"]),
        # 20 is 10σ̂ from its mean: the largest
        "cycle_time": series([10, 10, 20], 10, 13, ["", "", "outside_limits"]),
        # a run of 7 is listed after points beyond the limits, whatever its size
        "backlog": series([12, 12, 12], 10, 13, ["run_of_7"] * 3),
        # the last month is partial: the month before it counts, and it was quiet
        "online_rate": series([10, 10, 30], 10, 13, ["", "", "outside_limits"], partial_last=True),
        "immediate_rate": series([10, 10, 10], 10, 13, ["", "", ""]),
    }
    found = ranking.latest_signals(frames, cat)
    assert [(s.kpi_id, s.rule, round(s.size, 6)) for s in found] == [
        ("cycle_time", "outside_limits", 10.0),
        ("on_time_rate", "outside_limits", 4.0),
        ("backlog", "run_of_7", 2.0),
    ]
