"""One Spark session as `jianfu kpis --engine spark` and the parity tests use it.

Local masters (`local[N]`) stay on the loopback interface with no web UI; a cluster master or a Spark Connect URL
(`sc://…`) is the city platform's, configured there. On every kind, the SQL settings that make Spark read time
as the warehouse stores it: naive local business time (TIMESTAMP_NTZ, DuckDB's TIMESTAMP), never shifted by a
session time zone.
"""

from __future__ import annotations

import os
import warnings

from jianfu import settings

SQL_CONF = {
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
    "spark.sql.session.timeZone": "UTC",  # only reached by casts between kinds of timestamp: none shift
    "spark.sql.ansi.enabled": "true",  # overflow and bad casts fail, as in DuckDB, instead of turning to NULL
}
LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.shuffle.partitions": "4",  # the default 200 tasks per shuffle cost more than the work at this size
    "spark.ui.showConsoleProgress": "false",
    # month folders are listed on the driver: the parallel listing job costs seconds and saves none locally
    "spark.sql.sources.parallelPartitionDiscovery.threshold": "100000",
}


class SparkMissing(RuntimeError):
    NEEDS = "the Spark engine needs pyspark and sqlglot: pip install 'jianfu[spark]' (and a Java 17 runtime)"


def spark_session(master: str | None = None):
    """A Spark session for `master` (default: the spark_master setting, local[2])."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkMissing(SparkMissing.NEEDS) from None
    master = master or settings.get("spark_master")
    builder = SparkSession.builder.appName("jianfu-kpis")
    if master.startswith("sc://"):
        builder = builder.remote(master)
    else:
        builder = builder.master(master)
        if master.startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            for key, value in LOCAL_CONF.items():
                builder = builder.config(key, value)
    with warnings.catch_warnings():
        # Starting the JVM imports pyspark.testing (py4j's argument converter asks it whether numpy is there),
        # whose import checks the pandas version: a FutureWarning about pandas 3 on every start. The engine never
        # goes through pyspark's pandas conversions (rows come back by collect() and toArrow()); one that does
        # warns again on its own call.
        warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
        spark = builder.getOrCreate()
    for key, value in SQL_CONF.items():
        spark.conf.set(key, value)
    if not master.startswith("sc://"):
        spark.sparkContext.setLogLevel("ERROR")
    return spark
