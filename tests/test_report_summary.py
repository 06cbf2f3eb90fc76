"""本月要点 on hand-made engine results and breakdowns (no warehouse): which KPIs are picked, in which order, the
exact sentences in Chinese and English, and which grid or team is named (never one on n < 30)."""

from __future__ import annotations

import pandas as pd

from jianfu.metrics import KpiResult, load_catalogue
from jianfu.report import summary


def result(kpi_id, value, previous, reference, n=500, flags=frozenset()):
    return KpiResult(kpi_id, value=value, previous=previous, reference=reference, n=n, flags=flags)


RESULTS = {
    r.kpi_id: r
    for r in [
        # improvements, by change as a share of the reference
        result("online_rate", 0.44, 0.40, 0.10),  # +0.04 / 0.10 = 0.40
        result("immediate_rate", 0.60, 0.59, 0.30),  # +0.01 / 0.30 = 0.033
        result("on_time_rate", 0.96, 0.94, 0.95),  # +0.02 / 0.95 = 0.021
        result("one_visit_rate", 0.90, 0.89, 0.50),  # +0.01 / 0.50 = 0.020: fourth, left out
        result("resolution_rate", 0.99, 0.50, 0.80, n=20, flags=frozenset({"not_rankable"})),  # n < 30: never picked
        result("return_rate", None, 0.01, 0.03, n=4, flags=frozenset({"suppressed", "not_rankable"})),
        # problems: short of the reference first (furthest first), then the largest change for the worse
        result("response_rate", 0.50, 0.55, 0.70),  # 0.50 / 0.70 = 0.714
        result("bad_per_1000", 5.8, 2.7, 4.7),  # lower is better: 4.7 / 5.8 = 0.810
        result("satisfaction_rate", 0.93, 0.95, 0.90),  # above its reference, but −0.02 / 0.90 = −0.022
        result("good_rating_rate", 0.99, 0.995, 0.98),  # −0.005 / 0.98: fourth, left out
        result("case_volume", 700, 800, None),  # context: neither good nor bad
    ]
}


def by(rows) -> pd.DataFrame:
    """A compute_by frame: group, value, n, funnel centre and 95% limits (the columns `standout` reads)."""
    frame = pd.DataFrame(rows, columns=["group", "value", "n", "funnel_centre", "lo95", "hi95"])
    return frame.assign(effective_n=None, suppressed=False, not_rankable=frame["n"] < 30)


BREAKDOWNS = {
    "online_rate": {
        # gov_affairs is (0.60 − 0.50) / 0.06 = 1.7 limit-widths above; HT01 only 0.03 / 0.08 = 0.4;
        # activities is further out still but rests on 20 cases: never named
        "team": by([("gov_affairs", 0.60, 200, 0.44, 0.38, 0.50), ("activities", 0.90, 20, 0.44, 0.30, 0.58)]),
        "grid_id": by([("HT01", 0.55, 100, 0.44, 0.36, 0.52), ("HT02", 0.40, 100, 0.44, 0.36, 0.52)]),
    },
    "response_rate": {
        # HT04 below its lower limit; HT05 lower still but on 12 responses; HT02 inside
        "grid_id": by(
            [
                ("HT02", 0.45, 50, 0.50, 0.42, 0.58),
                ("HT04", 0.30, 40, 0.50, 0.40, 0.60),
                ("HT05", 0.10, 12, 0.50, 0.25, 0.75),
            ]
        ),
    },
    "bad_per_1000": {"grid_id": by([("HT04", 25.32, 100, 5.8, 1.0, 12.0), ("HT01", 3.0, 100, 5.8, 1.0, 12.0)])},
    "satisfaction_rate": {"grid_id": by([("HT01", 0.95, 100, 0.93, 0.88, 0.98)])},  # nobody stands out
}
NAMES = {
    "zh": {
        "grid_id": {"HT01": "金新御园网格", "HT02": "香溢紫郡网格", "HT04": "丽华苑网格", "HT05": "青龙花园网格"},
        "team": {"gov_affairs": "政务", "activities": "活动"},
    },
    "en": {
        "grid_id": {"HT01": "Jinxin Yuyuan", "HT02": "Xiangyi Zijun", "HT04": "Lihuayuan", "HT05": "Qinglong Garden"},
        "team": {"gov_affairs": "Government affairs", "activities": "Activities"},
    },
}


def test_picks_three_improvements_and_three_problems_in_order():
    improved, problems = summary.pick(RESULTS, load_catalogue())
    assert [(p.kpi_id, p.kind) for p in improved] == [
        ("online_rate", "improved"),
        ("immediate_rate", "improved"),
        ("on_time_rate", "improved"),
    ]
    assert [(p.kpi_id, p.kind) for p in problems] == [
        ("response_rate", "off_target"),
        ("bad_per_1000", "off_target"),
        ("satisfaction_rate", "worsened"),
    ]


def test_the_sentences_in_chinese():
    ups, downs = summary.summary(RESULTS, load_catalogue(), BREAKDOWNS, NAMES["zh"], "zh")
    assert ups == [
        "网办率（零跑动）44.0%，较上月提高4.0个百分点，其中政务组团最高（60.0%）。",
        "即办率60.0%，较上月提高1.0个百分点。",
        "按时办结率96.0%，较上月提高2.0个百分点。",
    ]
    assert downs == [
        "响应率50.0%，低于基线水平70.0%，其中丽华苑网格最低（30.0%）。",
        "千件差评数5.8 件/千件，高于基线水平4.7 件/千件，其中丽华苑网格最高（25.32 件/千件）。",
        "满意率93.0%，较上月下降2.0个百分点。",
    ]


def test_the_sentences_in_english():
    ups, downs = summary.summary(RESULTS, load_catalogue(), BREAKDOWNS, NAMES["en"], "en")
    assert ups == [
        "Digital take-up (no trip) 44.0%, up 4.0 pp on last month, highest in the Government affairs team (60.0%).",
        "Settled on the spot 60.0%, up 1.0 pp on last month.",
        "On-time completion 96.0%, up 2.0 pp on last month.",
    ]
    assert downs == [
        "Responded within 24 h 50.0%, below its baseline of 70.0%, lowest in Lihuayuan (30.0%).",
        "Bad ratings per 1,000 closed 5.8 per 1k, above its baseline of 4.7 per 1k, highest in "
        "Lihuayuan (25.32 per 1k).",
        "Satisfied on callback 93.0%, down 2.0 pp on last month.",
    ]


def test_no_group_on_fewer_than_30_observations_is_ever_named():
    only_small = {"grid_id": by([("HT05", 0.10, 29, 0.50, 0.25, 0.75)])}
    assert summary.standout(only_small, NAMES["zh"], "up", "bad") is None
    assert summary.standout({"grid_id": by([("HT05", 0.10, 30, 0.50, 0.25, 0.75)])}, NAMES["zh"], "up", "bad") == (
        "grid_id",
        "青龙花园网格",
        0.10,
    )


def test_a_month_with_nothing_to_say_says_nothing():
    flat = {"on_time_rate": result("on_time_rate", 0.95, 0.95, 0.95)}  # on target, no change
    assert summary.summary(flat, load_catalogue(), {}, NAMES["zh"], "zh") == ([], [])
