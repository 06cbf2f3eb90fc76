"""Trends, breakdowns and the composite: an XmR series with a hand-computed limit, a funnel breakdown by grid,
and composite scores by pillar."""

import math
from datetime import date, datetime, timedelta

import pytest
from metrics_tables import memory_warehouse
from scipy import stats as scipy_stats

from jianfu.metrics import (
    FilterError,
    Filters,
    KpiResult,
    comparison_composite,
    composite_scores,
    compute_by,
    kpi_series,
    load_catalogue,
)


def monthly_cases(counts: list[int], first=date(2024, 1, 1)) -> list[dict]:
    rows = []
    for month, count in enumerate(counts):
        start = datetime(first.year + (first.month - 1 + month) // 12, (first.month - 1 + month) % 12 + 1, 1, 9)
        rows += [
            {"case_id": f"m{month}-{i}", "received_at": start + timedelta(hours=i), "status": "received"}
            for i in range(count)
        ]
    return rows


def test_series_has_xmr_limits_and_flags_a_point_outside_them():
    con = memory_warehouse(cases=monthly_cases([10, 12, 11, 13, 12, 30, 1]))  # the 7th month is partial
    series = kpi_series(con, "case_volume", Filters(date(2024, 7, 1), date(2024, 7, 31)), periods=7)
    assert list(series["value"]) == [10, 12, 11, 13, 12, 30, 1]
    assert list(series["partial"]) == [False] * 6 + [True]  # the data ends on 1 July
    mean, moving_range = 88 / 6, 24 / 5  # the partial month is left out of the limits
    assert series["mean"].iloc[0] == pytest.approx(mean)
    assert series["ucl"].iloc[0] == pytest.approx(mean + 2.66 * moving_range)
    assert series["lcl"].iloc[0] == pytest.approx(mean - 2.66 * moving_range)
    assert list(series["signal_rule"]) == ["", "", "", "", "", "outside_limits", ""]
    assert list(series["signal"]) == [False] * 5 + [True, False]


def on_time_cases(grid, total, on_time):
    return [
        {
            "case_id": f"{grid}-{i}",
            "grid_id": grid,
            "received_at": f"2025-01-{i % 28 + 1:02d} 09:00",
            "due_at": f"2025-01-{i % 28 + 1:02d} 17:00",
            "status": "closed",
            "closed_at": f"2025-01-{i % 28 + 1:02d} {'12:00' if i < on_time else '20:00'}",
        }
        for i in range(total)
    ]


def test_breakdown_by_grid_has_funnel_limits_around_the_overall_rate():
    con = memory_warehouse(
        cases=on_time_cases("g1", 40, 40)
        + on_time_cases("g2", 40, 20)
        + on_time_cases("g3", 5, 5)
        + [{"case_id": "later", "received_at": "2025-02-20 09:00", "status": "received"}]
    )
    frame = compute_by(con, "on_time_rate", Filters(date(2025, 1, 1), date(2025, 1, 31)), "grid_id")
    assert list(frame["group"]) == ["g1", "g2", "g3"]
    p0 = 65 / 85
    z = scipy_stats.norm.ppf(0.999)
    half = z * math.sqrt(p0 * (1 - p0) / 40)
    g1, g2, g3 = (frame.iloc[i] for i in range(3))
    assert (g1["value"], g2["value"]) == (1.0, 0.5)
    assert g1["funnel_centre"] == pytest.approx(p0)
    assert (g2["lo998"], g2["hi998"]) == (pytest.approx(p0 - half), pytest.approx(p0 + half))
    assert bool(g1["outside_998"]) and bool(g2["outside_998"])
    assert g3["value"] is None or math.isnan(g3["value"])  # n = 5: hidden, never flagged
    assert bool(g3["suppressed"]) and not bool(g3["outside_95"])
    with pytest.raises(FilterError, match="unknown grid 'g9'"):
        compute_by(con, "on_time_rate", Filters(date(2025, 1, 1), date(2025, 1, 31), grids=("g9",)), "team")
    with pytest.raises(ValueError, match="cannot be split by 'team'"):
        compute_by(con, "satisfaction_index", Filters(date(2025, 1, 1), date(2025, 1, 31)), "team")


def test_composite_is_the_mean_of_pillar_means_over_rankable_scored_kpis():
    cat = load_catalogue()
    results = {
        "on_time_rate": KpiResult("on_time_rate", score=1.2, reference=0.8, previous=0.88),
        "cycle_time": KpiResult("cycle_time", score=0.8, reference=2.0, previous=4.0),
        "response_rate": KpiResult("response_rate", score=0.9),
        "reopen_rate": KpiResult("reopen_rate", score=0.5, flags=frozenset({"not_rankable"})),
        "burden_hours": KpiResult("burden_hours", score=1.25),
        "case_volume": KpiResult("case_volume", score=None),
    }
    composite = composite_scores(results, cat)
    assert composite["pillars"] == {
        "gov": pytest.approx(1.0),
        "resident": pytest.approx(0.9),
        "micro": None,
        "record_keeping": pytest.approx(1.25),
    }
    assert composite["overall"] == pytest.approx((1.0 + 0.9 + 1.25) / 3)
    assert composite["top"] == ["burden_hours", "on_time_rate", "response_rate", "cycle_time"]
    assert composite["bottom"] == ["cycle_time", "response_rate", "on_time_rate", "burden_hours"]
    assert composite["n"] == 4
    # last month's values against the same references: on time 0.88/0.8 = 1.1, cycle time 2/4 = 0.5
    # scored on two KPIs only: not enough for a composite (below MIN_SCORED_KPIS)
    previous = comparison_composite(results, cat, "previous")
    assert previous["n"] == 2 and previous["enough"] is False
    assert previous["overall"] is None and previous["pillars"]["gov"] is None


def test_a_kpis_step_at_restarts_its_control_limits(tmp_path):
    from jianfu.metrics.catalogue import CATALOGUE_FILE

    text = CATALOGUE_FILE.read_text(encoding="utf-8")
    anchor = 'id = "case_volume"\n'
    stepped = tmp_path / "catalogue.toml"
    stepped.write_text(text.replace(anchor, anchor + "step_at = 2024-09-01\n", 1), encoding="utf-8")
    cat = load_catalogue(stepped)
    assert cat["case_volume"].step_at == (date(2024, 9, 1),)
    # Jan–Aug 2024 around 11, Sep 2024–Apr 2025 around 21, and a partial May 2025 (the data ends on its 1st)
    con = memory_warehouse(cases=monthly_cases([10, 12] * 4 + [20, 22] * 4 + [1]))
    window = Filters(date(2025, 5, 1), date(2025, 5, 31))
    plain = kpi_series(con, "case_volume", window, periods=17)
    assert list(plain["signal_rule"]) == ["run_of_7"] * 16 + [""]  # one set of limits: the step reads as signals
    series = kpi_series(con, "case_volume", window, periods=17, catalogue=cat)
    assert list(series["mean"].round(6)) == [11.0] * 8 + [21.0] * 9
    assert list(series["ucl"].round(6)) == [16.32] * 8 + [26.32] * 9
    assert list(series["lcl"].round(6)) == [5.68] * 8 + [15.68] * 9
    assert list(series["signal_rule"]) == [""] * 17
