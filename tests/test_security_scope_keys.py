"""Issue 15, finding 2: ids are unique only within their exporting system, so a child row that names its parent
by id alone (a rating its case, an answer its response, hours their worker) could land in another system's row
of another grid. Here a second system reuses every id in another grid: the KPI engine, the explorer's filters and
the SQL console's views must tie each child to its own parent (jianfu/references.py), with hand-computed values.

The fixture, per system (grids in brackets):
- cases: centre c-1 [g1], grid c-1 [g2] (the reused id), centre c-2 [g1]; all closed in January.
- ratings: haochaping e1 → c-1, 1 star (two other systems carry c-1: it names no case); grid e2 → c-1, 5 stars
  (its own system's case: g2); haochaping e3 → c-2, 4 stars (the only c-2: g1).
- workers: staff_a w-1 [g1], staff_b w-1 [g2], staff_a w-2 [g1]; hours: staff_b w-1 10 admin + 10 field (its own
  system's worker: g2), timesheet w-1 30 + 10 (ambiguous: no grid), timesheet w-2 5 + 15 (the only w-2: g1).
- survey: system A response r-1 [g1] answers 10 of 10; system B response r-1 [g2] answers 0 of 10.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from jianfu import explore, sandbox, warehouse
from jianfu.metrics import Filters, compute_kpis

JANUARY = date(2025, 1, 1), date(2025, 1, 31)


def _case(system, case_id, grid, received="2025-01-02 09:00", closed="2025-01-03 09:00", status="closed"):
    return {
        "source_system": system,
        "case_id": case_id,
        "grid_id": grid,
        "received_at": received,
        "closed_at": closed,
        "status": status,
    }


ROWS = {
    "cases": [
        _case("centre", "c-1", "g1"),
        _case("grid", "c-1", "g2"),
        _case("centre", "c-2", "g1"),
        _case("centre", "anchor", None, "2025-02-15 09:00", None, "received"),
    ],
    "evaluations": [
        {
            "source_system": "haochaping",
            "eval_id": "e1",
            "case_id": "c-1",
            "rated_at": "2025-01-04 12:00",
            "rating": 1,
            "source": "window",
        },
        {
            "source_system": "grid",
            "eval_id": "e2",
            "case_id": "c-1",
            "rated_at": "2025-01-04 12:00",
            "rating": 5,
            "source": "window",
        },
        {
            "source_system": "haochaping",
            "eval_id": "e3",
            "case_id": "c-2",
            "rated_at": "2025-01-04 12:00",
            "rating": 4,
            "source": "window",
        },
    ],
    "workers": [
        {"source_system": "staff_a", "worker_id": "w-1", "grid_id": "g1"},
        {"source_system": "staff_b", "worker_id": "w-1", "grid_id": "g2"},
        {"source_system": "staff_a", "worker_id": "w-2", "grid_id": "g1"},
    ],
    "time_use": [
        {
            "source_system": "staff_b",
            "worker_id": "w-1",
            "week": "2025-01-06",
            "hours_admin": 10.0,
            "hours_field": 10.0,
        },
        {
            "source_system": "timesheet",
            "worker_id": "w-1",
            "week": "2025-01-06",
            "hours_admin": 30.0,
            "hours_field": 10.0,
        },
        {
            "source_system": "timesheet",
            "worker_id": "w-2",
            "week": "2025-01-06",
            "hours_admin": 5.0,
            "hours_field": 15.0,
        },
    ],
    "survey_responses": [
        {
            "source_system": "A",
            "response_id": "r-1",
            "wave": "2025Q1",
            "responded_at": "2025-01-10 10:00",
            "grid_id": "g1",
        },
        {
            "source_system": "B",
            "response_id": "r-1",
            "wave": "2025Q1",
            "responded_at": "2025-01-10 10:00",
            "grid_id": "g2",
        },
    ],
    "survey_answers": [
        {"source_system": "A", "response_id": "r-1", "item": "overall", "score": 10.0},
        {"source_system": "B", "response_id": "r-1", "item": "overall", "score": 0.0},
    ],
    "survey_items": [
        {
            "source_system": "A",
            "item": "overall",
            "scale_min": 0.0,
            "scale_max": 10.0,
            "is_overall": True,
            "label_zh": "总体满意度",
        }
    ],
}


def _load(con) -> None:
    for table, rows in ROWS.items():
        con.register("new_rows", pd.DataFrame(rows).assign(source_file_id=1))
        con.execute(f'insert into "{table}" by name select * from new_rows')
        con.unregister("new_rows")


@pytest.fixture(autouse=True)
def small_n(monkeypatch):
    monkeypatch.setenv("JIANFU_SUPPRESS_BELOW_N", "1")
    monkeypatch.setenv("JIANFU_RANK_BELOW_N", "1")


@pytest.fixture
def con():
    con = warehouse.connect_memory()
    _load(con)
    return con


KPIS = ["good_rating_rate", "rating_coverage", "bad_per_1000", "admin_time_share", "satisfaction_index"]
# Hand-computed (see the module docstring). "street" is every grid together.
EXPECTED = {
    "street": {
        "good_rating_rate": 2 / 3,
        "rating_coverage": 2 / 3,
        "bad_per_1000": 0.0,
        "admin_time_share": 45 / 80,
        "satisfaction_index": 50.0,
    },
    "g1": {
        "good_rating_rate": 1.0,
        "rating_coverage": 1 / 2,
        "bad_per_1000": 0.0,
        "admin_time_share": 5 / 20,
        "satisfaction_index": 100.0,
    },
    "g2": {
        "good_rating_rate": 1.0,
        "rating_coverage": 1.0,
        "bad_per_1000": 0.0,
        "admin_time_share": 10 / 20,
        "satisfaction_index": 0.0,
    },
}


@pytest.mark.parametrize("grids", ["street", "g1", "g2"])
def test_kpis_tie_each_child_to_its_own_system_parent(con, grids):
    filters = Filters(*JANUARY, grids=() if grids == "street" else (grids,))
    results = compute_kpis(con.cursor(), filters, ids=KPIS)
    got = {kpi: results[kpi].value for kpi in KPIS}
    assert got == pytest.approx(EXPECTED[grids])


def test_explorer_filters_through_the_parent_on_the_full_key(con):
    by_grid = {
        grid: explore.pivot(
            con, "evaluations", ["rating"], filters=Filters(*JANUARY, grids=(grid,))
        ).frame.values.tolist()
        for grid in ("g1", "g2")
    }
    assert by_grid == {"g1": [[4, 1]], "g2": [[5, 1]]}  # e3 and e2; e1 (1 star) in neither
    hours = {
        grid: explore.pivot(
            con,
            "time_use",
            ["week"],
            aggregation="sum",
            measure="hours_admin",
            filters=Filters(*JANUARY, grids=(grid,)),
        )
        .frame["sum_hours_admin"]
        .tolist()
        for grid in ("g1", "g2")
    }
    assert hours == {"g1": [5.0], "g2": [10.0]}


def test_console_views_of_each_grid_hold_only_its_own_children(tmp_path, monkeypatch):
    monkeypatch.setenv("JIANFU_DATA_DIR", str(tmp_path))
    with warehouse.write() as write:
        _load(write)
    seen = {
        grid: {
            view: sorted(map(tuple, sandbox.run_sql(sql, scope=(grid,)).frame.values.tolist()))
            for view, sql in [
                ("evaluations", "select eval_id from evaluations"),
                ("time_use", "select source_system, worker_id from time_use"),
                ("survey_answers", "select source_system, score from survey_answers"),
            ]
        }
        for grid in ("g1", "g2")
    }
    assert seen == {
        "g1": {"evaluations": [("e3",)], "time_use": [("timesheet", "w-2")], "survey_answers": [("A", 10.0)]},
        "g2": {"evaluations": [("e2",)], "time_use": [("staff_b", "w-1")], "survey_answers": [("B", 0.0)]},
    }


def test_drill_down_rows_keep_each_system_s_case_apart(con):
    """The drill-down joins the KPI's rows back to their table on source system + key: the reused id c-1 gives
    two rows, one per system, not four."""
    from jianfu.metrics import load_catalogue

    kpi = load_catalogue()["rating_coverage"]
    rated = explore.drill(con, kpi, Filters(*JANUARY), "numerator")
    closed = explore.drill(con, kpi, Filters(*JANUARY), "denominator")
    assert sorted(zip(rated.rows.frame["source_system"], rated.rows.frame["case_id"])) == [
        ("centre", "c-2"),
        ("grid", "c-1"),
    ]
    assert (closed.rows.total, len(closed.rows.frame), rated.numerator) == (3, 3, 2)
