"""Chart frames built from engine results: the ledger waterfall adds up, the stage funnel keeps the engine's counts,
funnel points keep limits within bounds."""

from __future__ import annotations

import pandas as pd

from jianfu.kpi_frames import funnel_points, ledger_waterfall, stage_funnel
from jianfu.metrics import KpiResult

LEDGERS = KpiResult(
    "ledger_reduction",
    value=1 - 50 / 119,
    numerator=50,
    denominator=119,
    n=119,
    detail={"abolished": 41, "merged": 9, "digitised": 19},
)
HOURS = KpiResult(
    "burden_hours",
    value=11_118.35,
    n=50,
    detail={
        "baseline_hours": 23_361.18,
        "programme_abolished": -6_821.28,
        "programme_merged": -951.17,
        "programme_digitised": -3_211.78,
        "programme_added": 0.0,
        "re_estimate": -1_258.6,
    },
)


def test_the_waterfall_steps_add_up_to_now():
    frame = ledger_waterfall(LEDGERS, HOURS)
    assert frame["step"].tolist() == ["baseline", "abolished", "merged", "digitised", "added", "re_estimate", "now"]
    assert frame["ledgers"].tolist()[:5] == [119, -41, -9, -19, 0] and frame["ledgers"].tolist()[6] == 50
    assert pd.isna(frame["ledgers"][5])  # a count of ledgers has no re-estimate
    assert sum(frame["ledgers"].dropna()[:-1]) == frame["ledgers"].iloc[-1]
    assert round(sum(frame["hours"][:-1]), 2) == frame["hours"].iloc[-1]


def test_ledgers_added_since_the_baseline_are_a_step_of_their_own():
    grown = KpiResult(
        "ledger_reduction", numerator=55, denominator=119, n=119, detail={"abolished": 41, "merged": 9, "digitised": 19}
    )
    assert ledger_waterfall(grown, HOURS)["ledgers"].tolist()[4] == 5


def test_missing_inputs_give_an_empty_waterfall():
    missing = KpiResult("ledger_reduction", missing=["missing input: ledgers.status"])
    assert ledger_waterfall(missing, HOURS).empty


def test_the_stage_funnel_uses_the_engines_counts():
    funnel = KpiResult(
        "proposal_funnel",
        numerator=1,
        denominator=8,
        n=8,
        flags=frozenset({"suppressed"}),
        detail={"sorted": 6, "council_review": 4, "voted": 3, "started": 2, "done": 1, "rejected": 2},
    )
    frame = stage_funnel(funnel)
    assert frame["projects"].tolist() == [8, 6, 4, 3, 2, 1]  # shown although the rate is suppressed: counts
    assert frame["share_of_proposed"].tolist() == [1.0, 0.75, 0.5, 0.375, 0.25, 0.125]


def test_funnel_points_drop_hidden_groups_and_clip_limits():
    by = pd.DataFrame(
        {
            # None: the 12345 orders that name no grid, not a grid to compare (drawn as "nan" before)
            "group": ["g1", "g2", "g3", None],
            "value": [0.9, None, 1.0, 0.94],
            "n": [40, 5, 12, 320],
            "suppressed": [False, True, False, False],
            "funnel_centre": [0.95] * 4,
            "lo95": [0.88, 0.7, 0.82, 0.93],
            "hi95": [1.02, 1.2, 1.08, 0.97],
            "lo998": [0.85, 0.6, -0.1, 0.92],
            "hi998": [1.05, 1.3, 1.2, 0.98],
        }
    )
    points = funnel_points(by, {"g1": "一网格"}, bounds=(0, 1))
    assert points["label"].tolist() == ["一网格", "g3"]
    assert points[["hi95", "lo998", "hi998"]].values.tolist() == [[1.0, 0.85, 1.0], [1.0, 0.0, 1.0]]
