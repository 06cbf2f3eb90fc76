"""Cached access to the warehouse for pages: every engine call and page query goes through here.

Caches are keyed on `warehouse.version_key()`, so an import (which repoints the warehouse to a new version)
makes every page recompute, and on the filters, so two users with different filters never share a result.
One connection per process (st.cache_resource); each call takes its own `.cursor()` (STACK.md: a connection
shared by threads gives wrong results).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from jianfu import calendar, metrics, warehouse
from jianfu.access.scope import clamp_filters
from jianfu.metrics import league as league_module
from jianfu.metrics import units
from jianfu.metrics.facts import WarehouseFacts, warehouse_facts
from jianfu.metrics.filters import add_months
from jianfu.metrics.sql import query_parameters, query_text, run_query
from jianfu.ui.filter_params import FilterOptions
from jianfu.ui.login import current_scope


@st.cache_resource(show_spinner=False, max_entries=2)  # the current version and the one a running page may hold
def _connection(version: str):
    return warehouse.read_connection()


def connection():
    """This process's read-only warehouse connection; take `.cursor()` per query (STACK.md)."""
    return _connection(warehouse.version_key())


def has_warehouse() -> bool:
    return warehouse.current_path() is not None


def sql_text(name: str) -> str:
    """The text of `queries/<name>.sql` (also shown on the metric catalogue page)."""
    return query_text(name)


@st.cache_data(show_spinner=False, max_entries=512)
def _query(version: str, name: str, params: dict) -> pd.DataFrame:
    if "workday_cum" in query_parameters(name):  # working days: bound here, too long for a cache key
        params = {**params, **calendar.sql_params()}
    return run_query(connection(), name, params)


def scoped(filters):
    """The filters narrowed to the logged-in user's grids (SECURITY.md): applied here, under every page, so
    no page or URL can ask for another grid."""
    return clamp_filters(filters, current_scope())


def query(name: str, filters=None, **params) -> pd.DataFrame:
    """Run `queries/<name>.sql` with the filters' parameters (`Filters.to_params()`: `$start`,
    `$end_exclusive`, `$grids` …) and any extra ones; only those the SQL mentions are bound. A query without
    filters is street-wide: a user limited to grids may not run it."""
    if filters is None and current_scope().limited:
        raise PermissionError(f"{name} cannot be limited to grids")
    wanted = query_parameters(name)
    page = units.page_params(connection(), scoped(filters), wanted, facts().data_as_of) if filters is not None else {}
    bound = {**page, **params}
    return _query(warehouse.version_key(), name, bound)


@st.cache_data(show_spinner=False, max_entries=8)
def _facts(version: str) -> WarehouseFacts:
    return warehouse_facts(connection())


def facts() -> WarehouseFacts:
    """What the engine needs to know about this warehouse version (inputs present, data span, known filter
    values), found once per version instead of once per engine call."""
    return _facts(warehouse.version_key())


@st.cache_data(show_spinner=False, max_entries=256)
def _kpis(version: str, filters, ids: tuple[str, ...] | None) -> dict:
    return metrics.compute_kpis(connection(), filters, ids=list(ids) if ids else None, facts=facts())


def kpis(filters, ids=None) -> dict:
    """{kpi_id: KpiResult} for the filters: every KPI when `ids` is None (the overview and its composite), else
    only those, so a page runs only its own KPIs' queries."""
    return _kpis(warehouse.version_key(), scoped(filters), tuple(ids) if ids else None)


@st.cache_data(show_spinner=False, max_entries=256)
def _series(version: str, kpi_ids: tuple[str, ...], filters, grain: str, periods: int) -> dict[str, pd.DataFrame]:
    return metrics.kpi_series_many(connection(), kpi_ids, filters, grain=grain, periods=periods, facts=facts())


def series_many(kpi_ids, filters, grain: str = "month", periods: int = 24) -> dict[str, pd.DataFrame]:
    """{kpi_id: the KPI for the `periods` periods up to the one holding the window's end, with XmR limits and
    signals} (the engine's `kpi_series`: period_start, value, n, mean, ucl, lcl, signal, signal_rule, partial …),
    computed in one evaluation for all the KPIs."""
    return _series(warehouse.version_key(), tuple(kpi_ids), scoped(filters), grain, periods)


def series(kpi_id: str, filters, grain: str = "month", periods: int = 24) -> pd.DataFrame:
    """One KPI's series (see series_many)."""
    return series_many((kpi_id,), filters, grain, periods)[kpi_id]


@st.cache_data(show_spinner=False, max_entries=256)
def _by(version: str, kpi_ids: tuple[str, ...], filters, by: str) -> dict[str, pd.DataFrame]:
    return metrics.compute_by_many(connection(), kpi_ids, filters, by=by, facts=facts())


def by_many(kpi_ids, filters, by: str) -> dict[str, pd.DataFrame]:
    """{kpi_id: the KPI per group (`grid_id`, `team`, `service_line`, `channel`) with funnel limits}, computed in
    one evaluation for all the KPIs."""
    return _by(warehouse.version_key(), tuple(kpi_ids), scoped(filters), by)


def by(kpi_id: str, filters, by: str) -> pd.DataFrame:
    """One KPI per group (see by_many)."""
    return by_many((kpi_id,), filters, by)[kpi_id]


