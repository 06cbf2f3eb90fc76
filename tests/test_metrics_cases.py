"""Case KPIs on tiny tables with hand-computed values: on-time with open past-due cases, all cases open,
n = 9 vs 10, month boundaries at 23:59/00:01, 调休 deadlines and working-day cycle times, and the
comparisons (previous month over 29 Feb, last year of 29 Feb, a partial month compared to date)."""

from datetime import date

import pytest
from metrics_tables import memory_warehouse
from statsmodels.stats.proportion import proportion_confint

from jianfu.metrics import Filters, compute_kpis, kpi_series

JANUARY = Filters(date(2025, 1, 1), date(2025, 1, 31))
# A case after the window, so the data reaches past January and January is a complete period.
ANCHOR = {"case_id": "anchor", "received_at": "2025-02-15 10:00", "status": "received"}


@pytest.fixture
def small_n(monkeypatch):
    """Show values from n = 1 so tiny tables can be checked by hand (the thresholds get their own test)."""
    monkeypatch.setenv("JIANFU_SUPPRESS_BELOW_N", "1")
    monkeypatch.setenv("JIANFU_RANK_BELOW_N", "1")


def case(case_id, received, closed=None, due=None, status=None, **extra):
    return {
        "case_id": case_id,
        "received_at": received,
        "closed_at": closed,
        "due_at": due,
        "status": status or ("closed" if closed else "in_progress"),
        "center": "service_center",
        **extra,
    }


def test_on_time_counts_open_past_due_as_late_and_leaves_out_cases_not_yet_due(small_n):
    con = memory_warehouse(
        cases=[
            case("on_time", "2025-01-02 09:00", closed="2025-01-03 10:00", due="2025-01-06 17:30"),
            case("closed_late", "2025-01-06 09:00", closed="2025-01-09 10:00", due="2025-01-08 17:30"),
            case("open_past_due", "2025-01-10 09:00", due="2025-01-15 17:30"),
            case("open_not_due", "2025-01-29 09:00", due="2025-02-05 17:30"),
            # closed after the window, late: at the end of January it was open and past due
            case("late_after_window", "2025-01-20 09:00", closed="2025-02-03 09:00", due="2025-01-24 17:30"),
            # closed after the window, on time: at the end of January it was not yet due
            case("due_after_window", "2025-01-21 09:00", closed="2025-02-02 09:00", due="2025-02-03 17:30"),
            case("no_due_date", "2025-01-15 09:00", closed="2025-01-16 09:00"),
            case("cancelled", "2025-01-12 09:00", due="2025-01-13 17:30", status="cancelled"),
            # closed, but its closing time was set aside at import (before its receipt, as in 10 Boston rows):
            # when it closed is unknown, so it is neither on time nor late (the data-quality check counts it)
            case("closing_time_set_aside", "2025-01-11 09:00", due="2025-01-14 17:30", status="closed"),
            ANCHOR,
        ]
    )
    r = compute_kpis(con, JANUARY, ids=["on_time_rate", "case_volume"])
    on_time = r["on_time_rate"]
    assert (on_time.numerator, on_time.denominator, on_time.n, on_time.value) == (1, 4, 4, 0.25)
    low, high = proportion_confint(1, 4, method="wilson")
    assert on_time.ci_low == pytest.approx(low) and on_time.ci_high == pytest.approx(high)
    assert r["case_volume"].value == 9  # every case received in January, the cancelled one included
    assert "partial_period" not in on_time.flags and "no_target" in on_time.flags


def test_all_cases_open(small_n):
    con = memory_warehouse(
        cases=[
            case("a", "2025-01-03 09:00", due="2025-01-10 17:30"),
            case("b", "2025-01-08 09:00", due="2025-01-20 17:30"),
            case("c", "2025-01-20 09:00", due="2025-01-28 17:30"),
            case("d", "2025-01-27 09:00", due="2025-02-07 17:30"),
            ANCHOR,
        ]
    )
    r = compute_kpis(con, JANUARY, ids=["on_time_rate", "cycle_time", "backlog", "backlog_past_due"])
    assert (r["on_time_rate"].value, r["on_time_rate"].denominator) == (0.0, 3)
    assert r["cycle_time"].value is None and r["cycle_time"].n == 0 and "suppressed" in r["cycle_time"].flags
    assert "missing_input" not in r["cycle_time"].flags  # nothing closed yet is not missing data
    assert (r["backlog"].value, r["backlog_past_due"].value) == (4, 3)


