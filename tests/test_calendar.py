"""The working-day calendar: holidays off, 调休 make-up weekend days on, the counting rule, and the SQL form
agreeing with the Python one."""

from datetime import date, datetime, time

import pytest

from jianfu import calendar, warehouse


def test_public_holidays_are_off_and_make_up_weekend_days_are_on():
    assert not calendar.is_working_day(date(2025, 1, 28))  # 除夕, Spring Festival holiday (a Tuesday)
    assert not calendar.is_working_day(date(2025, 10, 8))  # National Day holiday (a Wednesday)
    assert calendar.is_working_day(date(2025, 1, 26))  # a Sunday worked (调休)
    assert calendar.is_working_day(date(2025, 2, 8))  # a Saturday worked (调休)
    assert not calendar.is_working_day(date(2025, 2, 9))  # an ordinary Sunday
    assert calendar.is_working_day(date(2025, 2, 10))  # an ordinary Monday
    assert not calendar.is_working_day(date(2026, 2, 23))  # last day of the 2026 nine-day Spring Festival
    assert calendar.is_working_day(date(2026, 2, 28))  # 2026 make-up Saturday


def test_counting_rule_is_working_days_after_the_start_day_up_to_the_end_day():
    assert calendar.working_days_between(date(2025, 3, 3), date(2025, 3, 3)) == 0  # same day
    assert calendar.working_days_between(date(2025, 3, 7), date(2025, 3, 10)) == 1  # Friday → Monday
    # Friday 7 Feb 2025 → Monday 10 Feb: the Saturday in between is a make-up working day
    assert calendar.working_days_between(datetime(2025, 2, 7, 16, 0), datetime(2025, 2, 10, 9, 0)) == 2
    # received the last working day before Spring Festival, closed the first working day after it:
    # 27 Jan (Mon) → 5 Feb (Wed) skips 28 Jan–4 Feb (holiday) and counts only 5 Feb
    assert calendar.working_days_between(date(2025, 1, 27), date(2025, 2, 5)) == 1
    assert calendar.working_days_between(date(2025, 2, 5), date(2025, 1, 27)) == -1


def test_a_deadline_counts_a_make_up_saturday():
    # Received Friday 7 Feb 2025 with one working day to finish: due Saturday 8 Feb (调休 working day)
    assert calendar.add_working_days(date(2025, 2, 7), 1) == date(2025, 2, 8)
    # Received Friday 26 Sep 2025 with two working days: Sunday 28 Sep is worked, then 29 Sep
    assert calendar.add_working_days(date(2025, 9, 26), 2) == date(2025, 9, 29)
    # Received on the eve of National Day 2025 with three working days: 30 Sep, 9 Oct, 10 Oct
    assert calendar.add_working_days(date(2025, 9, 29), 3) == date(2025, 10, 10)
    assert calendar.deadline(datetime(2025, 2, 7, 10, 30), 1) == datetime.combine(date(2025, 2, 8), time.max)


def test_the_library_covers_2004_on_and_the_file_adds_the_years_it_does_not_know_yet():
    years = calendar.covered_years()
    library_years = set(calendar.library_days()[0])
    assert min(years) == 2004 and set(range(2004, 2027)) <= library_years
    assert years[2027] is True and years[2025] is False  # 2027 comes from the file, provisional
    assert calendar.uncovered_years(date(2002, 6, 1), date(2005, 1, 1)) == [2002, 2003]
    assert calendar.uncovered_years(date(2015, 1, 1), date(2027, 12, 31)) == []
    assert calendar.uncovered_years(date(2027, 12, 1), date(2028, 1, 31)) == [2028]
    # before 2004 nothing is known: Monday–Friday (27 Jan 2003 → 3 Feb 2003 ignores that Spring Festival)
    assert calendar.working_days_between(date(2003, 1, 27), date(2003, 2, 3)) == 5


def test_spring_festival_2015_and_its_make_up_saturday_count_as_the_notice_says():
    # 国办发明电〔2014〕28号: 18–24 Feb 2015 off, Sunday 15 Feb and Saturday 28 Feb worked
    assert not calendar.is_working_day(date(2015, 2, 18)) and not calendar.is_working_day(date(2015, 2, 24))
    assert calendar.is_working_day(date(2015, 2, 15)) and calendar.is_working_day(date(2015, 2, 28))
    # by hand, Fri 13 Feb → Mon 2 Mar: 15, 16, 17, 25, 26, 27, 28 Feb and 2 Mar = 8 (Monday–Friday would say 11)
    assert calendar.working_days_between(date(2015, 2, 13), date(2015, 3, 2)) == 8
    # Fri 27 Feb → Mon 2 Mar: the make-up Saturday and the Monday = 2
    assert calendar.working_days_between(date(2015, 2, 27), date(2015, 3, 2)) == 2
    # National Day 2015: 1–7 Oct off, Saturday 10 Oct worked; Wed 30 Sep → Mon 12 Oct: 8, 9, 10, 12 Oct = 4
    assert calendar.working_days_between(date(2015, 9, 30), date(2015, 10, 12)) == 4


