"""The seam between the KPI engine and the engine that runs its SQL.

The engine and its helpers pass a `con` everywhere. A DuckDB connection runs queries/ files itself (sql.py binds
their parameters); a `QueryExecutor` is any other engine (jianfu.spark.executor: Spark over a Parquet export) and
is handed the query file's name and its bound parameters to run in its own dialect.
"""

from __future__ import annotations

import pyarrow as pa


class QueryExecutor:
    """Stands where the engine expects a DuckDB connection: `cursor()` and `close()` as the engine calls them
    (one executor may run several queries at once), `run_rows` and `run_arrow` as in jianfu.metrics.sql."""

    def cursor(self) -> QueryExecutor:
        return self

    def close(self) -> None:
        """Cursors of an executor hold nothing of their own."""

    def run_rows(self, name: str, params: dict, kpi_ids=None) -> list[dict]:
        raise NotImplementedError

    def run_arrow(self, name: str, params: dict) -> pa.Table:
        raise NotImplementedError
