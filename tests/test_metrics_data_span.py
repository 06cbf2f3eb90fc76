"""An export whose data end years before today (issue 10): the default period is the data's last complete month
(for the engine and `jianfu kpis`), a count of 0 is shown as 0, and a composite that rests on too few KPIs or
on a baseline outside the data says "not enough to score" instead of a number."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from metrics_tables import insert, memory_warehouse

from jianfu import warehouse
from jianfu.metrics import Filters, KpiResult, composite_scores, compute_kpis, data_window, load_catalogue
from jianfu.metrics.commands import kpis as kpis_command
from jianfu.metrics.estimates import Estimate, suppression_flags


def export_2019() -> list[dict]:
    """Cases received 2019-01 … 2019-12 (12 a month, one each 2nd of the month at 09:00+i hours), each closed
    the next day, except one December case closed in 2022 (as in Boston 311, where closings run three years
    past the last receipt). Data as of 2022; activity (receipts) through 2019-12-31."""
    rows = []
    for month in range(1, 13):
        for i in range(12):
            received = f"2019-{month:02d}-{2 + i:02d} 09:00"
            closed = f"2019-{month:02d}-{3 + i:02d} 10:00"
            rows.append(
                {
                    "case_id": f"c{month}-{i}",
                    "received_at": received,
                    "closed_at": closed,
                    "due_at": f"2019-{month:02d}-{4 + i:02d} 17:30",
                    "status": "closed",
                }
            )
    rows.append(
        {
            "case_id": "late_close",
            "received_at": "2019-12-31 16:00",
            "closed_at": "2022-09-15 11:43",
            "due_at": "2020-01-10 17:30",
            "status": "closed",
        }
    )
    return rows


@pytest.fixture
def warehouse_2019():
    with warehouse.write() as con:
        insert(con, "cases", export_2019())
    yield
    warehouse.close_read_connections()


def test_presets_count_back_from_the_data_not_from_today_and_never_before_it():
    # data running to 31 Dec 2019, looked at in 2026: December 2019
    assert data_window("last_month", date(2019, 12, 31), date(2019, 1, 1), today=date(2026, 12, 2)) == (
        date(2019, 12, 1),
        date(2019, 12, 31),
    )
    assert data_window("last_month", date(2019, 12, 15)) == (date(2019, 11, 1), date(2019, 11, 30))
    assert data_window("this_month_to_date", date(2019, 12, 15)) == (date(2019, 12, 1), date(2019, 12, 15))
    # less than a month of data: the month it ends in, not an empty month before it
    assert data_window("last_month", date(2019, 12, 20), date(2019, 12, 3)) == (date(2019, 12, 1), date(2019, 12, 20))
    # a timestamp in the future is capped at today
    assert data_window("last_month", date(2031, 5, 5), today=date(2026, 12, 2)) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
    )


def test_the_cli_default_period_is_the_last_complete_month_of_the_data(warehouse_2019):
    result = CliRunner().invoke(kpis_command, ["--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["window"] == {"start": "2019-12-01", "end": "2019-12-31", "period": "last_month", "partial": False}
    assert report["data_as_of"] == "2022-09-15T11:43:00"
    volume = next(k for k in report["kpis"] if k["id"] == "case_volume")
    assert (volume["value"], volume["flags"]) == (13, ["no_target"])
    # the named preset counts from the data too
    result = CliRunner().invoke(kpis_command, ["--format", "json", "--period", "last_quarter"])
    assert json.loads(result.output)["window"]["start"] == "2019-10-01"


def test_a_count_of_zero_is_zero_and_only_rates_and_means_are_hidden_for_small_n(monkeypatch):
    monkeypatch.setenv("JIANFU_SUPPRESS_BELOW_N", "10")
    assert suppression_flags("stock", Estimate(value=0.0, n=0)) == set()
    assert suppression_flags("count", Estimate(value=0, n=0)) == set()
    assert suppression_flags("count", Estimate(value=3, n=3)) == set()
    assert suppression_flags("proportion", Estimate(value=0.5, n=4, effective_n=4)) == {"suppressed", "not_rankable"}
    assert suppression_flags("median", Estimate(value=2.0, n=9)) == {"suppressed", "not_rankable"}
    # outside the data's span a 0 only means "no data"
    assert suppression_flags("stock", Estimate(value=0.0, n=0), within_data=False) == {"suppressed", "not_rankable"}


def test_a_backlog_of_zero_shows_zero_in_the_engine():
    con = memory_warehouse(cases=export_2019())
    december = compute_kpis(
        con,
        Filters(date(2019, 11, 1), date(2019, 11, 30)),
        ids=["backlog", "backlog_past_due", "case_volume", "on_time_rate"],
    )
    assert (december["backlog"].value, december["backlog_past_due"].value) == (0, 0)
    assert "suppressed" not in december["backlog"].flags
    assert december["case_volume"].value == 12
    # a window long before the data: no count is claimed
    before = compute_kpis(con, Filters(date(2010, 1, 1), date(2010, 1, 31)), ids=["backlog", "case_volume"])
    assert before["backlog"].value is None and "suppressed" in before["backlog"].flags
    assert before["case_volume"].value is None


def _scored(scores: dict[str, float], flags=frozenset()) -> dict[str, KpiResult]:
    return {
        kpi_id: KpiResult(kpi_id, value=1.0, n=100, score=score, flags=frozenset(flags))
        for kpi_id, score in scores.items()
    }


def test_the_composite_needs_three_scored_kpis():
    cat = load_catalogue()
    two = composite_scores(_scored({"bad_rectified_on_time": 1.0, "bad_callback_rate": 0.9}), cat)
    assert (two["overall"], two["enough"], two["n"]) == (None, False, 2)
    assert two["pillars"] == {"gov": None, "resident": None, "micro": None, "record_keeping": None}
    # gov: on_time 0.8 and bad_rectified 1.0 → 0.9; resident: response_rate 1.2 → overall (0.9 + 1.2) / 2
    three = composite_scores(_scored({"on_time_rate": 0.8, "bad_rectified_on_time": 1.0, "response_rate": 1.2}), cat)
    assert three["enough"] is True and three["overall"] == pytest.approx(1.05)
    assert three["pillars"]["gov"] == pytest.approx(0.9)


def test_a_baseline_outside_the_data_is_not_enough_to_score():
    cat = load_catalogue()
    results = _scored({"on_time_rate": 0.8, "bad_rectified_on_time": 1.0, "response_rate": 1.2})
    results["cycle_time"] = KpiResult("cycle_time", value=2.0, n=100, flags=frozenset({"no_baseline_data"}))
    assert composite_scores(results, cat)["overall"] is None


def test_an_export_before_the_baseline_year_gets_no_composite(warehouse_2019):
    result = CliRunner().invoke(kpis_command, ["--format", "json"])
    report = json.loads(result.output)
    assert report["composite"]["overall"] is None and report["composite"]["enough"] is False
    kpis = {k["id"]: k for k in report["kpis"]}
    assert "not_enough_to_score" in kpis["city_score"]["flags"] and kpis["city_score"]["value"] is None
    # on-time is scored against the 2024 baseline, which the 2019 export does not reach
    assert "no_baseline_data" in kpis["on_time_rate"]["flags"] and kpis["on_time_rate"]["score"] is None
