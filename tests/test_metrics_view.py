"""The metrics view (jianfu/metrics/view.py): the filter clause and the $by switch are written in one place, the
generated KPI query has the parts of each kind, and a chart over a base model adds up to its KPI card."""

from __future__ import annotations

import re
from datetime import date

import pytest

from jianfu import calendar, warehouse
from jianfu.metrics import Filters, compute_kpis, load_catalogue, units, view
from jianfu.metrics.filters import FILTER_DIMENSIONS
from jianfu.metrics.sql import QUERY_DIR, data_as_of, query_parameters, run_query

# Page queries that still carry a copy of the filter clause: to be moved onto a base model (filtered_<model>),
# and taken off this list, one by one. Named without their page prefix (page_grids_team_workload is
# "team_workload"): the record-keeping page's queries are being renamed on another branch.
STILL_COPIED = {
    "duplicate_records",  # record keeping
    "time_use",  # record keeping
    "team_workload",  # grids: cases by team without the team filter, workers, time use
    "comments",  # satisfaction: ratings and survey comments, a team filter matching no survey
    "overdue_bad_ratings",  # satisfaction: every bad rating still open at the window's end, not a period's
    "repeats",  # topics: the work order's own street first, 30 days before the window
    "requests",  # topics: as repeats
}
COPIED_FILTER = re.compile(r"list_contains\(\$(" + "|".join(FILTER_DIMENSIONS) + r")\b|case \$by\b")


def test_no_kpi_query_file_copies_the_filter_clause_or_the_by_switch():
    copies = {path.stem for path in QUERY_DIR.glob("*.sql") if COPIED_FILTER.search(path.read_text(encoding="utf-8"))}
    # unit_grids looks the grids of chosen units up (the unit filters' own lookup, not a filter on rows)
    pages = {name for name in copies if name.startswith("page_")}
    assert copies - pages == {"unit_grids"}
    named = sorted(next((what for what in STILL_COPIED if name.endswith("_" + what)), name) for name in pages)
    assert named == sorted(STILL_COPIED)


def test_the_filter_clause_covers_the_filter_dimensions_a_model_has():
    assert view.filter_clause(("grid_id", "team", "matter")) == (
        "(len($grids) = 0 or list_contains($grids, grid_id))\n    and (len($teams) = 0 or list_contains($teams, team))"
    )
    assert view.filter_clause(()) == "true"
    assert view.group_key(("grid_id", "team")) == "case $by when 'grid_id' then grid_id when 'team' then team end"
    assert view.group_key(()) == "null::varchar"


def test_the_generated_query_writes_each_measure_once_with_its_filter():
    text = view.query_text("kpi_cases")
    assert "count(*) filter (where on_time) as on_time_rate__num" in text
    assert "count(*) filter (where on_time is not null) as on_time_rate__den" in text
    # the two cycle-time quantiles share one sort; a lone median stays a median
    assert "quantile_cont(cycle_working_days, [0.5, 0.9]) as view_quantiles_1" in text
    assert "view_quantiles_1[2] as cycle_time_p90__value" in text
    assert "median(cycle_calendar_days) as cycle_time_calendar__value" in text
    assert text.count("list_contains($grids, grid_id)") == 1
    assert view.query_text("kpi_ledgers") is None  # hand-written: its file is read


def test_drill_predicates_come_from_the_measure():
    cat = load_catalogue()
    assert view.drill_predicates(cat["on_time_rate"]) == {"denominator": "on_time is not null", "numerator": "on_time"}
    assert view.drill_predicates(cat["cycle_time"]) == {"denominator": "cycle_working_days is not null"}
    assert view.drill_predicates(cat["proposal_lead_time"]) == {
        "denominator": "(is_voted_in) and (lead_days) is not null"
    }
    assert view.drill_predicates(cat["backlog_past_due"]) == {"denominator": "true", "numerator": "is_past_due"}
    assert view.drill_predicates(cat["visit_coverage"]) == {}  # sums over grids, not a count of rows


def _page(con, name: str, filters: Filters) -> list[dict]:
    """A page query with the parameters jianfu/ui/data.py binds (the ratings chart split by source)."""
    wanted = query_parameters(name)
    params = {**units.page_params(con, filters, wanted, data_as_of(con)), **calendar.sql_params(), "by": "source"}
    return run_query(con, name, params).to_dict("records")


CHARTS = {  # KPI -> (the page query of its chart, its count column, what its bars add up to)
    "case_volume": ("page_throughput_volume", "cases", "value"),
    "backlog": ("page_throughput_backlog_ageing", "cases", "value"),
    "cycle_time": ("page_throughput_cycle_histogram", "cases", "n"),
    "good_rating_rate": ("page_satisfaction_rating_distribution", "ratings", "denominator"),
    "proposal_funnel": ("page_micro_projects", None, "denominator"),  # a table: one row per project
}


@pytest.mark.parametrize(
    "filters",
    [
        Filters(date(2026, 6, 1), date(2026, 8, 31)),
        Filters(date(2026, 1, 1), date(2026, 1, 31), grids=("HT03",)),
        Filters(date(2025, 4, 1), date(2025, 6, 30), streets=("红梅街道",)),  # 12345 cases without a grid
        Filters(date(2025, 1, 1), date(2025, 12, 31), teams=("gov_affairs",), streets=("横塘街道",)),
        Filters(date(2026, 10, 1), date(2026, 12, 31)),  # reaches past the data: judged at its end
    ],
    ids=["summer", "grid", "gridless_street", "team_street", "partial"],
)
def test_each_chart_adds_up_to_its_kpi_card(sample_warehouse, filters):
    con = warehouse.read_connection()
    results = compute_kpis(con, filters, ids=list(CHARTS))
    totals = {
        kpi_id: sum(row[count] if count else 1 for row in _page(con, name, filters))
        for kpi_id, (name, count, _) in CHARTS.items()
    }
    cards = {kpi_id: getattr(results[kpi_id], part) for kpi_id, (_, _, part) in CHARTS.items()}
    assert totals == cards
    assert totals["case_volume"] > 0


def test_the_ageing_chart_bands_are_the_backlog_cards_ageing_detail(sample_warehouse):
    con = warehouse.read_connection()
    filters = Filters(date(2026, 6, 1), date(2026, 8, 31))
    backlog = compute_kpis(con, filters, ids=["backlog"])["backlog"]
    bands: dict[str, int] = {}
    for row in _page(con, "page_throughput_backlog_ageing", filters):
        bands[row["age_band"]] = bands.get(row["age_band"], 0) + row["cases"]
    detail = {k.removeprefix("age_").removesuffix("_days"): v for k, v in backlog.detail.items()}
    assert {band: detail.get(band, 0) for band in bands} == bands
    assert sum(bands.values()) == backlog.value > 0