def test_the_file_agrees_with_the_library_where_both_know_the_year():
    from datetime import timedelta

    file_only, merged = calendar.load(with_library=False), calendar.default_calendar()
    overlap = [y for y in file_only.years if y in calendar.library_days()[0]]
    assert overlap == [2023, 2024, 2025, 2026]
    days = [date(2023, 1, 1) + timedelta(days=i) for i in range((date(2026, 12, 31) - date(2023, 1, 1)).days + 1)]
    assert [d for d in days if file_only.is_working_day(d) != merged.is_working_day(d)] == []


def test_sql_working_day_count_matches_python():
    con = warehouse.connect_memory()
    # by hand: 2024-09-13 → 10-14 counts 14 Sep and 29 Sep and 12 Oct (make-up days), skips 15–17 Sep and 1–7 Oct
    pairs = [
        (date(2025, 1, 27), date(2025, 2, 10)),
        (date(2024, 9, 13), date(2024, 10, 14)),
        (date(2023, 12, 29), date(2024, 1, 2)),
        (date(2026, 2, 13), date(2026, 3, 2)),
    ]
    params = calendar.sql_params()
    rows = con.execute(
        """with workdays as (select unnest(range(len($workday_cum))) as day, unnest($workday_cum) as cum),
                pairs as (select unnest($a) as a, unnest($b) as b, unnest(range(len($a))) as i)
           select wb.cum - wa.cum from pairs
           join workdays as wa on wa.day = datediff('day', $workday_epoch, a)
           join workdays as wb on wb.day = datediff('day', $workday_epoch, b)
           order by i""",
        {**params, "a": [p[0] for p in pairs], "b": [p[1] for p in pairs]},
    ).fetchall()
    assert [r[0] for r in rows] == [calendar.working_days_between(a, b) for a, b in pairs] == [5, 17, 1, 7]


def test_data_file_errors_are_clear(tmp_path):
    clash = tmp_path / "clash.toml"
    clash.write_text('[year.2030]\noff = ["2030-02-02..2030-02-04"]\non = ["2030-02-03"]\n')
    with pytest.raises(calendar.CalendarError, match="2030-02-03 is listed both"):
        calendar.load(clash)
    weekday = tmp_path / "weekday.toml"
    weekday.write_text('[year.2030]\noff = []\non = ["2030-02-05"]\n')
    with pytest.raises(calendar.CalendarError, match="not a weekend day"):
        calendar.load(weekday)
    garbled = tmp_path / "garbled.toml"
    garbled.write_text('[year.2030]\noff = ["2030-13-01"]\n')
    with pytest.raises(calendar.CalendarError, match="not a date"):
        calendar.load(garbled)


@pytest.fixture
def small_n(monkeypatch):
    monkeypatch.setenv("JIANFU_SUPPRESS_BELOW_N", "1")
    monkeypatch.setenv("JIANFU_RANK_BELOW_N", "1")


def _case(case_id, received, closed):
    return {"case_id": case_id, "received_at": received, "closed_at": closed, "status": "closed"}


def test_cycle_time_across_spring_festival_2015_and_a_window_without_holiday_data_is_flagged(small_n):
    from metrics_tables import memory_warehouse

    from jianfu.metrics import Filters, compute_kpis

    con = memory_warehouse(
        cases=[
            _case("festival", "2015-02-13 09:00", "2015-03-02 10:00"),  # 8 working days (see above)
            _case("make_up_saturday", "2015-02-27 09:00", "2015-03-02 10:00"),  # 2
            _case("plain", "2015-02-16 09:00", "2015-02-17 10:00"),  # 1
            _case("before_2004", "2003-03-03 09:00", "2003-03-10 09:00"),  # Monday → Monday: 5, counted Mon–Fri
            _case("later", "2015-04-01 09:00", "2015-04-02 09:00"),
        ]
    )
    ids = ["cycle_time", "cycle_time_p90", "on_time_rate"]
    r = compute_kpis(con, Filters(date(2015, 2, 1), date(2015, 3, 31)), ids=ids)
    assert r["cycle_time"].value == 2.0 and r["cycle_time_p90"].value == pytest.approx(6.8)  # [1, 2, 8]
    assert "workdays_unknown" not in r["cycle_time"].flags
    old = compute_kpis(con, Filters(date(2003, 3, 1), date(2003, 3, 31)), ids=ids)
    assert old["cycle_time"].value == 5.0
    assert "workdays_unknown" in old["cycle_time"].flags and "workdays_unknown" in old["cycle_time_p90"].flags
    assert "workdays_unknown" not in old["on_time_rate"].flags  # counts no working days
    assert "workdays_unknown" in old["cycle_time"].to_dict()["flags"]