def test_nine_observations_are_suppressed_and_ten_are_shown_but_not_ranked():
    nine = [
        case(
            f"c{i}", f"2025-01-{i + 2:02d} 09:00", closed=f"2025-01-{i + 2:02d} 15:00", due=f"2025-01-{i + 3:02d} 17:30"
        )
        for i in range(9)
    ]
    r9 = compute_kpis(memory_warehouse(cases=nine + [ANCHOR]), JANUARY, ids=["on_time_rate"])["on_time_rate"]
    assert (r9.value, r9.ci_low, r9.n, r9.numerator) == (None, None, 9, 9)
    assert {"suppressed", "not_rankable"} <= r9.flags
    ten = nine + [case("c9", "2025-01-20 09:00", closed="2025-01-20 15:00", due="2025-01-21 17:30")]
    r10 = compute_kpis(memory_warehouse(cases=ten + [ANCHOR]), JANUARY, ids=["on_time_rate"])["on_time_rate"]
    assert (r10.value, r10.n) == (1.0, 10)
    assert "suppressed" not in r10.flags and "not_rankable" in r10.flags


def test_a_case_at_23_59_and_one_at_00_01_fall_in_different_months(small_n):
    con = memory_warehouse(
        cases=[
            case("last_minute", "2025-01-31 23:59"),
            case("first_minute", "2025-02-01 00:01"),
            case("later", "2025-03-05 10:00"),
        ]
    )
    assert compute_kpis(con, JANUARY, ids=["case_volume"])["case_volume"].value == 1
    series = kpi_series(con, "case_volume", Filters(date(2025, 2, 1), date(2025, 2, 28)), periods=2)
    assert list(series["period_start"]) == [date(2025, 1, 1), date(2025, 2, 1)]
    assert list(series["value"]) == [1, 1]


def test_cycle_time_in_working_days_across_tiaoxiu_and_a_deadline_on_a_make_up_saturday(small_n):
    february = Filters(date(2025, 1, 27), date(2025, 2, 28))
    con = memory_warehouse(
        cases=[
            # received Friday 7 Feb, one working day promised: due Saturday 8 Feb (a 调休 working day), closed
            # that Saturday → on time, 1 working day
            case("saturday", "2025-02-07 10:00", closed="2025-02-08 11:00", due="2025-02-08 23:59:59"),
            # Friday → Monday: the make-up Saturday counts, so 2 working days (3 calendar days)
            case("monday", "2025-02-07 16:00", closed="2025-02-10 16:00", due="2025-02-08 23:59:59"),
            # Monday 27 Jan → Wednesday 5 Feb across Spring Festival (28 Jan–4 Feb off): 1 working day, 9 days
            case("festival", "2025-01-27 09:00", closed="2025-02-05 09:00", due="2025-02-06 23:59:59"),
            case("later", "2025-03-05 10:00"),
        ]
    )
    r = compute_kpis(con, february, ids=["on_time_rate", "cycle_time", "cycle_time_p90", "cycle_time_calendar"])
    assert (r["on_time_rate"].numerator, r["on_time_rate"].denominator) == (2, 3)  # "monday" missed Saturday
    assert r["cycle_time"].value == 1.0  # working days [1, 2, 1]
    assert r["cycle_time_p90"].value == pytest.approx(1.8)  # linear interpolation over [1, 1, 2]
    assert r["cycle_time_calendar"].value == 3.0  # calendar days [1 + 1/24, 3, 9]


