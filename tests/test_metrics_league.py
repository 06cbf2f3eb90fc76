"""The monthly street ranking on tiny inputs with hand-computed values: the weighted composite (and a missing
rate), competition ranking with ties on the rounded composite, small units neither ranked nor listed, the rank
change against the previous month, 红榜/黑榜, and the whole path from cases through the catalogue's KPIs."""

from datetime import date

import pandas as pd
import pytest
from metrics_tables import memory_warehouse

from jianfu.metrics import Filters, league

WEIGHTS = {"hotline_responded_rate": 30.0, "hotline_resolved_rate": 35.0, "hotline_satisfied_rate": 35.0}


def test_weights_come_from_the_setting(monkeypatch):
    assert league.weights() == WEIGHTS
    monkeypatch.setenv("JIANFU_LEAGUE_WEIGHTS", "20/40/40")
    assert list(league.weights().values()) == [20.0, 40.0, 40.0]
    monkeypatch.setenv("JIANFU_LEAGUE_WEIGHTS", "50/50")
    with pytest.raises(ValueError, match="three non-negative weights"):
        league.weights()


def test_composite_is_the_weighted_mean_in_percent_and_rescales_over_the_rates_a_unit_has():
    rates = {"hotline_responded_rate": 0.9, "hotline_resolved_rate": 0.8, "hotline_satisfied_rate": 0.7}
    # 0.3 × 90 + 0.35 × 80 + 0.35 × 70 = 27 + 28 + 24.5
    assert league.composite(rates, WEIGHTS) == pytest.approx(79.5)
    # no satisfaction recorded: (30 × 90 + 35 × 80) / 65 = 5500 / 65
    assert league.composite({**rates, "hotline_satisfied_rate": None}, WEIGHTS) == pytest.approx(84.6153846)
    assert league.composite(dict.fromkeys(rates), WEIGHTS) is None


def test_competition_ranking_on_the_composite_rounded_to_two_decimals():
    scores = {"甲": 90.004, "乙": 90.0, "丙": 85.006, "丁": 85.01, "戊": 70.0}
    # 90.004 and 90.0 both round to 90.00: rank 1 twice, then 3; 85.006 rounds to 85.01 like 丁: 3 and 3, then 5
    assert league.competition_ranks(scores) == {"甲": 1, "乙": 1, "丙": 3, "丁": 3, "戊": 5}


def _frames(units: dict[str, tuple[float, float, float, int]]) -> dict[str, pd.DataFrame]:
    """compute_by-shaped frames: unit → (响应率, 解决率, 满意率, n)."""
    frames = {}
    for i, kpi_id in enumerate(league.RATES):
        frames[kpi_id] = pd.DataFrame(
            [{"group": u, "value": v[i], "n": v[3], "suppressed": False} for u, v in units.items()]
        )
    return frames


def test_small_units_are_shown_but_neither_ranked_nor_listed_and_ranks_change_against_last_month():
    march = league.rank_units(
        _frames(
            {
                "A街道": (1.0, 0.8, 0.8, 40),  # 30 + 28 + 28 = 86
                "B街道": (1.0, 1.0, 0.6, 35),  # 30 + 35 + 21 = 86: tied with A
                "C街道": (0.5, 0.5, 0.5, 50),  # 50
                "D街道": (0.2, 0.2, 0.2, 31),  # 20
                "小街道": (1.0, 1.0, 1.0, 29),  # 100 but n = 29 < 30
            }
        ),
        WEIGHTS,
        below_n=30,
    )
    february = league.rank_units(
        _frames({"A街道": (0.5, 0.5, 0.5, 40), "B街道": (0.9, 0.9, 0.9, 35), "C街道": (1.0, 1.0, 1.0, 50)}),
        WEIGHTS,
        below_n=30,
    )
    result = league.build(march, february, size=3, level="street")
    table = result.table.set_index("unit")
    assert table["composite"].round(6).to_dict() == {
        "A街道": 86.0,
        "B街道": 86.0,
        "C街道": 50.0,
        "D街道": 20.0,
        "小街道": 100.0,
    }
    assert list(result.table["unit"]) == ["A街道", "B街道", "C街道", "D街道", "小街道"]
    assert table["rank"].tolist() == [1, 1, 3, 4, pd.NA]
    assert table["rankable"].tolist() == [True, True, True, True, False]
    # February: C 100 (1), B 90 (2), A 50 (3); D and 小 were not ranked then
    assert table["previous_rank"].tolist() == [3, 2, 1, pd.NA, pd.NA]
    assert table["rank_change"].tolist() == [2, 1, -2, pd.NA, pd.NA]
    # four ranked units: each list at most two; A and B tie at the top, D then C at the bottom
    assert (result.top, result.bottom) == (["A街道", "B街道"], ["D街道", "C街道"])
    assert table["list"].fillna("").tolist() == ["red", "red", "black", "black", ""]
    assert result.ranked == 4


def test_a_tie_at_the_edge_of_the_top_list_takes_both():
    table = league.rank_units(
        _frames(
            {u: (s, s, s, 100) for u, s in {"甲": 0.9, "乙": 0.8, "丙": 0.8, "丁": 0.5, "戊": 0.4, "己": 0.3}.items()}
        ),
        WEIGHTS,
        below_n=30,
    )
    top, bottom = league.red_and_black(table, size=2)
    # 甲 first, then the tie at rank 2 (乙 and 丙, in name order): three names in a list of two
    assert top == ["甲", "丙", "乙"]
    assert bottom == ["己", "戊"]


