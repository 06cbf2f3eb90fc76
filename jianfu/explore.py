"""The analyst's drill-down and pivot builder over the canonical tables.

No SQL text comes from the user here: tables, columns and aggregations are chosen from lists built from
`jianfu/schema.py`, checked again on arrival, and quoted; every value (dates, codes) is a bound parameter.
That is why these queries are assembled in Python rather than kept in `queries/`: their shape is the user's
choice. The global filters apply to a table through its own column, or through the table it hangs off (a
rating's grid is its case's grid); a filter that cannot apply to a table is reported, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import duckdb
import pandas as pd

from jianfu import settings
from jianfu.metrics import load_catalogue, units, view
from jianfu.metrics.engine import Period, query_params
from jianfu.metrics.filters import FILTER_DIMENSIONS
from jianfu.metrics.sql import data_as_of, query_text, text_parameters
from jianfu.references import PARENTS, parent_exists
from jianfu.schema import BOOL, DATE, FLOAT, INT, PROVENANCE_COLUMNS, TABLES, TEXT, TS

AGGREGATIONS = {"count": "count(*)", "sum": "sum({c})", "mean": "avg({c})", "median": "median({c})"}
MISSING_KEY = "—"
MAX_PIVOT_COLUMNS = 40  # distinct values across the top of a pivot; more is unreadable
DRILL_PARTS = ("denominator", "numerator")
_FINAL = re.compile(r"select\s+\*\s+from\s+final\s*;?\s*$", re.IGNORECASE)


class ExploreError(ValueError):
    """A choice that cannot be served: one clear sentence; `code` + `fmt` let the UI say it in its language."""

    def __init__(self, message: str, code: str = "invalid_choice", **fmt):
        super().__init__(message)
        self.code = code
        self.fmt = fmt


@dataclass(frozen=True)
class Selection:
    """Rows of one table under the filters: the WHERE clause, its parameters, and what could not apply."""

    table: str
    where: str
    params: dict
    not_applied: tuple[str, ...]  # Filters fields this table cannot be filtered by


@dataclass(frozen=True)
class Rows:
    frame: pd.DataFrame
    total: int  # rows matching, before the cap
    truncated: bool
    not_applied: tuple[str, ...] = ()


@dataclass(frozen=True)
class Drill:
    """The rows behind one KPI for a window: the chosen part's rows (capped) and both counts."""

    kpi_id: str
    part: str
    rows: Rows
    numerator: int | None  # rows counted in the numerator; None when the KPI has no such rows
    denominator: int | None  # rows in the denominator; None when it is not a count of rows (a pace per day)


def tables() -> list[str]:
    return list(TABLES)


def dimension_columns(table: str) -> list[str]:
    """Columns a pivot may group by: codes, text, flags, small integers, and dates (grouped by month); not the
    table's own single-column key (one group per row) nor personal columns (hashes and free text group nothing)."""
    spec = _table(table)
    return [
        c.name
        for c in spec.columns
        if c.type in (TEXT, BOOL, INT, DATE, TS) and spec.key != (c.name,) and not c.personal
    ]


def measure_columns(table: str) -> list[str]:
    """Columns sum/mean/median may aggregate."""
    return [c.name for c in _table(table).columns if c.type in (INT, FLOAT)]


def select_rows(table: str, filters=None) -> Selection:
    """The WHERE clause that puts `filters` on `table` (window on its date column, dimension lists)."""
    spec = _table(table)
    clauses, params, not_applied = [], {}, []
    if filters is not None and spec.date_column:
        clauses.append(f'"{spec.date_column}" >= $start and "{spec.date_column}" < $end_exclusive')
        params.update(start=filters.start, end_exclusive=filters.end + timedelta(days=1))
    for field, column in FILTER_DIMENSIONS.items():
        values = list(getattr(filters, field, ()) or ()) if filters is not None else []
        if not values:
            continue
        params[field] = values
        unit = _unit_clause(table, field)
        if unit is not None:
            clauses.append(unit)
        elif column in spec.column_names:
            clauses.append(f'list_contains(${field}, "{column}")')
        elif table in PARENTS and column in TABLES[PARENTS[table][0]].column_names:
            # A table without the filter's column hangs off a parent that has it, found on the full key.
            parent = f'"{PARENTS[table][0]}"'
            clauses.append(parent_exists(table, f'"{table}"', parent, parent, f'list_contains(${field}, p."{column}")'))
        else:
            params.pop(field)
            not_applied.append(field)
    return Selection(table, " and ".join(clauses) or "true", params, tuple(not_applied))