def test_previous_of_march_is_february_with_its_29th_and_last_year_of_29_february_is_28_february(small_n):
    con = memory_warehouse(
        cases=[
            case("2023-02-28", "2023-02-28 10:00"),
            case("2024-01-31", "2024-01-31 10:00"),
            case("2024-02-29", "2024-02-29 10:00"),
            case("2024-03-01", "2024-03-01 00:00"),
            case("2024-03-31", "2024-03-31 23:59"),
            case("2024-04-01", "2024-04-01 00:00"),
            case("2025-03-01", "2025-03-01 12:00"),
            case("2025-04-10", "2025-04-10 12:00"),
        ]
    )
    march = compute_kpis(con, Filters(date(2024, 3, 1), date(2024, 3, 31)), ids=["case_volume"])["case_volume"]
    assert (march.value, march.previous) == (2, 1)  # previous = 1–29 Feb 2024: only the 29th
    leap_day = compute_kpis(con, Filters(date(2024, 2, 29), date(2024, 2, 29)), ids=["case_volume"])["case_volume"]
    # 28 Feb 2024 had no case: a count of 0 inside the data's span is a true zero
    assert (leap_day.value, leap_day.previous, leap_day.last_year) == (1, 0, 1)
    next_march = compute_kpis(con, Filters(date(2025, 3, 1), date(2025, 3, 31)), ids=["case_volume"])["case_volume"]
    assert next_march.last_year == 2


def test_a_partial_month_is_compared_to_date_and_never_counts_cases_not_yet_due_as_late(small_n):
    con = memory_warehouse(
        cases=[
            case("feb05", "2025-02-05 10:00"),
            case("feb14", "2025-02-14 10:00"),
            case("feb20", "2025-02-20 10:00"),
            case("mar02", "2025-03-02 10:00", closed="2025-03-03 10:00", due="2025-03-04 17:30"),
            case("mar10", "2025-03-10 10:00", due="2025-03-20 17:30"),  # open, due after the data ends
            case("mar16", "2025-03-16 12:00"),  # the last event: the data runs to 16 March 12:00
            case("lastyear", "2024-03-05 10:00"),
        ]
    )
    r = compute_kpis(con, Filters(date(2025, 3, 1), date(2025, 3, 31)), ids=["case_volume", "on_time_rate"])
    volume = r["case_volume"]
    assert "partial_period" in volume.flags
    assert volume.value == 3
    assert (volume.to_date["current"], volume.to_date["previous"]) == (3, 2)  # 1–16 Mar vs 1–16 Feb
    assert (volume.to_date["current_start"], volume.to_date["current_end"]) == (date(2025, 3, 1), date(2025, 3, 16))
    assert volume.previous == 2  # the 16 days before 1–16 Mar: 13–28 Feb (14th and 20th)
    assert volume.last_year == 1  # 1–16 Mar 2024
    assert (r["on_time_rate"].numerator, r["on_time_rate"].denominator) == (1, 1)  # mar10 is not late yet


