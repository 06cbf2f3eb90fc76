"""Running the SQL files in queries/: parameters bound by name, never pasted into the text.

A query file only receives the parameters it mentions (DuckDB refuses unused named parameters), so callers can
offer one dict of everything. The warehouse-wide facts the engine needs first (when the data ends, which inputs
hold data) come from small queries here too.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache

import pandas as pd
import pyarrow as pa

from jianfu.metrics.executor import QueryExecutor
from jianfu.schema import TABLES
from jianfu.settings import ROOT

QUERY_DIR = ROOT / "queries"
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


@cache
def query_text(name: str) -> str:
    """The SQL of query `name`: a KPI query generated from a base model (jianfu/metrics/view.py), else the file
    queries/<name>.sql with the `filtered_<model>` relations it reads defined in front."""
    from jianfu.metrics import view  # the view reads model files through this function

    generated = view.query_text(name)
    if generated is not None:
        return generated
    path = QUERY_DIR / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"query file queries/{name}.sql is missing")
    return view.compose(path.read_text(encoding="utf-8"))


def query_parameters(name: str) -> set[str]:
    return text_parameters(query_text(name))


def text_parameters(text: str) -> set[str]:
    """The $names a SQL text binds (comments left out)."""
    body = "\n".join(line.split("--", 1)[0] for line in text.splitlines())
    return set(_PARAM.findall(body))


def _bound(name: str, params: dict) -> dict:
    wanted = query_parameters(name)
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"queries/{name}.sql needs parameters {sorted(missing)}")
    return {k: params[k] for k in wanted}


def run_query(con, name: str, params: dict) -> pd.DataFrame:
    """Run queries/<name>.sql on a fresh cursor with the parameters it uses; missing ones are an error."""
    if isinstance(con, QueryExecutor):
        return con.run_arrow(name, _bound(name, params)).to_pandas()
    cursor = con.cursor()
    try:
        return cursor.sql(query_text(name), params=_bound(name, params)).to_arrow_table().to_pandas()
    finally:
        cursor.close()


def run_arrow(con, name: str, params: dict) -> pa.Table:
    """As run_query, as an Arrow table (large row-level results stay columnar: no pandas objects per row)."""
    if isinstance(con, QueryExecutor):
        return con.run_arrow(name, _bound(name, params))
    cursor = con.cursor()
    try:
        return cursor.sql(query_text(name), params=_bound(name, params)).to_arrow_table()
    finally:
        cursor.close()


def run_rows(con, name: str, params: dict, kpi_ids=None) -> list[dict]:
    """As run_query, as a list of row dicts (the engine's small result sets skip pandas). With kpi_ids, only
    period_key, group_key and those KPIs' <kpi_id>__* columns are kept, so DuckDB drops the aggregates (and
    the joins) no one reads: a series of one KPI does not pay for its whole query group."""
    if isinstance(con, QueryExecutor):
        return con.run_rows(name, _bound(name, params), kpi_ids)
    text = query_text(name)
    if kpi_ids:
        pattern = "|".join(sorted(kpi_ids))  # catalogue ids: lowercase identifiers, safe in a regex
        text = f"select period_key, group_key, columns('^({pattern})__') from (\n{text}\n)"
    cursor = con.cursor()
    try:
        relation = cursor.sql(text, params=_bound(name, params))
        columns = relation.columns
        return [dict(zip(columns, row)) for row in relation.fetchall()]
    finally:
        cursor.close()


def column_presence(con) -> dict[str, dict[str, int]]:
    """For each canonical table: {"*": row count, column: non-null count} for the columns the warehouse has."""
    presence: dict[str, dict[str, int]] = {name: {} for name in TABLES}
    for row in run_rows(con, "table_column_counts", {}):
        presence[row["table_name"]][row["column_name"]] = int(row["non_null"])
    return presence


def missing_inputs(inputs, presence: dict[str, dict[str, int]]) -> list[str]:
    """The table.column inputs without data: the column is absent, entirely NULL, or its table has no rows."""
    missing = []
    for spec in inputs:
        table, _, column = spec.partition(".")
        counts = presence.get(table, {})
        if counts.get("*", 0) == 0 or counts.get(column, 0) == 0:
            missing.append(spec)
    return missing


def data_coverage(con) -> tuple[datetime | None, datetime | None, datetime | None]:
    """(earliest, latest, latest other than a closing) event time in the warehouse (receipt, closing, rating,
    response, record, inspection, activity, access request, proposal); all None for an empty warehouse."""
    row = run_rows(con, "data_coverage", {})[0]
    return _timestamp(row["data_from"]), _timestamp(row["data_as_of"]), _timestamp(row["activity_through"])


def data_as_of(con) -> datetime | None:
    """The latest event time in the warehouse, or None when it is empty: a window ending after this day is a
    partial period."""
    return data_coverage(con)[1]


def _timestamp(value) -> datetime | None:
    if value is None:
        return None
    return value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
