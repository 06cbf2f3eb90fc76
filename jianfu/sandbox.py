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

The query itself runs in a child process forked from a clean fork server, with its own address-space limit
(`sql_memory_mb`, RLIMIT_AS), as SQL Lab runs queries outside the web server: DuckDB hands a result over in
vectors of 2,048 rows whatever their size, and a vector of lists or long strings is allocated outside DuckDB's
own memory limit, so a single `select range(0, 1000000) from range(5000)` would otherwise grow the server past
the machine's memory. In the child the same query fails with an out-of-memory error (or the child dies), and the
server only reads a result already bounded in rows (`sql_max_rows`) and bytes (`sql_max_result_mb`).

Access control: the views are built from `scope` (the grids a user may see). With `scope=None` every view
shows every row; with a tuple of grid ids each view keeps only that grid's rows (with a UnitScope, the grids
and street-named cases of a district or street leader's units), and tables that cannot be
tied to a grid are either street-wide inventories (shown whole) or administrative (hidden). The raw tables
stay reachable only under the hidden catalog, which layer 1 refuses.
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import threading
import time
from dataclasses import dataclass

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.ipc  # noqa: F401 — the child hands its result over as an Arrow stream

from jianfu import settings, warehouse
from jianfu.access.scope import UnitScope
from jianfu.references import PARENTS, parent_exists
from jianfu.schema import TABLES

HIDDEN_CATALOG = "warehouse_ro"
SYSTEM_TABLES = ("import_log", "rejects")  # the importer keeps nothing personal of a rejected value
# DuckDB's own limit inside the child; the child's address space (sql_memory_mb) bounds everything else.
MEMORY_LIMIT = "1GB"
FETCH_ROWS = 2048  # one DuckDB vector: the smallest step in which a result can be measured
# Time the child may take beyond the query's limit (start, attach, result hand-over) before it is killed.
CHILD_GRACE_S = 10
ALLOWED_TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})
# Scalar functions that read the server's configuration (home, temp and secret directories).
DENIED_FUNCTIONS = frozenset({"current_setting"})
ALLOWED_SHOW = frozenset({'"tables"'})  # SHOW TABLES lists the exposed views only
READ_STATEMENTS = frozenset({"SELECT"})  # DESCRIBE, SUMMARIZE, FROM, VALUES, WITH all parse as SELECT

# How each table is narrowed to a user's grids. A table not listed is a street-wide inventory that everyone
# may read; a table mapped to None is administrative and hidden from a scoped user.
_IN_SCOPE = "grid_id in (select grid_id from scope.grids)"
# A case is also in a street's scope when it has no known grid and its work order names the street (the rule of
# queries/unit_hierarchy.sql); scope.streets is empty for a user limited to grids.
_CASE_IN_SCOPE = (
    f"{_IN_SCOPE} or coalesce((select max(g.street) from {HIDDEN_CATALOG}.main.grids as g "
    "where g.grid_id = t.grid_id), t.street) in (select street from scope.streets)"
)
# A child table is narrowed through its (already narrowed) parent view, on the full key: see jianfu/references.py
# (ids are unique only per exporting system, so an id alone could reach another grid's row).
_THROUGH_PARENT = {
    child: parent_exists(child, "t", f'"{parent}"', f'{HIDDEN_CATALOG}.main."{parent}"')
    for child, (parent, _) in PARENTS.items()
}
SCOPE_RULES: dict[str, str | None] = {
    "cases": _CASE_IN_SCOPE,
    "survey_responses": _IN_SCOPE,
    "micro_projects": _IN_SCOPE,
    "grids": _IN_SCOPE,
    "workers": _IN_SCOPE,
    **_THROUGH_PARENT,
    "import_log": None,
    "rejects": None,
}


@dataclass(frozen=True)
class SqlResult:
    frame: pd.DataFrame
    truncated: bool
    elapsed_ms: float
    error: str | None = None
    # A stable code the UI translates (`empty`, `no_warehouse`, `multiple_statements`, `not_read_only`,
    # `table_not_allowed`, `function_not_allowed`, `time_limit`, `memory_limit`, `result_too_large`,
    # `sql_error`); `detail` fills its blank.
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
        rows = con.execute(
            "select table_name, column_name from duckdb_columns() "
            "where database_name = 'memory' and schema_name = 'main' "
            "order by table_name, column_index"
        ).fetchall()
    finally:
        con.close()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def run_sql(
    sql: str, *, scope: tuple[str, ...] | None = None, time_limit_ms: int | None = None, max_rows: int | None = None
) -> SqlResult:
    """Run one read-only query in a locked sandbox in a child process; never raises for anything the user typed."""
    limits = _Limits(
        int(time_limit_ms or settings.get("sql_time_limit_ms")),
        int(max_rows or settings.get("sql_max_rows")),
        int(settings.get("sql_max_result_mb")),
        int(settings.get("sql_memory_mb")),
    )
    started = time.perf_counter()
    if not sql or not sql.strip().rstrip(";").strip():
        return _failed(started, "empty", "Type a query first.")
    path = warehouse.current_path()
    if path is None:
        return _failed(started, "no_warehouse", "There is no warehouse yet: import data first.")
    reply = _in_child(str(path), sql, scope, limits)
    if reply[0] == "error":
        _, code, message, detail = reply
        return _failed(started, code, message, detail)
    _, ipc, truncated = reply
    frame = pa.ipc.open_stream(ipc).read_all().to_pandas()
    return SqlResult(frame, truncated, _ms_since(started))


@dataclass(frozen=True)
class _Limits:
    time_ms: int
    rows: int
    result_mb: int
    memory_mb: int


def _failed(started: float, code: str, message: str, detail: str = "") -> SqlResult:
    return SqlResult(pd.DataFrame(), False, _ms_since(started), message, code, detail)


