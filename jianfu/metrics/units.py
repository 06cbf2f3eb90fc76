"""The hierarchy district > street > community > grid, and how a street or district filter reaches each query.

A case's street is its grid's street when the grid is known, else the street its work order names
(`cases.street`); its district is its grid's, else its street's (queries/unit_hierarchy.sql). The case queries
(dims with "street" and "district") filter and split on that rule in SQL. Every other query knows a grid at most:
there a district or street filter becomes the grids inside it, intersected with any grid filter. An empty result
must not reach a query as an empty list (that would mean every grid), so it becomes NO_GRID, which matches
nothing.
"""

from __future__ import annotations

from dataclasses import replace

from jianfu.metrics.filters import FILTER_DIMENSIONS, Filters
from jianfu.metrics.sql import run_rows

LEVELS = ("district", "street", "community", "grid_id")  # from the top; each one's units split the one above
UNIT_FIELDS = ("districts", "streets")  # Filters fields of the levels a filter can choose
NO_GRID = "\u2205"  # a grid id no grid has: "inside these streets there is no grid"


# The dimensions of a page query that knows grids but no street (the unit filters become grids there).
GRID_QUERY_DIMS = ("grid_id", "team", "service_line", "channel", "center")


def grids_within(con, districts, streets) -> tuple[str, ...]:
    """The grids of the grids table inside the chosen districts and streets (both applied)."""
    rows = run_rows(con, "unit_grids", {"districts": list(districts), "streets": list(streets)})
    return tuple(sorted(r["grid_id"] for r in rows))


def case_streets(con, districts, streets) -> tuple[str, ...]:
    """The streets whose cases without a grid a district or street filter takes in: the chosen streets, within
    the chosen districts (a street's district is read from the grids table)."""
    if not districts:
        return tuple(streets)
    rows = run_rows(con, "unit_grids", {"districts": list(districts), "streets": list(streets)})
    return tuple(sorted({r["street"] for r in rows if r["street"] is not None}))


def page_params(con, filters: Filters, wanted, data_as_of=None) -> dict:
    """Bind values for a page query mentioning the parameters `wanted`: the filters as it can apply them. A query
    with $districts and $streets applies them itself; one with $grids gets the grids inside the units (and, in
    $case_streets, the streets whose grid-less 12345 cases belong to them); one without either is over a
    street-wide inventory and ignores them, as it ignores a grid filter. A query reading a base model
    (filtered_<model>, jianfu/metrics/view.py) gets $periods: the window as one period, judged at the engine's
    as-of time (`data_as_of`: the end of the data), so it counts the rows its KPI card counts."""
    chosen = bool(filters.districts or filters.streets)
    streets: tuple[str, ...] = ()
    if chosen and not ("streets" in wanted and "districts" in wanted):
        if "grids" in wanted:
            streets = case_streets(con, filters.districts, filters.streets)
            filters = narrow(con, filters, GRID_QUERY_DIMS)
        else:
            filters = replace(filters, districts=(), streets=())
    params = {**filters.to_params(), "case_streets": list(streets)}
    params["split_or_filtered"] = any(getattr(filters, name) for name in FILTER_DIMENSIONS)
    if "periods" in wanted:
        from jianfu.metrics.engine import Period, period_rows  # the engine imports this module

        params["periods"] = period_rows([Period("window", filters.start, filters.end)], data_as_of)
    return params


def narrow(con, filters: Filters, dims) -> Filters:
    """The filters a query with these dimensions can apply: the others are dropped (and the KPI is flagged
    unfiltered by the engine), except a district or street filter on a query with grid_id, which becomes the
    grids inside it."""
    dims = set(dims)
    kept = {name: getattr(filters, name) if dim in dims else () for name, dim in FILTER_DIMENSIONS.items()}
    units_chosen = {name: getattr(filters, name) for name in UNIT_FIELDS if getattr(filters, name)}
    lost = {name for name in units_chosen if FILTER_DIMENSIONS[name] not in dims}
    if lost and "grid_id" in dims:
        inside = set(grids_within(con, filters.districts, filters.streets))
        grids = tuple(g for g in filters.grids if g in inside) if filters.grids else tuple(sorted(inside))
        kept["grids"] = grids or (NO_GRID,)
        for name in UNIT_FIELDS:
            kept[name] = getattr(filters, name) if FILTER_DIMENSIONS[name] in dims else ()
    return replace(filters, **kept)


def applies(dims) -> set[str]:
    """The dimensions a query can filter on, counting a district or street filter as applied on grid_id."""
    dims = set(dims)
    return dims | ({"district", "street"} if "grid_id" in dims else set())