def _unit_clause(table: str, field: str) -> str | None:
    """A district or street filter on a table that knows grids (or hangs off cases), by the rule of
    queries/unit_hierarchy.sql: a case's street is its grid's, else the one its work order names; its district
    is its grid's, else its street's. None for the grids table itself (its own columns) and other tables."""
    if field not in units.UNIT_FIELDS or table == "grids":
        return None
    if "grid_id" in _table(table).column_names:
        return _unit_predicate(table, f'"{table}"', field)
    if table in PARENTS and PARENTS[table][0] == "cases":
        return parent_exists(table, f'"{table}"', '"cases"', '"cases"', _unit_predicate("cases", "p", field))
    return None


def _unit_predicate(table: str, ref: str, field: str) -> str:
    level = "street" if field == "streets" else "district"
    of_grid = f"(select max(g.{level}) from grids as g where g.grid_id = {ref}.grid_id)"
    if table != "cases":
        return f"list_contains(${field}, {of_grid})"
    street = f"coalesce((select max(g.street) from grids as g where g.grid_id = {ref}.grid_id), {ref}.street)"
    if level == "street":
        return f"list_contains($streets, {street})"
    of_street = f"(select max(s.district) from grids as s where s.street = {street})"
    return f"list_contains($districts, coalesce({of_grid}, {of_street}))"


def pivot(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: list[str],
    column: str | None = None,
    aggregation: str = "count",
    measure: str | None = None,
    filters=None,
) -> Rows:
    """Group `table` by `rows` (and spread `column` across the top) under `filters`.

    Dates and timestamps group by month. The long result is capped by `sql_max_rows` like every table."""
    spec = _table(table)
    groups = [*rows, *([column] if column else [])]
    for name in groups:
        if name not in dimension_columns(table):
            raise ExploreError(f"{table} cannot be grouped by {name!r}.")
    if len(set(groups)) != len(groups):
        raise ExploreError("Each column can be used only once.")
    if aggregation not in AGGREGATIONS:
        raise ExploreError(f"Unknown aggregation {aggregation!r}; choose one of {', '.join(AGGREGATIONS)}.")
    if aggregation != "count" and measure not in measure_columns(table):
        raise ExploreError(f"{aggregation} needs a numeric column of {table}.")
    value_name = aggregation if aggregation == "count" else f"{aggregation}_{measure}"
    keys = [_group_expression(spec.column(name)) for name in groups]
    selection = select_rows(table, filters)
    aggregate = AGGREGATIONS[aggregation].format(c=f'"{measure}"')
    select_list = ", ".join(
        [*(f'{expr} as "{name}"' for expr, name in zip(keys, groups)), f'{aggregate} as "{value_name}"']
    )
    sql = f'select {select_list} from "{table}" where {selection.where} group by all order by all'

    long = con.cursor().sql(sql, params=selection.params).to_arrow_table().to_pandas()
    if column:
        long = _spread(long, rows, column, value_name, fill=0 if aggregation in ("count", "sum") else None)
    limit = int(settings.get("sql_max_rows"))
    return Rows(long.head(limit), len(long), len(long) > limit, selection.not_applied)


def _spread(long: pd.DataFrame, rows: list[str], column: str, value_name: str, fill) -> pd.DataFrame:
    if long[column].nunique(dropna=False) > MAX_PIVOT_COLUMNS:
        raise ExploreError(
            f"{column} has more than {MAX_PIVOT_COLUMNS} values: put it in the rows instead.",
            "too_many_columns",
            column=column,
            limit=MAX_PIVOT_COLUMNS,
        )
    # A missing key becomes "—" so that pandas keeps it as a row or column of its own.
    long = long.assign(
        **{
            name: long[name].astype(object).where(long[name].notna(), MISSING_KEY).astype(str)
            for name in [*rows, column]
        }
    )
    if not rows:
        return long.set_index(column)[[value_name]].T.reset_index(drop=True)
    wide = long.pivot_table(index=rows, columns=column, values=value_name, aggfunc="sum", dropna=False)
    wide.columns = [str(c) for c in wide.columns]
    return (wide.fillna(fill) if fill is not None else wide).reset_index()


def _group_expression(col) -> str:
    if col.type in (DATE, TS):
        return f"date_trunc('month', \"{col.name}\")::date"
    return f'"{col.name}"'


def _table(name: str):
    if name not in TABLES:
        raise ExploreError(f"There is no table {name!r}.")
    return TABLES[name]


