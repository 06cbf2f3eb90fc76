"""Drill-down gives the rows the engine counts; the pivot builder groups hand-checkable tiny tables and accepts
only names from the schema."""

from __future__ import annotations

from datetime import date

import pytest

from jianfu import explore, warehouse
from jianfu.metrics import Filters, compute_kpis, load_catalogue

JANUARY = Filters(date(2026, 1, 1), date(2026, 1, 31))
P = "'s', 1"


@pytest.fixture
def con():
    """January 2026, judged at the month's end (a March case makes the data run past it):
    c1 closed by its due date; c2 closed late; c3 open past due; c4 open, not yet due; c5 cancelled."""
    con = warehouse.connect_memory()
    con.execute(f"""insert into cases (case_id, received_at, due_at, closed_at, status, grid_id, team, visits,
                                       channel, source_system, source_file_id) values
        ('c1', '2026-01-05 09:00', '2026-01-10 17:00', '2026-01-08 10:00', 'closed', 'g1', 'publicity', 1, 'window', {P}),
        ('c2', '2026-01-06 09:00', '2026-01-09 17:00', '2026-01-12 10:00', 'closed', 'g1', 'publicity', 2, 'online', {P}),
        ('c3', '2026-01-10 09:00', '2026-01-15 17:00', null, 'in_progress', 'g2', 'governance', 0, 'online', {P}),
        ('c4', '2026-01-20 09:00', '2026-02-20 17:00', null, 'in_progress', 'g2', 'governance', 1, 'window', {P}),
        ('c5', '2026-01-25 09:00', '2026-01-30 17:00', null, 'cancelled', 'g1', 'publicity', 0, 'window', {P}),
        ('c6', '2026-03-01 09:00', '2026-03-05 17:00', '2026-03-02 10:00', 'closed', 'g1', 'publicity', 1, 'window', {P})
    """)
    con.execute(f"""insert into evaluations (eval_id, case_id, rated_at, rating, source, source_system,
                                             source_file_id) values
        ('e1', 'c1', '2026-01-09 10:00', 5, 'window', {P}),
        ('e2', 'c2', '2026-01-13 10:00', 2, 'online', {P}),
        ('e3', 'c3', '2026-01-16 10:00', 4, 'grid_callback', {P})""")
    return con


def _ids(drill, column="case_id"):
    return sorted(drill.rows.frame[column])


def test_on_time_rows_are_the_hand_counted_cases(con):
    kpi = load_catalogue()["on_time_rate"]
    denominator = explore.drill(con, kpi, JANUARY, "denominator")
    numerator = explore.drill(con, kpi, JANUARY, "numerator")
    assert _ids(denominator) == ["c1", "c2", "c3"]  # c4 is not due yet, c5 was cancelled
    assert _ids(numerator) == ["c1"]
    engine = compute_kpis(con, JANUARY, ids=["on_time_rate"])["on_time_rate"]
    assert (numerator.numerator, numerator.denominator) == (engine.numerator, engine.denominator) == (1, 3)


def test_drill_applies_the_same_filters_as_the_engine(con):
    kpi = load_catalogue()["on_time_rate"]
    grid_one = Filters(JANUARY.start, JANUARY.end, grids=("g1",))
    drill = explore.drill(con, kpi, grid_one, "denominator")
    assert _ids(drill) == ["c1", "c2"]
    engine = compute_kpis(con, grid_one, ids=["on_time_rate"])["on_time_rate"]
    assert (drill.numerator, drill.denominator) == (engine.numerator, engine.denominator) == (1, 2)


def test_drill_rows_carry_the_case_columns_and_the_kpi_flags(con):
    drill = explore.drill(con, load_catalogue()["on_time_rate"], JANUARY, "numerator")
    row = drill.rows.frame.iloc[0]
    assert (row["case_id"], row["grid_id"], row["team"], bool(row["on_time"])) == ("c1", "g1", "publicity", True)
    assert "period_key" not in drill.rows.frame


def test_case_volume_has_only_a_denominator(con):
    kpi = load_catalogue()["case_volume"]
    assert explore.drill_parts(kpi) == ("denominator",)
    drill = explore.drill(con, kpi, JANUARY)
    assert (_ids(drill), drill.numerator) == (["c1", "c2", "c3", "c4", "c5"], None)


def test_rating_rows_count_like_the_engine(con):
    kpi = load_catalogue()["good_rating_rate"]
    drill = explore.drill(con, kpi, JANUARY, "denominator")
    assert sorted(drill.rows.frame["rating"]) == [2, 5]  # the grid callback is not a public rating
    engine = compute_kpis(con, JANUARY, ids=["good_rating_rate"])["good_rating_rate"]
    assert (drill.numerator, drill.denominator) == (engine.numerator, engine.denominator) == (1, 2)


