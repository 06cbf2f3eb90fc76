"""The analyst's read-only SQL console.

DuckDB SQL can read any local file, write files, attach databases and read Python variables in scope
(STACK.md), so a query typed by a user never runs on the app's own connection. Each call builds a fresh
in-memory DuckDB instance, ATTACHes the current warehouse file READ_ONLY under a hidden name, exposes the
canonical tables as views in the instance's own catalog, and then locks it (`enable_external_access=false`,
`lock_configuration=true`): the lock covers the whole instance, which is why it is never the app's.

Two layers, so that one mistake does not open the warehouse:
1. the text is checked before it runs (one read-only query; only the exposed views, the query's own CTEs and
   a few harmless table functions such as `range`), with a clear one-sentence refusal;
2. the locked instance refuses file, network, ATTACH, INSTALL/LOAD and SET on its own.

Access control: the views are built from `scope` (the grids a user may see). With `scope=None` every view
shows every row; with a tuple of grid ids each view keeps only that grid's rows, and tables that cannot be
tied to a grid are either street-wide inventories (shown whole) or administrative (hidden). The raw tables
stay reachable only under the hidden catalog, which layer 1 refuses.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass

import duckdb
import pandas as pd
import pyarrow as pa

from jianfu import settings, warehouse
from jianfu.schema import TABLES

HIDDEN_CATALOG = "warehouse_ro"
SYSTEM_TABLES = ("import_log", "rejects")  # the importer keeps nothing personal of a rejected value
# A query runs inside the server process: bound its memory so one runaway query cannot starve the app.
MEMORY_LIMIT = "1GB"
ALLOWED_TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})
# Scalar functions that read the server's configuration (home, temp and secret directories).
DENIED_FUNCTIONS = frozenset({"current_setting"})
ALLOWED_SHOW = frozenset({'"tables"'})  # SHOW TABLES lists the exposed views only
READ_STATEMENTS = frozenset({"SELECT"})  # DESCRIBE, SUMMARIZE, FROM, VALUES, WITH all parse as SELECT

# How each table is narrowed to a user's grids. A table not listed is a street-wide inventory that everyone
# may read; a table mapped to None is administrative and hidden from a scoped user.
_IN_SCOPE = "grid_id in (select grid_id from scope.grids)"
# Rules that read another (already narrowed) view are created after it.
_THROUGH_PARENT = {
    # A case id is unique only within its exporting system, and a rating names no system: a rating is shown
    # only when no case outside the user's grids carries its case id.
    "evaluations": "case_id in (select case_id from cases) and case_id not in (select case_id from "
                   f"{HIDDEN_CATALOG}.main.cases where grid_id is null or grid_id not in (select grid_id from scope.grids))",
    "survey_answers": "response_id in (select response_id from survey_responses)",
    "time_use": "worker_id in (select worker_id from workers)",
    "record_entries": "worker_id in (select worker_id from workers)",
}
SCOPE_RULES: dict[str, str | None] = {
    "cases": _IN_SCOPE, "survey_responses": _IN_SCOPE, "micro_projects": _IN_SCOPE, "grids": _IN_SCOPE,
    "workers": _IN_SCOPE, **_THROUGH_PARENT, "import_log": None, "rejects": None,
}


@dataclass(frozen=True)
class SqlResult:
    frame: pd.DataFrame
    truncated: bool
    elapsed_ms: float
    error: str | None = None
    # A stable code the UI translates (`empty`, `no_warehouse`, `multiple_statements`, `not_read_only`,
    # `table_not_allowed`, `function_not_allowed`, `time_limit`, `sql_error`); `detail` fills its blank.
    error_code: str | None = None
    detail: str = ""


class SqlRefused(ValueError):
    def __init__(self, code: str, message: str, detail: str = ""):
        super().__init__(message)
        self.code = code
        self.detail = detail


def visible_tables(scope: tuple[str, ...] | None = None) -> list[str]:
    """The views a user of this scope can query."""
    names = [name for name in (*TABLES, *SYSTEM_TABLES) if scope is None or SCOPE_RULES.get(name, "") is not None]
    return sorted(names, key=lambda name: name in _THROUGH_PARENT)  # a view that reads another comes after it


def table_columns(scope: tuple[str, ...] | None = None) -> dict[str, list[str]]:
    """{view: [column, …]} as the console sees them (for its table list); empty without a warehouse."""
    path = warehouse.current_path()
    if path is None:
        return {}
    con = _sandbox(str(path), scope)
    try:
        rows = con.execute("select table_name, column_name from duckdb_columns() "
                           "where database_name = 'memory' and schema_name = 'main' "
                           "order by table_name, column_index").fetchall()
    finally:
        con.close()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def run_sql(sql: str, *, scope: tuple[str, ...] | None = None, time_limit_ms: int | None = None,
            max_rows: int | None = None) -> SqlResult:
    """Run one read-only query in a locked sandbox; never raises for anything the user typed."""
    time_limit_ms = int(time_limit_ms or settings.get("sql_time_limit_ms"))
    max_rows = int(max_rows or settings.get("sql_max_rows"))
    started = time.perf_counter()

    def failed(code: str, message: str, detail: str = "") -> SqlResult:
        return SqlResult(pd.DataFrame(), False, _ms_since(started), message, code, detail)

    if not sql or not sql.strip().rstrip(";").strip():
        return failed("empty", "Type a query first.")
    path = warehouse.current_path()
    if path is None:
        return failed("no_warehouse", "There is no warehouse yet: import data first.")
    con = _sandbox(str(path), scope)
    try:
        try:
            check_sql(con, sql, set(visible_tables(scope)))
        except SqlRefused as refused:
            return failed(refused.code, str(refused), refused.detail)
        cursor = con.cursor()
        timer = threading.Timer(time_limit_ms / 1000, cursor.interrupt)
        timer.start()
        try:
            frame, truncated = _fetch_capped(cursor, sql, max_rows)
        except duckdb.InterruptException:
            seconds = f"{time_limit_ms / 1000:g}"
            return failed("time_limit", f"The query was stopped at the time limit of {seconds} s.", seconds)
        except duckdb.Error as exc:
            message = str(exc).split("\n")[0]
            return failed("sql_error", message, message)
        finally:
            timer.cancel()
        return SqlResult(frame, truncated, _ms_since(started))
    finally:
        con.close()


def check_sql(con: duckdb.DuckDBPyConnection, sql: str, views: set[str]) -> None:
    """Refuse anything but one read-only query over `views`, before it runs."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        message = str(exc).split("\n")[0]
        raise SqlRefused("sql_error", message, message) from None
    if len(statements) != 1:
        raise SqlRefused("multiple_statements", "Run one statement at a time.")
    kind = statements[0].type.name
    if kind not in READ_STATEMENTS:
        raise SqlRefused("not_read_only", f"Only a read query (SELECT, WITH, FROM …) is allowed, not {kind}.", kind)
    tree = json.loads(con.execute("select json_serialize_sql(?)", [sql]).fetchone()[0])
    if tree.get("error"):
        message = tree.get("error_message", "unsupported query")
        raise SqlRefused("not_read_only", f"This statement cannot run in the console: {message}.", message)
    ctes = {name.lower() for name in _cte_names(tree)}
    allowed = {v.lower() for v in views}
    for node in _nodes(tree):
        _check_node(node, allowed, ctes)


