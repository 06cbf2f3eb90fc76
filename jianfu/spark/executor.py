"""The KPI engine on Spark: a QueryExecutor over a Parquet export (jianfu.parquet_export).

Each canonical table of the export becomes a temporary view of its own name, so the queries/ files read the same
names as on DuckDB; each query file is turned into Spark SQL by jianfu.spark.dialect with its parameters as
literals. The month folders are dropped from the views (the files' columns are the warehouse's), Spark still
skips row groups by the time columns' statistics. Views belong to the Spark session: one export per session.
"""

from __future__ import annotations

import hashlib
import json
import threading

import pyarrow as pa

from jianfu.metrics.executor import QueryExecutor
from jianfu.metrics.sql import query_text
from jianfu.parquet_export import FORMAT, MANIFEST, ExportError, read_manifest
from jianfu.spark import dialect

ROW_KEYS = ("period_key", "group_key")


class SparkExecutor(QueryExecutor):
    def __init__(self, spark, parquet_dir: str):
        self.spark = spark
        self._views: set[str] = set()
        self._views_lock = threading.Lock()
        self.parquet_dir = str(parquet_dir).rstrip("/")
        self.manifest = _manifest(spark, self.parquet_dir)
        self.schema = {name: [c["name"] for c in table["columns"]] for name, table in self.manifest["tables"].items()}
        for name, table in self.manifest["tables"].items():
            # The manifest's types, not inferred ones: no job to read footers, and an empty table keeps its types.
            columns = ", ".join(f"`{c['name']}` {dialect.spark_type(c['type'])}" for c in table["columns"])
            frame = spark.read.schema(columns).parquet(f"{self.parquet_dir}/{table['path']}")
            if table["partition_by"]:  # a folder name, not one of the warehouse's columns
                frame = frame.drop(table["partition_by"])
            frame.createOrReplaceTempView(name)

    def frame(self, name: str, params: dict):
        return self.spark.sql(dialect.to_spark(query_text(name), params, self.schema, self._list_view))

    def _list_view(self, name: str, values: list) -> str:
        """A temporary view holding one long list parameter as one row (made once per value: queries running
        side by side share it, and no two values share a name)."""
        digest = hashlib.sha1(json.dumps(values, default=str).encode()).hexdigest()[:16]
        view = f"param_{name}_{digest}"
        with self._views_lock:
            if view not in self._views:
                element = "BIGINT" if all(isinstance(v, int) for v in values) else "STRING"
                self.spark.createDataFrame([(values,)], f"value ARRAY<{element}>").createOrReplaceTempView(view)
                self._views.add(view)
        return view

    def run_rows(self, name: str, params: dict, kpi_ids=None) -> list[dict]:
        frame = self.frame(name, params)
        if kpi_ids:  # Spark prunes the aggregates and joins of the columns not kept
            frame = frame.select([c for c in frame.columns if c in ROW_KEYS or c.partition("__")[0] in set(kpi_ids)])
        return [row.asDict(recursive=True) for row in frame.collect()]

    def run_arrow(self, name: str, params: dict) -> pa.Table:
        return self.frame(name, params).toArrow()


def _manifest(spark, folder: str) -> dict:
    """The export's manifest, read by Spark itself when the folder is a URI only the cluster reaches
    (hdfs://, s3a://, abfss://…)."""
    if "://" not in folder or folder.startswith("file://"):
        return read_manifest(folder.removeprefix("file://"))
    rows = spark.read.option("wholetext", "true").text(f"{folder}/{MANIFEST}").collect()
    if not rows:
        raise ExportError(f"{folder} holds no {MANIFEST}")
    manifest = json.loads(rows[0][0])
    if manifest.get("format") != FORMAT:
        raise ExportError(f"{folder}/{MANIFEST} is not a Jianfu Parquet export")
    return manifest


def open_executor(parquet_dir: str, master: str | None = None) -> SparkExecutor:
    from jianfu.spark.session import spark_session

    if "://" not in parquet_dir:
        read_manifest(parquet_dir)  # a folder that is no export fails before the seconds a Spark start takes
    return SparkExecutor(spark_session(master), parquet_dir)
