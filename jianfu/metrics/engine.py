"""The core every public function shares: run each KPI query once for a set of periods and turn its rows into
estimates per (KPI, period, group).

A period is an inclusive date window plus its as-of time: the moment at which open/closed, due/overdue are
judged. That is the period's end, or for a period reaching past the data, the end of the data (`data_as_of`):
so a case received in a past month is judged as it stood at that month's end (the number a meeting saw then
does not change later), and a partial current month never counts cases as overdue that may still be on time.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from jianfu import calendar
from jianfu.metrics import units
from jianfu.metrics.catalogue import Catalogue, Kpi
from jianfu.metrics.drivers import REDUCERS
from jianfu.metrics.estimates import Estimate, estimate
from jianfu.metrics.filters import FILTER_DIMENSIONS, Filters
from jianfu.metrics.sql import column_presence, missing_inputs, run_arrow, run_rows

ALL = "all"  # `by` value meaning no split
QUERY_THREADS = 2  # the machines this runs on have two cores; DuckDB parallelises within each query too


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date  # inclusive

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def end_at(self) -> datetime:
        """Exclusive end: midnight after the last day."""
        return datetime.combine(self.end + timedelta(days=1), time.min)

    def as_of(self, data_as_of: datetime | None) -> datetime:
        if data_as_of is None:
            return self.end_at
        return min(self.end_at, data_as_of + timedelta(microseconds=1))

    def is_partial(self, data_as_of: datetime | None) -> bool:
        return data_as_of is not None and self.end > data_as_of.date()


@dataclass
class Evaluation:
    """Estimates by (kpi_id, period_key, group_key); the inputs each KPI misses; the KPIs some chosen filter
    could not apply to (their table lacks that dimension)."""

    estimates: dict[tuple[str, str, object], Estimate]
    missing: dict[str, list[str]]
    unfiltered: set[str]

    def get(self, kpi_id: str, period_key: str, group=None) -> Estimate:
        return self.estimates.get((kpi_id, period_key, group), Estimate())

    def groups(self, kpi_id: str, period_key: str) -> list:
        return [g for (k, p, g) in self.estimates if k == kpi_id and p == period_key]


def cat_query_kpis(cat: Catalogue, query_name: str) -> list[Kpi]:
    return [k for k in cat.values() if k.query_name == query_name]


def check_split(kpi: Kpi, by: str) -> None:
    if by != ALL and by not in kpi.dims:
        raise ValueError(f"{kpi.id} cannot be split by {by!r} (it can by: {', '.join(kpi.dims) or 'nothing'})")


def period_rows(periods: list[Period], data_as_of) -> list[dict]:
    """The bound $periods list: each period's key, [start, end) and as-of time."""
    return [
        {"period_key": p.key, "period_start": p.start_at, "period_end": p.end_at, "as_of": p.as_of(data_as_of)}
        for p in periods
    ]


def query_params(filters: Filters, periods: list[Period], data_as_of, by: str, baseline_end: date) -> dict:
    return {
        "periods": period_rows(periods, data_as_of),
        "by": by,
        # a model may skip work only a split or a filter reads (the ratings model's rated case)
        "split_or_filtered": by != ALL or any(getattr(filters, name) for name in FILTER_DIMENSIONS),
        "baseline_date": baseline_end,
        **{name: list(getattr(filters, name)) for name in FILTER_DIMENSIONS},
        **calendar.sql_params(),
    }


def evaluate(
    con,
    cat: Catalogue,
    kpis: list[Kpi],
    filters: Filters,
    periods: list[Period],
    data_as_of,
    by: str = ALL,
    presence: dict | None = None,
) -> Evaluation:
    """`presence` is column_presence(con) when the caller has it already (WarehouseFacts)."""
    if presence is None:
        presence = column_presence(con)
    missing = {k.id: missing_inputs(k.inputs, presence) for k in kpis}
    chosen_dims = set(filters.dimension_values())
    unfiltered = {k.id for k in kpis if k.query_name and chosen_dims - units.applies(k.dims)}
    by_query: dict[str, list[Kpi]] = defaultdict(list)
    for kpi in kpis:
        if kpi.query_name and not missing[kpi.id]:
            check_split(kpi, by)
            by_query[kpi.query_name].append(kpi)
    # Equal periods are computed once (a 12-month window's previous period is also its last year).
    same_as, distinct = {}, {}
    for period in periods:
        same_as[period.key] = distinct.setdefault((period.start, period.end, period.as_of(data_as_of)), period).key
    periods = list(distinct.values())
    # The query files run side by side, each on a cursor of its own made here (STACK.md: never share one
    # connection between threads): most are small, and their planning and Python work overlaps the big scans.
    cursors = {query_name: con.cursor() for query_name in by_query}
    try:
        with ThreadPoolExecutor(max_workers=QUERY_THREADS) as pool:
            parts = list(
                pool.map(
                    lambda name: _query_estimates(
                        cursors[name], cat, name, by_query[name], filters, periods, data_as_of, by
                    ),
                    by_query,
                )
            )
    finally:
        for cursor in cursors.values():
            cursor.close()
    estimates: dict[tuple[str, str, object], Estimate] = {k: v for part in parts for k, v in part.items()}
    # Periods with no rows at all: an empty window, n = 0 (suppressed, never read as a 0).
    for kpi in kpis:
        if kpi.query_name and not missing[kpi.id] and not kpi.reducer and by == ALL:
            for period in periods:
                estimates.setdefault((kpi.id, period.key, None), estimate(kpi.kind, {}))
    estimates.update(
        {
            (kpi_id, key, group): est
            for (kpi_id, computed, group), est in list(estimates.items())
            for key, same in same_as.items()
            if same == computed and key != computed
        }
    )
    return Evaluation(estimates, missing, unfiltered)


def _query_estimates(
    con, cat: Catalogue, query_name: str, group: list[Kpi], filters: Filters, periods: list[Period], data_as_of, by: str
) -> dict:
    """One query file's estimates for its KPIs. A query filters only on the dimensions its table has; the
    others are passed as "no filter"."""
    narrowed = units.narrow(con, filters, group[0].dims)
    params = query_params(narrowed, periods, data_as_of, by, cat.baseline[1])
    if group[0].reducer:  # row-level results, possibly many: kept in Arrow
        reduced = REDUCERS[group[0].reducer](run_arrow(con, query_name, params), [k.id for k in group])
        return {
            (kpi_id, period_key, group_key): est
            for (period_key, group_key), by_kpi in reduced.items()
            for kpi_id, est in by_kpi.items()
        }
    wanted = [k.id for k in group] if len(group) < len(cat_query_kpis(cat, query_name)) else None
    return _row_estimates(run_rows(con, query_name, params, wanted), group)


def _row_estimates(rows: list[dict], kpis: list[Kpi]) -> dict:
    out = {}
    if not rows:
        return out
    columns = {kpi.id: [c for c in rows[0] if c.startswith(kpi.id + "__")] for kpi in kpis}
    for record in rows:
        group_key = record.get("group_key")
        for kpi in kpis:
            parts = {c[len(kpi.id) + 2 :]: record[c] for c in columns[kpi.id]}
            out[(kpi.id, record["period_key"], group_key)] = estimate(kpi.kind, parts)
    return out
