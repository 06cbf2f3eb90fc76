"""Rating and survey KPIs on tiny tables with hand-computed values: 好差评 shares, bad-rating handling with
deadlines judged at the window's end, callbacks, rating coverage, the weighted satisfaction index with its
effective n, top-2-box and the key-driver analysis."""

import math
from datetime import date

import numpy as np
import pytest
from metrics_tables import insert, memory_warehouse
from scipy import stats as scipy_stats

from jianfu.metrics import Filters, compute_kpis

JANUARY = Filters(date(2025, 1, 1), date(2025, 1, 31))


@pytest.fixture(autouse=True)
def small_n(monkeypatch):
    monkeypatch.setenv("JIANFU_SUPPRESS_BELOW_N", "1")
    monkeypatch.setenv("JIANFU_RANK_BELOW_N", "1")


def rating(eval_id, rated_at, value, source="window", case_id=None, **extra):
    return {"eval_id": eval_id, "rated_at": rated_at, "rating": value, "source": source, "case_id": case_id, **extra}


@pytest.fixture
def ratings_warehouse():
    cases = [
        {
            "case_id": "a",
            "received_at": "2025-01-02 09:00",
            "closed_at": "2025-01-03 09:00",
            "status": "closed",
            "grid_id": "g1",
        },
        {
            "case_id": "b",
            "received_at": "2025-01-04 09:00",
            "closed_at": "2025-01-05 09:00",
            "status": "closed",
            "grid_id": "g2",
        },
        {
            "case_id": "c",
            "received_at": "2025-01-06 09:00",
            "closed_at": "2025-01-07 09:00",
            "status": "closed",
            "grid_id": "g2",
        },
        {"case_id": "d", "received_at": "2025-01-08 09:00", "status": "in_progress", "grid_id": "g1"},
        {"case_id": "anchor", "received_at": "2025-02-15 09:00", "status": "received"},
    ]
    evaluations = [
        rating("e1", "2025-01-03 12:00", 5, case_id="a"),
        rating("e2", "2025-01-05 12:00", 4, source="online"),
        rating(
            "e3",
            "2025-01-06 12:00",
            2,
            source="sms",
            verified=True,
            rectify_due_at="2025-01-20 17:30",
            rectified_at="2025-01-18 10:00",
            realname=True,
            callback_at="2025-01-19 10:00",
        ),
        rating(
            "e4",
            "2025-01-06 12:00",
            1,
            case_id="b",
            verified=True,
            rectify_due_at="2025-01-25 17:30",
            rectified_at="2025-01-28 10:00",
            realname=True,
        ),
        rating(
            "e5", "2025-01-09 12:00", 1, case_id="d", verified=True, rectify_due_at="2025-01-30 17:30", realname=False
        ),
        rating(
            "e6",
            "2025-01-30 12:00",
            2,
            verified=True,
            rectify_due_at="2025-02-10 17:30",
            realname=True,
            callback_at="2025-02-05 10:00",
        ),
        rating("e7", "2025-01-12 12:00", 2, verified=False),
        rating("e8", "2025-01-13 12:00", 5, source="hotline_callback", resolved_answer="resolved"),
        rating("e9", "2025-01-14 12:00", 3, source="grid_callback", resolved_answer="unresolved"),
        rating("e10", "2025-01-15 12:00", 4, source="grid_callback"),
        rating("outside", "2025-02-03 12:00", 5),
    ]
    return memory_warehouse(cases=cases, evaluations=evaluations)


def parts(result):
    return result.numerator, result.denominator


def test_good_ratings_bad_rating_handling_and_callbacks(ratings_warehouse):
    r = compute_kpis(ratings_warehouse, JANUARY)
    assert parts(r["good_rating_rate"]) == (2, 7)  # 好差评 e1–e7: ratings ≥ 3 are e1, e2
    assert parts(r["top_box_rate"]) == (1, 7)
    # verified bad ratings with a deadline: e3 on time, e4 fixed late, e5 past due unfixed; e6 not yet due
    assert parts(r["bad_rectified_on_time"]) == (1, 3)
    # real-name bad ratings e3, e4, e6: only e3 was called back by the end of January
    assert parts(r["bad_callback_rate"]) == (1, 3)
    assert parts(r["resolution_rate"]) == (1, 2)  # e8 resolved, e9 not; e10 gave no answer
    assert parts(r["satisfaction_rate"]) == (2, 3)  # e8 (5) and e10 (4) of e8–e10
    assert r["satisfaction_rate"].detail == {"rated_3_or_more": 3}
    # closed cases a, b, c: a and b rated, b badly (d is open)
    assert parts(r["rating_coverage"]) == (2, 3)
    assert r["bad_per_1000"].value == pytest.approx(1000 / 3)
    # 2024 holds no data here, so no baseline: only the two policy-target KPIs (100%) are scored, 1/3 each
    assert r["bad_rectified_on_time"].score == pytest.approx(1 / 3) and r["good_rating_rate"].score is None
    # two scored KPIs and a baseline year outside the data: not enough to score, not a composite of 0.33
    city = r["city_score"]
    assert city.value is None and city.detail["n"] == 2 and "not_enough_to_score" in city.flags
    assert city.detail["pillars"] == {"gov": None, "resident": None, "micro": None, "record_keeping": None}