def test_a_unit_none_of_whose_cases_was_rated_has_no_bad_rating_rate_not_zero():
    frames = _frames({"甲": (0.9, 0.9, 0.9, 100), "乙": (0.8, 0.8, 0.8, 100)})
    # 甲: 2 bad of 400 closed, 40 rated; 乙: 0 bad of 300 closed, none rated (its street sends no 好差评)
    frames["bad_per_1000"] = pd.DataFrame(
        [
            {"group": "甲", "value": 5.0, "n": 400, "suppressed": False},
            {"group": "乙", "value": 0.0, "n": 300, "suppressed": False},
        ]
    )
    frames["rating_coverage"] = pd.DataFrame([{"group": "甲", "numerator": 40}, {"group": "乙", "numerator": 0}])
    table = league.rank_units(frames, WEIGHTS, below_n=30).set_index("unit")
    assert table.loc["甲", "bad_per_1000"] == 5.0
    assert pd.isna(table.loc["乙", "bad_per_1000"])  # shown as —
    assert table["rank"].tolist() == [1, 2]  # the 差评 rate is shown only: the ranks do not move


# ------------------------------------------------------------------ the whole path on a tiny warehouse

GRIDS = [
    {"grid_id": "G1", "name": "一网格", "community": "C1", "street": "S1", "district": "D1"},
    {"grid_id": "G2", "name": "二网格", "community": "C2", "street": "S2", "district": "D1"},
    {"grid_id": "G3", "name": "三网格", "community": "C3", "street": "S3", "district": "D1"},
    {"grid_id": "G5", "name": "五网格", "community": "C5", "street": "S5", "district": "D1"},
]


def orders(prefix, month, answers, grid=None, street=None):
    """Work orders received on the 10th of `month`, one per (responded, resolved, satisfaction)."""
    return [
        {
            "case_id": f"{prefix}-{month}-{i}",
            "received_at": f"2025-{month:02d}-10 09:00",
            "status": "received",
            "grid_id": grid,
            "street": street,
            "responded": responded,
            "resolved": resolved,
            "satisfaction": satisfaction,
        }
        for i, (responded, resolved, satisfaction) in enumerate(answers)
    ]


YES, NO = True, False
SAT, BASIC, DIS = "satisfied", "basically_satisfied", "dissatisfied"


@pytest.fixture
def tiny(monkeypatch):
    monkeypatch.setenv("JIANFU_SUPPRESS_BELOW_N", "1")
    monkeypatch.setenv("JIANFU_RANK_BELOW_N", "4")
    monkeypatch.setenv("JIANFU_LEAGUE_LIST_SIZE", "1")
    cases = [
        # March. S1: four orders in G1 and one that names only its street (a 12345 order without a grid):
        # responded 5/5, resolved 4/5, satisfied 4/5 (one basically) → 30 + 28 + 28 = 86
        *orders("s1", 3, [(YES, YES, SAT), (YES, YES, SAT), (YES, YES, BASIC), (YES, NO, DIS)], grid="G1"),
        *orders("s1x", 3, [(YES, YES, SAT)], street="S1"),
        # S2: 5/5, 5/5, 3/5 → 30 + 35 + 21 = 86, tied with S1
        *orders("s2", 3, [(YES, YES, SAT)] * 3 + [(YES, YES, DIS)] * 2, grid="G2"),
        # S3: 2/4 each → 50
        *orders("s3", 3, [(YES, YES, SAT)] * 2 + [(NO, NO, DIS)] * 2, grid="G3"),
        # S5: perfect but only 2 orders (< 4): shown, not ranked
        *orders("s5", 3, [(YES, YES, SAT)] * 2, grid="G5"),
        # February: S3 100 (rank 1), S2 responded and resolved all, satisfied none → 65 (2), S1 30 (3)
        *orders("s3", 2, [(YES, YES, SAT)] * 4, grid="G3"),
        *orders("s2", 2, [(YES, YES, DIS)] * 5, grid="G2"),
        *orders("s1", 2, [(YES, NO, DIS)] * 5, grid="G1"),
        # April: the data runs past March, so March is a complete month
        *orders("anchor", 4, [(YES, YES, SAT)], grid="G1"),
    ]
    return memory_warehouse(grids=GRIDS, cases=cases)


MARCH = Filters(date(2025, 3, 1), date(2025, 3, 31))


def test_the_street_ranking_from_the_catalogue_kpis(tiny):
    assert league.level_below(tiny, MARCH) == "street"  # one district: its streets are ranked
    result = league.league(tiny, MARCH)
    table = result.table.set_index("unit")
    assert list(result.table["unit"]) == ["S1", "S2", "S3", "S5"]
    assert table["n"].tolist() == [5, 5, 4, 2]
    assert table["hotline_resolved_rate"].tolist() == [0.8, 1.0, 0.5, 1.0]
    assert table["hotline_satisfied_rate"].tolist() == [0.8, 0.6, 0.5, 1.0]
    assert table["composite"].round(6).tolist() == [86.0, 86.0, 50.0, 100.0]
    assert table["rank"].tolist() == [1, 1, 3, pd.NA]
    assert table["rank_change"].tolist() == [2, 1, -2, pd.NA]
    assert (result.top, result.bottom) == (["S1", "S2"], ["S3"])


def test_a_chosen_street_ranks_what_lies_below_it(tiny):
    # S1 has one community (and one grid): nothing to compare
    assert league.level_below(tiny, Filters(MARCH.start, MARCH.end, streets=("S1",))) is None
    assert league.league(tiny, Filters(MARCH.start, MARCH.end, streets=("S1",))) is None
    # a district chosen: its streets
    assert league.level_below(tiny, Filters(MARCH.start, MARCH.end, districts=("D1",))) == "street"
    communities = league.league(tiny, MARCH, level="community")
    # the order naming only its street has no community: it is in S1's row above, in no community's here
    assert communities.table.set_index("unit")["n"].to_dict() == {"C1": 4, "C2": 5, "C3": 4, "C5": 2}
