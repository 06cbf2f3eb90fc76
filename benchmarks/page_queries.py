"""A page's query set: every call a page makes into its cached data accessors (`jianfu.ui.data`), plus any SQL it
runs itself on `data.connection()`, recorded while the page renders, then replayed without Streamlit's cache to
time the queries alone.

Recording needs no hook in page code: engine calls and page queries go through the `_…` cached functions of
`jianfu.ui.data`, so wrapping those module attributes sees them; a page's own cached helper (the data page's
quality checks) uses `data.connection()`, so a recording connection sees its statements. Repeated calls with
equal arguments are one query (the page's cache answers the repeats).
"""

from __future__ import annotations

import pickle
import time
from dataclasses import dataclass, field
from functools import cache

# The cached accessors of jianfu.ui.data; each takes the warehouse version as its first argument.
ACCESSORS = ("_query", "_facts", "_kpis", "_series", "_by", "_filter_options")
STATEMENT = "_sql"  # a statement a page ran on data.connection() outside the accessors: args = (sql, params)
_STATEMENT_METHODS = ("sql", "execute", "query")


@cache
def _query_files() -> dict[str, str]:
    from jianfu.settings import ROOT

    return {p.read_text(encoding="utf-8"): p.stem for p in (ROOT / "queries").glob("*.sql")}


def statement_name(sql: str) -> str:
    """The query file a statement came from, else its first line."""
    return _query_files().get(sql) or sql.strip().splitlines()[0][:60]


@dataclass
class Call:
    accessor: str
    args: tuple  # without the leading warehouse version
    kwargs: dict = field(default_factory=dict)

    def label(self) -> str:
        """A short name for profiles: the accessor and the KPI or query it ran."""
        if self.accessor == "_kpis":  # (filters, kpi_ids or None)
            ids = self.args[1] if len(self.args) > 1 else None
            return f"kpis ({len(ids)} KPIs)" if ids else "kpis (all)"
        if self.accessor in ("_series", "_by"):  # (kpi_ids, filters, grain | by, …)
            ids, detail = self.args[0], self.args[2]
            return f"{self.accessor.strip('_')} {detail} ({len(ids)} KPIs: {', '.join(ids[:3])}{' …' if len(ids) > 3 else ''})"
        if self.accessor == STATEMENT:
            return f"page sql {statement_name(self.args[0])}"
        return " ".join([self.accessor.strip("_"), *(a for a in self.args if isinstance(a, str))])


class Recorder:
    """The distinct calls made since the last `reset()`."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._seen: set[bytes] = set()
        self.depth = 0  # > 0 while an accessor runs: its statements belong to it

    def reset(self) -> None:
        self.calls, self._seen = [], set()

    def add(self, accessor: str, args: tuple, kwargs: dict) -> None:
        key = pickle.dumps((accessor, args, sorted(kwargs.items())))
        if key not in self._seen:
            self._seen.add(key)
            self.calls.append(Call(accessor, args, kwargs))

    def statement(self, sql: str, args: tuple, kwargs: dict) -> None:
        if self.depth == 0:
            self.add(STATEMENT, (sql, kwargs.get("params", args[0] if args else None)), {})


def install_recorder() -> Recorder:
    """Wrap the accessors and the connection so that each call is recorded; calls still go through the cache,
    so the page renders as usual."""
    from jianfu.ui import data

    recorder = Recorder()

    def wrap(accessor: str, original):
        def recording(version, *args, **kwargs):
            recorder.add(accessor, args, kwargs)
            recorder.depth += 1
            try:
                return original(version, *args, **kwargs)
            finally:
                recorder.depth -= 1

        recording.original = original
        return recording

    missing = [accessor for accessor in (*ACCESSORS, "connection") if not hasattr(data, accessor)]
    if missing:  # a renamed accessor would silently drop queries from every page's set
        raise RuntimeError(f"jianfu.ui.data has no {', '.join(missing)}: update benchmarks/page_queries.py")
    for accessor in ACCESSORS:
        setattr(data, accessor, wrap(accessor, getattr(data, accessor)))
    connection = data.connection
    data.connection = lambda: Watched(connection(), on_statement=recorder.statement)
    return recorder


def uncached(accessor: str):
    """The accessor's function without Streamlit's cache around it."""
    from jianfu.ui import data

    function = getattr(data, accessor)
    function = getattr(function, "original", function)
    return getattr(function, "__wrapped__", function)


def _run_statement(version: str, sql: str, params) -> None:
    from jianfu.ui import data

    cursor = data.connection().cursor()
    try:
        cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()


def run_calls(calls: list[Call]) -> list[float]:
    """Run each call once, uncached; seconds per call."""
    from jianfu import warehouse

    version = warehouse.version_key()
    seconds = []
    for call in calls:
        function = _run_statement if call.accessor == STATEMENT else uncached(call.accessor)
        started = time.perf_counter()
        function(version, *call.args, **call.kwargs)
        seconds.append(time.perf_counter() - started)
    return seconds


class SqlTimer:
    """Seconds spent in DuckDB per query file (or per statement's first line when it is no query file)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.count: dict[str, int] = {}

    def charge(self, sql: str, seconds: float, new_statement: bool) -> None:
        name = statement_name(sql)
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.count[name] = self.count.get(name, 0) + (1 if new_statement else 0)


class Watched:
    """A DuckDB connection, cursor or relation whose calls are seen: `on_statement(sql, args, kwargs)` for each
    new statement, and with a `timer`, the time of every call charged to the SQL text that created the object
    (relations run lazily, so fetching counts as part of their query)."""

    def __init__(self, target, timer: SqlTimer | None = None, sql: str | None = None, on_statement=None):
        self._target, self._timer, self._sql, self._on_statement = target, timer, sql, on_statement

    def __getattr__(self, name: str):
        import duckdb

        attribute = getattr(self._target, name)
        if not callable(attribute):
            return attribute

        def watched(*args, **kwargs):
            statement = name in _STATEMENT_METHODS and bool(args) and isinstance(args[0], str)
            sql = args[0] if statement else self._sql
            if statement and self._on_statement is not None:
                self._on_statement(sql, args[1:], kwargs)
            started = time.perf_counter()
            result = attribute(*args, **kwargs)
            if self._timer is not None and sql is not None:
                self._timer.charge(sql, time.perf_counter() - started, statement)
            if isinstance(result, (duckdb.DuckDBPyConnection, duckdb.DuckDBPyRelation)):
                return Watched(result, self._timer, sql, self._on_statement)
            return result

        return watched


def profile_calls(calls: list[Call]) -> dict:
    """Run the calls once with every DuckDB statement timed: seconds per call and per query file."""
    from jianfu import warehouse
    from jianfu.ui import data

    timer = SqlTimer()
    proxy = Watched(warehouse.read_connection(), timer)
    data.connection = lambda: proxy
    seconds = run_calls(calls)
    return {"call_seconds": seconds, "sql_seconds": timer.seconds, "sql_count": timer.count}