def _rows_source(kpi) -> dict | None:
    """Where a KPI's rows come from: its base model (catalogue [model.*]), or the row-level CTE a hand-written
    query declares ([query.*] rows); None when it has neither."""
    cat = load_catalogue()
    if kpi.model is not None:
        model = cat.models[kpi.model]
        return {"model": model, "table": model.table, "key": model.key}
    spec = cat.queries.get(kpi.query_name or "", {})
    return {"cte": spec["rows"], "table": spec.get("table"), "key": spec.get("key")} if "rows" in spec else None


def can_drill(kpi) -> bool:
    return _rows_source(kpi) is not None and bool(view.drill_predicates(kpi))


def drill_parts(kpi) -> tuple[str, ...]:
    """The row sets a KPI has: "denominator" (every row it counts), "numerator" (the rows meeting its
    condition), or for a rate per day only "numerator"."""
    predicates = view.drill_predicates(kpi) if _rows_source(kpi) is not None else {}
    return tuple(p for p in DRILL_PARTS if p in predicates)


def drill(con: duckdb.DuckDBPyConnection, kpi, filters, part: str = "denominator", limit: int | None = None) -> Drill:
    """The rows behind `kpi` for the window and filters: its base model's rows under the same filters as the
    engine's (or a hand-written query cut at its row-level CTE), chosen by the predicates of its measure."""
    if not can_drill(kpi):
        raise ExploreError(f"{kpi.id} cannot be drilled to rows.")
    if part not in drill_parts(kpi):
        raise ExploreError(f"{kpi.id} has no {part} rows.")
    predicates, source = view.drill_predicates(kpi), _rows_source(kpi)
    if "model" in source:
        rows_sql = view.filtered_rows(source["model"])
    else:
        text = query_text(kpi.query_name)
        if not _FINAL.search(text):
            raise ExploreError(f"queries/{kpi.query_name}.sql does not end in `select * from final`.")
        rows_sql = _FINAL.sub(f"select * from {source['cte']}", text)
    # As the engine does: a filter on a dimension the query lacks is not applied (and is reported).
    narrowed = units.narrow(con, filters, kpi.dims)
    not_applied = tuple(
        name for name, dim in FILTER_DIMENSIONS.items() if getattr(filters, name) and dim not in units.applies(kpi.dims)
    )
    period = Period("current", filters.start, filters.end)
    params = query_params(narrowed, [period], data_as_of(con), "all", load_catalogue().baseline[1])
    params = {k: v for k, v in params.items() if k in text_parameters(rows_sql)}
    counts_sql = ", ".join(f"count(*) filter (where {predicates.get(p, 'false')})" for p in DRILL_PARTS)
    den, num = con.cursor().execute(f"select {counts_sql} from ({rows_sql}) as r", params).fetchone()
    limit = int(limit or settings.get("sql_max_rows"))
    chosen_sql = f"select * from ({rows_sql}) where {predicates[part]}"
    frame = (
        con.cursor()
        .sql(f"{_drill_select(con, chosen_sql, params, source)} limit {limit}", params=params)
        .to_arrow_table()
        .to_pandas()
    )
    total = num if part == "numerator" else den
    rows = Rows(
        frame.drop(columns=["period_key", "group_key"], errors="ignore"), int(total), total > limit, not_applied
    )
    return Drill(
        kpi.id,
        part,
        rows,
        int(num) if "numerator" in predicates else None,
        int(den) if "denominator" in predicates else None,
    )


def _drill_select(con, chosen_sql: str, params: dict, source: dict) -> str:
    """`select … from (chosen rows) as r`, joined to the canonical table when the CTE carries its key, so the rows
    show the record's own columns first and the KPI's flags after them."""
    table, key = source.get("table"), source.get("key")
    if not table:
        return f"select r.* from ({chosen_sql}) as r"
    cte_columns = con.cursor().sql(f"select * from ({chosen_sql}) limit 0", params=params).columns
    stored = {*TABLES[table].column_names, *(c.name for c in PROVENANCE_COLUMNS)}
    own = [c for c in cte_columns if c not in stored]
    flags = ", ".join(f'r."{c}"' for c in own)
    # A key is unique only within its exporting system: join on the system too when the rows carry it.
    same_system = ' and b."source_system" = r."source_system"' if "source_system" in cte_columns else ""
    return (
        f"select b.*{', ' + flags if flags else ''} from ({chosen_sql}) as r "
        f'inner join "{table}" as b on b."{key}" = r."{key}"{same_system}'
    )