def test_rating_kpis_filter_through_the_rated_case(ratings_warehouse):
    r = compute_kpis(ratings_warehouse, Filters(date(2025, 1, 1), date(2025, 1, 31), grids=("g2",)))
    assert parts(r["good_rating_rate"]) == (0, 1)  # only e4 belongs to a g2 case
    assert parts(r["rating_coverage"]) == (1, 2)


def survey_tables(con, answers):
    insert(
        con,
        "survey_items",
        [
            {"item": "overall", "scale_min": 1, "scale_max": 5, "is_overall": True},
            {"item": "clean", "dimension": "环境卫生", "scale_min": 1, "scale_max": 5, "is_overall": False},
            {"item": "safe", "dimension": "治安", "scale_min": 1, "scale_max": 5, "is_overall": False},
        ],
    )
    insert(
        con,
        "survey_responses",
        [
            {"response_id": rid, "wave": "2025Q1", "responded_at": at, "weight": w, "grid_id": "g1"}
            for rid, at, w in answers["responses"]
        ],
    )
    insert(con, "survey_answers", answers["answers"])


def test_satisfaction_index_is_weighted_with_effective_n_and_top2_box():
    con = memory_warehouse(cases=[{"case_id": "anchor", "received_at": "2025-02-15 09:00", "status": "received"}])
    survey_tables(
        con,
        {
            "responses": [
                ("r1", "2025-01-05 10:00", 1.0),
                ("r2", "2025-01-06 10:00", 1.0),
                ("r3", "2025-01-07 10:00", 2.0),
                ("r4", "2025-01-08 10:00", 0.5),
                ("late", "2025-02-02 10:00", 1.0),
            ],
            "answers": [
                {"response_id": "r1", "item": "overall", "score": 5},
                {"response_id": "r2", "item": "overall", "score": 4},
                {"response_id": "r3", "item": "overall", "score": 2},
                {"response_id": "r4", "item": "overall", "score": None},
                {"response_id": "late", "item": "overall", "score": 1},
            ],
        },
    )
    r = compute_kpis(con, JANUARY, ids=["satisfaction_index", "top2_box"])
    index = r["satisfaction_index"]
    # 0–100 scores 100, 75, 25 with weights 1, 1, 2 (r4 did not answer: NULL, not 0)
    assert index.value == pytest.approx(225 / 4)
    assert index.n == 3 and index.effective_n == pytest.approx(16 / 6)
    n_eff = 16 / 6
    sd = math.sqrt((16875 / 4 - (225 / 4) ** 2) * n_eff / (n_eff - 1))
    half = scipy_stats.t.ppf(0.975, n_eff - 1) * sd / math.sqrt(n_eff)
    assert (index.ci_low, index.ci_high) == (pytest.approx(225 / 4 - half), pytest.approx(225 / 4 + half))
    assert r["top2_box"].value == pytest.approx(0.5)  # r1, r2 (weight 2 of 4)


def test_driver_importance_finds_the_dimension_that_moves_overall_satisfaction():
    rng = np.random.default_rng(7)
    n = 300
    clean, safe = rng.normal(3, 0.8, n), rng.normal(3, 0.8, n)
    overall = np.clip(0.8 * clean + 0.2 * safe + rng.normal(0, 0.3, n), 1, 5)
    clean, safe = np.clip(clean, 1, 5), np.clip(safe, 1, 5)
    con = memory_warehouse(cases=[{"case_id": "anchor", "received_at": "2025-02-15 09:00", "status": "received"}])
    answers = []
    for i in range(n):
        answers += [
            {"response_id": f"r{i}", "item": "overall", "score": float(overall[i])},
            {"response_id": f"r{i}", "item": "clean", "score": float(clean[i])},
            {"response_id": f"r{i}", "item": "safe", "score": float(safe[i])},
        ]
    survey_tables(con, {"responses": [(f"r{i}", "2025-01-10 10:00", 1.0) for i in range(n)], "answers": answers})
    result = compute_kpis(con, JANUARY, ids=["driver_importance"])["driver_importance"]
    x = np.column_stack([np.ones(n), (clean - 1) * 25, (safe - 1) * 25])
    y = (overall - 1) * 25
    residual = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    r_squared = 1 - residual @ residual / ((y - y.mean()) @ (y - y.mean()))
    assert result.value == pytest.approx(r_squared)  # relative weights add up to the model's R²
    table = result.detail["dimensions"]
    assert [row["dimension"] for row in table] == ["环境卫生", "治安"]
    assert table[0]["importance"] > 0.8
    assert sum(row["importance"] for row in table) == pytest.approx(1.0)
    assert table[0]["performance"] == pytest.approx(((clean - 1) * 25).mean())