def _memory_reply(limits: _Limits) -> tuple:
    mb = str(limits.memory_mb)
    return (
        "error",
        "memory_limit",
        f"The query needed more than the console's {mb} MB of memory and was stopped; select fewer or smaller columns.",
        mb,
    )


_forkserver = multiprocessing.get_context("forkserver")
# The fork server imports this module once; each query then starts in milliseconds, single-threaded and clean
# (a plain fork of the multi-threaded server could inherit a lock held by another thread). It never re-runs the
# parent's main module in a child (jianfu/sandbox_forkserver.py).
_forkserver.set_forkserver_preload(["jianfu.sandbox_forkserver", __name__])


def _in_child(path: str, sql: str, scope, limits: _Limits) -> tuple:
    """Run the query in a child with its own memory limit; a child that dies or hangs is an answer too."""
    receiver, sender = _forkserver.Pipe(duplex=False)
    child = _forkserver.Process(target=_child_main, args=(sender, path, sql, scope, limits), daemon=True)
    child.start()
    sender.close()
    try:
        if receiver.poll(limits.time_ms / 1000 + CHILD_GRACE_S):
            return receiver.recv()
        seconds = f"{limits.time_ms / 1000:g}"
        return ("error", "time_limit", f"The query was stopped at the time limit of {seconds} s.", seconds)
    except (EOFError, OSError):  # the child died before it answered: the kernel or the allocator stopped it
        return _memory_reply(limits)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)


def _child_main(sender, path: str, sql: str, scope, limits: _Limits) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    address_space = limits.memory_mb << 20 if hard == resource.RLIM_INFINITY else min(limits.memory_mb << 20, hard)
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    try:
        reply = _run_here(path, sql, scope, limits)
    except MemoryError:
        reply = _memory_reply(limits)
    sender.send(reply)
    sender.close()


def _run_here(path: str, sql: str, scope, limits: _Limits) -> tuple:
    con = _sandbox(path, scope)
    try:
        try:
            check_sql(con, sql, set(visible_tables(scope)))
        except SqlRefused as refused:
            return ("error", refused.code, str(refused), refused.detail)
        cursor = con.cursor()
        timer = threading.Timer(limits.time_ms / 1000, cursor.interrupt)
        timer.start()
        try:
            return _fetch_bounded(cursor, sql, limits)
        except duckdb.InterruptException:
            seconds = f"{limits.time_ms / 1000:g}"
            return ("error", "time_limit", f"The query was stopped at the time limit of {seconds} s.", seconds)
        except (duckdb.OutOfMemoryException, MemoryError):
            return _memory_reply(limits)
        except (duckdb.Error, OSError) as exc:
            message = str(exc).split("\n")[0]
            if "Out of Memory" in message or "failed to allocate" in message:
                return _memory_reply(limits)
            return ("error", "sql_error", message, message)
        finally:
            timer.cancel()
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
            raise SqlRefused(
                "table_not_allowed", f"Table {shown} is not available here; use one of the listed tables.", shown
            )
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
    return [
        entry["key"]
        for node in _nodes(tree)
        if isinstance(node.get("cte_map"), dict)
        for entry in node["cte_map"].get("map", [])
    ]


def _sandbox(path: str, scope: tuple[str, ...] | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config=warehouse.DUCKDB_CONFIG)
    try:
        con.execute(f"attach '{_quote(path)}' as {HIDDEN_CATALOG} (read_only)")
        con.execute("create schema scope")
        con.execute("create table scope.grids (grid_id varchar)")
        con.execute("create table scope.streets (street varchar)")
        if isinstance(scope, UnitScope):
            _fill_unit_scope(con, scope)
        elif scope:
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


def _fill_unit_scope(con, scope: UnitScope) -> None:
    """A district or street leader's scope as grids and streets: the chosen streets and every street of the
    chosen districts, and every grid of those streets or districts."""
    grids = f"{HIDDEN_CATALOG}.main.grids"
    params = {"districts": list(scope.districts), "streets": list(scope.streets)}
    con.execute(
        f"insert into scope.streets select distinct s from (select unnest($streets) as s union all "
        f"select street from {grids} where list_contains($districts, district)) where s is not null",
        params,
    )
    con.execute(
        f"insert into scope.grids select grid_id from {grids} "
        "where list_contains($districts, district) or street in (select street from scope.streets)",
        {"districts": params["districts"]},
    )


def _view_sql(name: str, scope: tuple[str, ...] | None) -> str:
    base = f'select * from {HIDDEN_CATALOG}.main."{name}" as t'
    rule = SCOPE_RULES.get(name)
    return f"{base} where {rule}" if scope is not None and rule else base


def _fetch_bounded(cursor: duckdb.DuckDBPyConnection, sql: str, limits: _Limits) -> tuple:
    """Stream the result a vector at a time and stop at max_rows + 1 rows (the extra row only tells that the result
    was cut) or at the byte bound (a clear refusal: a cut by size would hide which rows are missing)."""
    reader = cursor.sql(sql).to_arrow_reader(FETCH_ROWS)
    batches, count, size = [], 0, 0
    for batch in reader:
        batches.append(batch)
        count += batch.num_rows
        size += batch.nbytes
        if size > limits.result_mb << 20:
            mb = str(limits.result_mb)
            return (
                "error",
                "result_too_large",
                f"The result is larger than {mb} MB; select fewer rows or columns.",
                mb,
            )
        if count > limits.rows:
            break
    table = pa.Table.from_batches(batches, schema=reader.schema).slice(0, limits.rows)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as stream:
        stream.write_table(table)
    return ("ok", sink.getvalue().to_pybytes(), count > limits.rows)


def _quote(text: str) -> str:
    return text.replace("'", "''")


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