# Where a section looks for its latest period with data when the chosen window has too little: months and
# quarters (micro-projects are voted a few a month), up to two years back.
FALLBACK_GRAINS = (("month", 24), ("quarter", 8))


def section_filters(kpi_id: str, filters):
    """The filters a page section uses for `kpi_id`: the chosen ones when the KPI has data to show there, else
    the same filters over the latest month or quarter up to the window's end that has, so a section is never
    empty while the data has any period for it (issue 14). Returns (filters, True when it fell back)."""
    if catalogue()[kpi_id].kind in ("composite", "drivers"):  # no series to search
        return filters, False
    result = kpis(filters, [kpi_id])[kpi_id]
    if "suppressed" not in result.flags or "missing_input" in result.flags:
        return filters, False
    found = [
        period
        for grain, periods in FALLBACK_GRAINS
        if (period := metrics.latest_period_with_data(series(kpi_id, filters, grain, periods))) is not None
    ]
    if found:  # the most recent; of two ending together, the shorter
        start, end = max(found, key=lambda period: (period[1], period[0]))
        return filters.with_window(start, end), True
    year = last_12_months(filters)  # rare events (差评 to rectify): a year may hold enough
    if "suppressed" not in kpis(year, [kpi_id])[kpi_id].flags:
        return year, True
    return filters, False


def last_12_months(filters):
    """The filters over the twelve whole months up to the window's end."""
    end_month = filters.end.replace(day=1)
    if add_months(end_month, 1) - timedelta(days=1) > filters.end:
        end_month = add_months(end_month, -1)  # the month holding the window's end is not over yet
    return filters.with_window(add_months(end_month, -11), add_months(end_month, 1) - timedelta(days=1))


def _last_whole_quarter(filters):
    quarter = date(filters.end.year, 3 * ((filters.end.month - 1) // 3) + 1, 1)
    if add_months(quarter, 3) - timedelta(days=1) > filters.end:
        quarter = add_months(quarter, -3)  # the quarter holding the window's end is not over yet
    return filters.with_window(quarter, add_months(quarter, 3) - timedelta(days=1))


def latest_pillar(pillar: str, filters) -> tuple[float, object] | None:
    """(score, filters) of a pillar's composite over the last whole quarter, else the last twelve whole months,
    up to the window's end (a pillar's KPIs must each reach rank_below_n to be scored); None when neither has
    a score."""
    for window in (_last_whole_quarter(filters), last_12_months(filters)):
        value = composite(window)["pillars"].get(pillar)
        if value is not None:
            return value, window
    return None


def composite(filters) -> dict:
    """The composite score of the window (the engine's `city_score`: overall, pillars, top and bottom KPIs) with
    each pillar's composite over the previous window, scored as the engine scores the composite's own
    previous value (`comparison_composite`), for the overview's change column."""
    current = kpis(filters)
    previous = metrics.comparison_composite(current, catalogue(), "previous")
    city = current["city_score"]
    return {
        **city.detail,
        "value": city.value,
        "previous": city.previous,
        "pillars_previous": previous["pillars"],
        "results": current,
        "filters": filters,
    }


@st.cache_resource(show_spinner=False)
def catalogue():
    """The KPI catalogue (definitions do not change while the app runs)."""
    return metrics.load_catalogue()


def data_as_of():
    """The latest business timestamp in the warehouse, or None when it is empty."""
    return facts().data_as_of


@st.cache_data(show_spinner=False)
def _filter_options(version: str) -> FilterOptions:
    rows = run_query(connection(), "page_filter_options", {})
    as_of, data_from = facts().activity_through, facts().data_from
    grouped: dict[str, dict[str, str]] = {}
    districts: dict[str, str] = {}
    for dimension, code, label in rows.itertuples(index=False):
        grouped.setdefault(dimension, {})[code] = label if isinstance(label, str) and label else code
        if dimension == "street" and isinstance(label, str) and label:
            districts[code] = label  # a street's label is its district
    return FilterOptions(
        as_of=as_of.date() if as_of is not None else date.today(),
        grids=grouped.get("grid", {}),
        teams=tuple(grouped.get("team", {})),
        service_lines=tuple(grouped.get("service_line", {})),
        channels=tuple(grouped.get("channel", {})),
        data_from=data_from.date() if data_from is not None else None,
        districts=tuple(grouped.get("district", {})),
        streets=tuple(grouped.get("street", {})),
        street_districts=districts,
    )


def filter_options() -> FilterOptions:
    """The codes the filter bar offers (only the user's own grids, district or streets) and the date the presets
    count back from."""
    options = _filter_options(warehouse.version_key())
    scope = current_scope()
    if scope.grids is not None:
        options = replace(options, grids={code: name for code, name in options.grids.items() if code in scope.grids})
    if scope.districts is not None:
        options = replace(
            options,
            districts=tuple(d for d in options.districts if d in scope.districts),
            streets=tuple(s for s in options.streets if options.street_districts.get(s) in scope.districts),
        )
    if scope.streets is not None:
        options = replace(options, districts=(), streets=tuple(s for s in options.streets if s in scope.streets))
    return options


@st.cache_data(show_spinner=False, max_entries=64)
def _league(version: str, filters):
    return league_module.league(connection(), filters, facts=facts())


def league(filters):
    """The monthly ranking of the units one level below the (scoped) filters (jianfu/metrics/league.py), or None
    when there are fewer than two units."""
    return _league(warehouse.version_key(), scoped(filters))