def test_drill_rows_are_capped_with_the_total_kept(con):
    drill = explore.drill(con, load_catalogue()["case_volume"], JANUARY, limit=2)
    assert (len(drill.rows.frame), drill.rows.total, drill.rows.truncated) == (2, 5, True)


def test_a_kpi_without_row_rules_is_not_drillable():
    catalogue = load_catalogue()
    assert not explore.can_drill(catalogue["city_score"])
    with pytest.raises(explore.ExploreError):
        explore.drill(warehouse.connect_memory(), catalogue["city_score"], JANUARY)


def _engine_counts(kpi, result) -> tuple:
    """What a drill must count for this kind of KPI: (numerator rows, denominator rows), None where not a count."""
    if kpi.kind in ("proportion", "share", "reduction", "rate_per_1000"):
        return result.numerator, result.denominator
    if kpi.kind == "pace":
        return result.numerator, None
    if kpi.kind == "stock" and "numerator" in explore.drill_parts(kpi):
        return result.value, result.n
    return None, result.n


@pytest.mark.parametrize("grids", [(), ("HT03",)], ids=["all_grids", "grid_HT03"])
def test_every_drillable_kpi_counts_what_the_engine_counts(sample_warehouse, grids):
    """The drill-down reads the same measure as the generated aggregate (and the hand-written queries' drill
    predicates mirror theirs): every KPI's drill rows count its numerator and denominator on the sample data."""
    con = warehouse.read_connection()
    catalogue = load_catalogue()
    filters = Filters(date(2026, 6, 1), date(2026, 8, 31), grids=grids)
    results = compute_kpis(con, filters)
    drillable = [kpi for kpi in catalogue.kpis.values() if explore.can_drill(kpi) and not results[kpi.id].missing]
    assert len(drillable) >= 35
    mismatches = {}
    for kpi in drillable:
        drill = explore.drill(con, kpi, filters, explore.drill_parts(kpi)[0], limit=1)
        expected = _engine_counts(kpi, results[kpi.id])
        if (drill.numerator, drill.denominator) != expected:
            mismatches[kpi.id] = ((drill.numerator, drill.denominator), expected)
    assert mismatches == {}
    assert sum(results[k.id].n or 0 for k in drillable) > 1000  # the comparison ran on real volumes


def test_pivot_counts_by_grid_and_status(con):
    result = explore.pivot(con, "cases", ["grid_id"], "status", filters=JANUARY)
    assert result.frame.to_dict("records") == [
        {"grid_id": "g1", "cancelled": 1, "closed": 2, "in_progress": 0},
        {"grid_id": "g2", "cancelled": 0, "closed": 0, "in_progress": 2},
    ]


def test_pivot_sums_by_month_without_filters(con):
    result = explore.pivot(con, "cases", ["received_at"], aggregation="sum", measure="visits")
    assert [(str(r["received_at"]), r["sum_visits"]) for r in result.frame.to_dict("records")] == [
        ("2026-01-01", 4),
        ("2026-03-01", 1),
    ]


def test_pivot_filters_ratings_through_their_case(con):
    result = explore.pivot(con, "evaluations", ["rating"], filters=Filters(JANUARY.start, JANUARY.end, grids=("g2",)))
    assert result.frame.to_dict("records") == [{"rating": 4, "count": 1}]
    assert result.not_applied == ()


def test_a_filter_that_cannot_apply_is_reported(con):
    result = explore.pivot(con, "inspections", ["kind"], filters=Filters(JANUARY.start, JANUARY.end, grids=("g2",)))
    assert result.not_applied == ("grids",)


@pytest.mark.parametrize(
    ("rows", "column", "aggregation", "measure"),
    [
        (['grid_id" from cases; drop table cases; --'], None, "count", None),
        (["applicant_key_x"], None, "count", None),
        (["applicant_key"], None, "count", None),  # personal: a hash groups nothing
        (["case_id"], None, "count", None),  # the key: one group per row
        (["grid_id"], None, "sum", "status"),
        (["grid_id"], None, "max", "visits"),
        (["grid_id"], "grid_id", "count", None),
    ],
)
def test_pivot_accepts_only_schema_names(con, rows, column, aggregation, measure):
    with pytest.raises(explore.ExploreError):
        explore.pivot(con, "cases", rows, column, aggregation, measure)
    assert con.execute("select count(*) from cases").fetchone() == (6,)


def test_pivot_refuses_an_unknown_table(con):
    with pytest.raises(explore.ExploreError):
        explore.pivot(con, "cases; drop table cases", ["grid_id"])
