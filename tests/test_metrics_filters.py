"""The filter object and window arithmetic: validation naming unknown values, bind parameters, previous and
last-year windows over month ends and 29 February, presets and period names."""

from datetime import date

import pytest
from metrics_tables import memory_warehouse

from jianfu.metrics import FilterError, Filters, parse_period, window_preset
from jianfu.metrics.filters import to_date_windows


def window(f: Filters) -> tuple[date, date]:
    return f.start, f.end


@pytest.mark.parametrize(
    "start, end, previous, last_year",
    [
        # whole months shift by whole months: March 2024's previous month is February with its 29th
        (
            date(2024, 3, 1),
            date(2024, 3, 31),
            (date(2024, 2, 1), date(2024, 2, 29)),
            (date(2023, 3, 1), date(2023, 3, 31)),
        ),
        (
            date(2024, 2, 1),
            date(2024, 2, 29),
            (date(2024, 1, 1), date(2024, 1, 31)),
            (date(2023, 2, 1), date(2023, 2, 28)),
        ),
        (
            date(2025, 2, 1),
            date(2025, 2, 28),
            (date(2025, 1, 1), date(2025, 1, 31)),
            (date(2024, 2, 1), date(2024, 2, 29)),
        ),
        (
            date(2025, 1, 1),
            date(2025, 3, 31),
            (date(2024, 10, 1), date(2024, 12, 31)),
            (date(2024, 1, 1), date(2024, 3, 31)),
        ),
        # other windows shift by their length in days; 29 February becomes 28 February a year earlier
        (
            date(2024, 2, 29),
            date(2024, 2, 29),
            (date(2024, 2, 28), date(2024, 2, 28)),
            (date(2023, 2, 28), date(2023, 2, 28)),
        ),
        (
            date(2024, 3, 1),
            date(2024, 3, 16),
            (date(2024, 2, 14), date(2024, 2, 29)),
            (date(2023, 3, 1), date(2023, 3, 16)),
        ),
        (
            date(2025, 1, 10),
            date(2025, 1, 19),
            (date(2024, 12, 31), date(2025, 1, 9)),
            (date(2024, 1, 10), date(2024, 1, 19)),
        ),
    ],
)
def test_previous_and_last_year_windows(start, end, previous, last_year):
    f = Filters(start, end)
    assert window(f.previous()) == previous
    assert window(f.last_year()) == last_year


def test_to_date_compares_days_one_to_k_with_the_same_days_a_month_earlier():
    assert to_date_windows(date(2025, 3, 1), date(2025, 3, 16)) == (
        (date(2025, 3, 1), date(2025, 3, 16)),
        (date(2025, 2, 1), date(2025, 2, 16)),
    )
    # 1–30 March 2024 → 1–29 February (clamped to February's last day)
    assert to_date_windows(date(2024, 3, 1), date(2024, 3, 30))[1] == (date(2024, 2, 1), date(2024, 2, 29))


@pytest.mark.parametrize(
    "name, expected",
    [
        ("this_month_to_date", (date(2026, 11, 1), date(2026, 11, 25))),
        ("last_month", (date(2026, 10, 1), date(2026, 10, 31))),
        ("last_quarter", (date(2026, 7, 1), date(2026, 9, 30))),
        ("year_to_date", (date(2026, 1, 1), date(2026, 11, 25))),
        ("last_12_months", (date(2025, 11, 1), date(2026, 10, 31))),
    ],
)
def test_presets(name, expected):
    assert window_preset(name, date(2026, 11, 25)) == expected


def test_presets_in_january_and_period_names():
    assert window_preset("last_month", date(2025, 1, 10)) == (date(2024, 12, 1), date(2024, 12, 31))
    assert window_preset("last_quarter", date(2025, 2, 10)) == (date(2024, 10, 1), date(2024, 12, 31))
    assert parse_period("2024-02", date(2026, 1, 1)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert parse_period("2025-Q4", date(2026, 1, 1)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert parse_period("2025", date(2026, 1, 1)) == (date(2025, 1, 1), date(2025, 12, 31))
    with pytest.raises(FilterError, match="unknown period '2025-13'"):
        parse_period("2025-13", date(2026, 1, 1))
    with pytest.raises(FilterError, match="unknown window preset"):
        window_preset("yesterday", date(2026, 1, 1))


def test_filters_validate_and_bind():
    con = memory_warehouse(
        cases=[
            {
                "case_id": "a",
                "received_at": "2025-01-02 09:00",
                "status": "received",
                "grid_id": "HT01",
                "service_line": "civil_affairs",
            }
        ],
        grids=[{"grid_id": "HT02", "name": "二"}],
    )
    ok = Filters(
        date(2025, 1, 1),
        date(2025, 1, 31),
        grids=["HT01", "HT02"],
        teams="governance",
        service_lines=("civil_affairs",),
    )
    assert ok.validate(con) is ok
    assert ok.to_params() == {
        "start": date(2025, 1, 1),
        "end_exclusive": date(2025, 2, 1),
        "grids": ["HT01", "HT02"],
        "teams": ["governance"],
        "service_lines": ["civil_affairs"],
        "channels": [],
        "centers": [],
        "districts": [],
        "streets": [],
    }
    with pytest.raises(FilterError, match=r"unknown grid 'HT09' \(known: HT01, HT02\)"):
        Filters(date(2025, 1, 1), date(2025, 1, 31), grids=("HT09",)).validate(con)
    with pytest.raises(FilterError, match="unknown team 'sports'"):
        Filters(date(2025, 1, 1), date(2025, 1, 31), teams=("sports",)).validate(con)
    with pytest.raises(FilterError, match="unknown service line 'housing'"):
        Filters(date(2025, 1, 1), date(2025, 1, 31), service_lines=("housing",)).validate(con)
    with pytest.raises(FilterError, match="ends .* before it starts"):
        Filters(date(2025, 2, 1), date(2025, 1, 31))
    with pytest.raises(FilterError, match="must be dates"):
        Filters("2025-01-01", date(2025, 1, 31))


def test_filters_are_frozen_and_hashable():
    f = Filters(date(2025, 1, 1), date(2025, 1, 31), grids=["HT01"])
    assert f.grids == ("HT01",) and hash(f) == hash(Filters(date(2025, 1, 1), date(2025, 1, 31), grids=("HT01",)))
    with pytest.raises(AttributeError):
        f.start = date(2024, 1, 1)
