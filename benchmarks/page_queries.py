"""A page's query set: every call a page makes into its cached data accessors (`jianfu.ui.data`), recorded while
the page renders, then replayed without Streamlit's cache to time the queries alone.

Recording needs no hook in page code: every engine call and page query goes through the `_…` cached functions
of `jianfu.ui.data`, so wrapping those module attributes sees them all. Repeated calls with equal arguments are
one query (the page's cache answers the repeats).
"""
from __future__ import annotations

import pickle
import time
from dataclasses import dataclass, field

# The cached accessors of jianfu.ui.data; each takes the warehouse version as its first argument.
ACCESSORS = ("_query", "_kpis", "_series", "_by", "_data_as_of", "_filter_options")


@dataclass
class Call:
    accessor: str
    args: tuple  # without the leading warehouse version
    kwargs: dict = field(default_factory=dict)

    def label(self) -> str:
        """A short name for profiles: the accessor and the KPI or query it ran."""
        if self.accessor == "_kpis":
            ids = self.args[1] if len(self.args) > 1 else None
            return f"kpis ({len(ids)} KPIs)" if ids else "kpis (all)"
        return " ".join([self.accessor.strip("_"), *(a for a in self.args if isinstance(a, str))])


class Recorder:
    """The distinct calls made since the last `reset()`."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._seen: set[bytes] = set()

    def reset(self) -> None:
        self.calls, self._seen = [], set()

    def add(self, accessor: str, args: tuple, kwargs: dict) -> None:
        key = pickle.dumps((accessor, args, sorted(kwargs.items())))
        if key not in self._seen:
            self._seen.add(key)
            self.calls.append(Call(accessor, args, kwargs))


def install_recorder() -> Recorder:
    """Wrap the accessors so that each call is recorded; calls still go through the cache, so the page
    renders as usual."""
    from jianfu.ui import data

    recorder = Recorder()

    def wrap(accessor: str, original):
        def recording(version, *args, **kwargs):
            recorder.add(accessor, args, kwargs)
            return original(version, *args, **kwargs)
        recording.original = original
        return recording

    missing = [accessor for accessor in ACCESSORS if not hasattr(data, accessor)]
    if missing:  # a renamed accessor would silently drop queries from every page's set
        raise RuntimeError(f"jianfu.ui.data has no {', '.join(missing)}: update benchmarks/page_queries.ACCESSORS")
    for accessor in ACCESSORS:
        setattr(data, accessor, wrap(accessor, getattr(data, accessor)))
    return recorder


def uncached(accessor: str):
    """The accessor's function without Streamlit's cache around it."""
    from jianfu.ui import data

    function = getattr(data, accessor)
    function = getattr(function, "original", function)
    return getattr(function, "__wrapped__", function)


def run_calls(calls: list[Call]) -> list[float]:
    """Run each call once, uncached; seconds per call."""
    from jianfu import warehouse

    version = warehouse.version_key()
    seconds = []
    for call in calls:
        function = uncached(call.accessor)
        started = time.perf_counter()
        function(version, *call.args, **call.kwargs)
        seconds.append(time.perf_counter() - started)
    return seconds


class SqlTimer:
    """Seconds spent in DuckDB per query file (or per statement's first line when it is no query file)."""

    def __init__(self) -> None:
        from jianfu.settings import ROOT

        self._names = {p.read_text(encoding="utf-8"): p.stem for p in (ROOT / "queries").glob("*.sql")}
        self.seconds: dict[str, float] = {}
        self.count: dict[str, int] = {}

    def charge(self, sql: str | None, seconds: float, new_statement: bool) -> None:
        if sql is None:
            return
        name = self._names.get(sql) or sql.strip().splitlines()[0][:60]
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.count[name] = self.count.get(name, 0) + (1 if new_statement else 0)

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


class Timed:
    """A DuckDB connection, cursor or relation whose method calls are timed and charged to the SQL text that
    created them (relations run lazily, so fetching counts as part of their query)."""

    def __init__(self, target, timer: SqlTimer, sql: str | None = None):
        self._target, self._timer, self._sql = target, timer, sql

    def __getattr__(self, name: str):
        import duckdb

        attribute = getattr(self._target, name)
        if not callable(attribute):
            return attribute

        def timed(*args, **kwargs):
            statement = name in ("sql", "execute", "query") and bool(args) and isinstance(args[0], str)
            sql = args[0] if statement else self._sql
            started = time.perf_counter()
            result = attribute(*args, **kwargs)
            self._timer.charge(sql, time.perf_counter() - started, statement)
            if isinstance(result, (duckdb.DuckDBPyConnection, duckdb.DuckDBPyRelation)):
                return Timed(result, self._timer, sql)
            return result
        return timed


def profile_calls(calls: list[Call]) -> dict:
    """Run the calls once with every DuckDB statement timed: seconds per call and per query file."""
    from jianfu import warehouse
    from jianfu.ui import data

    timer = SqlTimer()
    proxy = Timed(warehouse.read_connection(), timer)
    data.connection = lambda: proxy
    seconds = run_calls(calls)
    return {"call_seconds": seconds, "sql_seconds": timer.seconds, "sql_count": timer.count}