def _check_node(node: dict, views: set[str], ctes: set[str]) -> None:
    kind = node.get("type")
    if kind == "BASE_TABLE":
        name = node.get("table_name", "").lower()
        catalog, schema = node.get("catalog_name", "").lower(), node.get("schema_name", "").lower()
        unqualified = not catalog and not schema
        in_own_catalog = catalog in ("", "memory") and schema in ("", "main")
        if not ((unqualified and name in ctes) or (in_own_catalog and name in views)):
            shown = ".".join(p for p in (catalog, schema, name) if p)
            raise SqlRefused("table_not_allowed", f"Table {shown} is not available here; use one of the listed "
                                                  f"tables.", shown)
    elif kind == "TABLE_FUNCTION":
        function = node.get("function", {})
        name = str(function.get("function_name", "")).lower()
        if name not in ALLOWED_TABLE_FUNCTIONS or function.get("schema") or function.get("catalog"):
            raise SqlRefused("function_not_allowed", f"The table function {name}() is not allowed here.", name)
    elif node.get("class") == "FUNCTION" and str(node.get("function_name", "")).lower() in DENIED_FUNCTIONS:
        name = str(node["function_name"]).lower()
        raise SqlRefused("function_not_allowed", f"The function {name}() is not allowed here.", name)
    elif kind == "SHOW_REF" and node.get("show_type") == "SHOW_SPECIAL":
        if node.get("table_name") not in ALLOWED_SHOW:
            raise SqlRefused("not_read_only", "Only SHOW TABLES is allowed here.", "SHOW")


def _nodes(tree):
    if isinstance(tree, dict):
        yield tree
        for value in tree.values():
            yield from _nodes(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from _nodes(value)


def _cte_names(tree) -> list[str]:
    return [entry["key"] for node in _nodes(tree) if isinstance(node.get("cte_map"), dict)
            for entry in node["cte_map"].get("map", [])]


def _sandbox(path: str, scope: tuple[str, ...] | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config=warehouse.DUCKDB_CONFIG)
    try:
        con.execute(f"attach '{_quote(path)}' as {HIDDEN_CATALOG} (read_only)")
        con.execute("create schema scope")
        con.execute("create table scope.grids (grid_id varchar)")
        if scope:
            con.executemany("insert into scope.grids values (?)", [[g] for g in scope])
        for name in visible_tables(scope):
            con.execute(f'create view "{name}" as {_view_sql(name, scope)}')
        con.execute(f"set memory_limit='{MEMORY_LIMIT}'")
        con.execute("set python_enable_replacements=false")
        con.execute("set enable_external_access=false")
        con.execute("set lock_configuration=true")
    except BaseException:
        con.close()
        raise
    return con


def _view_sql(name: str, scope: tuple[str, ...] | None) -> str:
    base = f'select * from {HIDDEN_CATALOG}.main."{name}"'
    rule = SCOPE_RULES.get(name)
    return f"{base} where {rule}" if scope is not None and rule else base


def _fetch_capped(cursor: duckdb.DuckDBPyConnection, sql: str, max_rows: int) -> tuple[pd.DataFrame, bool]:
    """Stream at most max_rows + 1 rows: the extra row only tells that the result was cut."""
    reader = cursor.sql(sql).to_arrow_reader(min(max_rows + 1, 100_000))
    batches, count = [], 0
    for batch in reader:
        batches.append(batch)
        count += batch.num_rows
        if count > max_rows:
            break
    table = pa.Table.from_batches(batches, schema=reader.schema).slice(0, max_rows)
    return table.to_pandas(), count > max_rows


def _quote(text: str) -> str:
    return text.replace("'", "''")


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