def test_service_line_kpis_over_closed_cases(small_n):
    con = memory_warehouse(
        cases=[
            case(
                "a",
                "2025-01-02 09:00",
                closed="2025-01-02 09:30",
                immediate=True,
                visits=0,
                channel="online",
                materials_required=4,
                materials_reused=2,
                accepted_at="2025-01-02 09:10",
                handed_off_at="2025-01-02 11:10",
            ),
            case(
                "b",
                "2025-01-03 09:00",
                closed="2025-01-06 10:00",
                immediate=False,
                visits=1,
                channel="window",
                materials_required=2,
                materials_reused=0,
                accepted_at="2025-01-03 09:00",
                handed_off_at="2025-01-03 15:00",
            ),
            case(
                "c",
                "2025-01-04 09:00",
                closed="2025-01-08 10:00",
                visits=2,
                channel="mobile",
                materials_required=3,
                accepted_at="2025-01-04 09:00",
            ),
            case("d", "2025-01-05 09:00", closed="2025-01-07 10:00", channel="mobile", materials_required=0),
            case("open", "2025-01-06 09:00", immediate=True, visits=0, channel="online"),
            case("returned", "2025-01-07 09:00", status="returned"),
            case("cancelled", "2025-01-08 09:00", status="cancelled"),
            ANCHOR,
        ]
    )
    r = compute_kpis(
        con,
        JANUARY,
        ids=["handoff_time", "immediate_rate", "one_visit_rate", "online_rate", "materials_reuse", "return_rate"],
    )
    assert r["handoff_time"].value == 4.0  # median of 2 h and 6 h
    assert (r["immediate_rate"].numerator, r["immediate_rate"].denominator) == (1, 2)  # c and d unrecorded
    assert (r["one_visit_rate"].numerator, r["one_visit_rate"].denominator) == (2, 3)  # visits 0, 1 of 0, 1, 2
    # online with 0 trips, mobile without a trip count (d) count; window and mobile with 2 trips do not
    assert (r["online_rate"].numerator, r["online_rate"].denominator) == (2, 4)
    materials = r["materials_reuse"]
    assert (materials.numerator, materials.denominator, materials.n) == (2, 6, 2)  # c lacks reused, d needs none
    assert (r["return_rate"].numerator, r["return_rate"].denominator) == (1, 6)  # cancelled not counted


def test_resident_request_kpis(small_n):
    resident = {"center": "resident_center"}
    con = memory_warehouse(
        cases=[
            case(
                "fast",
                "2025-01-02 09:00",
                closed="2025-01-03 09:00",
                first_response_at="2025-01-02 20:00",
                resolved_on_site=True,
                reopened_at="2025-01-20 09:00",
                **resident,
            ),
            case(
                "slow",
                "2025-01-05 09:00",
                closed="2025-01-07 09:00",
                first_response_at="2025-01-06 15:00",
                resolved_on_site=False,
                reopened_at="2025-02-14 09:00",
                **resident,
            ),  # 38 days: not a reopen
            case("silent", "2025-01-10 09:00", closed="2025-01-12 09:00", **resident),  # no answer in 24 h
            case("pending", "2025-01-31 20:00", **resident),  # 24 h not over when January ends
            case("desk", "2025-01-15 09:00", closed="2025-01-15 10:00"),  # service centre: no response measure
            ANCHOR,
        ]
    )
    r = compute_kpis(con, JANUARY, ids=["response_rate", "reopen_rate", "on_site_rate"])
    assert (r["response_rate"].numerator, r["response_rate"].denominator) == (1, 3)
    assert (r["reopen_rate"].numerator, r["reopen_rate"].denominator) == (1, 4)
    assert (r["on_site_rate"].numerator, r["on_site_rate"].denominator) == (1, 2)


def test_backlog_is_a_stock_at_window_end_with_ageing(small_n):
    con = memory_warehouse(
        cases=[
            case("old_overdue", "2024-12-01 12:00", due="2024-12-10 17:30"),  # 62 days open at 1 Feb
            case("recent", "2025-01-30 12:00", due="2025-02-10 17:30"),  # 1.5 days
            case("closed_later", "2025-01-10 12:00", closed="2025-02-05 09:00", due="2025-01-20 17:30"),  # 21.5 days
            case("closed_in_time", "2025-01-05 12:00", closed="2025-01-06 09:00"),
            case("returned", "2025-01-06 12:00", status="returned"),
            case("cancelled", "2025-01-07 12:00", status="cancelled"),
            # closed at a time set aside at import: closed work, not open for ever
            case("closing_time_set_aside", "2024-12-20 12:00", due="2024-12-30 17:30", status="closed"),
            ANCHOR,
        ]
    )
    r = compute_kpis(con, JANUARY, ids=["backlog", "backlog_past_due"])
    assert (r["backlog"].value, r["backlog_past_due"].value) == (3, 2)
    assert r["backlog"].detail == {"age_0_7_days": 1, "age_8_30_days": 1, "age_31_90_days": 1, "age_over_90_days": 0}
    assert r["backlog"].previous == 1  # at 1 January only old_overdue was open
