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


def test_years_without_holiday_data_count_monday_to_friday_and_2027_is_provisional():
    years = calendar.covered_years()
    assert set(years) == {2023, 2024, 2025, 2026, 2027}
    assert years[2027] is True and years[2025] is False
    assert calendar.working_days_between(date(2017, 1, 27), date(2017, 2, 3)) == 5  # 2017 not in the file


def test_sql_working_day_count_matches_python():
    con = warehouse.connect_memory()
    # by hand: 2024-09-13 → 10-14 counts 14 Sep and 29 Sep and 12 Oct (make-up days), skips 15–17 Sep and 1–7 Oct
    pairs = [(date(2025, 1, 27), date(2025, 2, 10)), (date(2024, 9, 13), date(2024, 10, 14)),
             (date(2023, 12, 29), date(2024, 1, 2)), (date(2026, 2, 13), date(2026, 3, 2))]
    params = calendar.sql_params()
    rows = con.execute(
        """with workdays as (select unnest(range(len($workday_cum))) as day, unnest($workday_cum) as cum),
                pairs as (select unnest($a) as a, unnest($b) as b, unnest(range(len($a))) as i)
           select wb.cum - wa.cum from pairs
           join workdays as wa on wa.day = datediff('day', $workday_epoch, a)
           join workdays as wb on wb.day = datediff('day', $workday_epoch, b)
           order by i""",
        {**params, "a": [p[0] for p in pairs], "b": [p[1] for p in pairs]}).fetchall()
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
