"""DuckDB on the warehouse vs Spark local[2] on its Parquet export: the whole `jianfu kpis` report (every KPI with
its comparisons and baseline) for one month and for twelve, at each scale, with a parity check of the numbers.

    .venv/bin/python -m benchmarks.spark --scale 100k [--scale 1m] [--master local[2]]

Spark's times: the session start, the views over the export, then each report twice (the first pays for the
JVM's warm-up and Spark's query compilation). The export is cached beside the benchmark warehouse.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import timedelta

from benchmarks.datasets import _data_dir, dataset


def _timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def measure(scale: str, master: str) -> dict:
    from jianfu import warehouse
    from jianfu.metrics import Filters, data_as_of, window_preset
    from jianfu.metrics.commands import build_report
    from jianfu.parquet_export import export_parquet
    from jianfu.spark.executor import SparkExecutor
    from jianfu.spark.parity import differences
    from jianfu.spark.session import spark_session

    data = dataset(scale)
    export = data.folder / "spark-export"
    out: dict = {"scale": scale, "cases": data.manifest["rows"].get("cases")}
    with _data_dir(data.data_dir):
        con = warehouse.read_connection()
        if not (export / "manifest.json").exists():
            _, out["export_s"] = _timed(export_parquet, con, export, warehouse.version_key())
        today = data_as_of(con.cursor()).date() + timedelta(days=1)  # as `jianfu kpis` counts for old data
        windows = {
            "month": Filters(*window_preset("last_month", today)),
            "12 months": Filters(*window_preset("last_12_months", today)),
        }
        duck = {}
        for name, filters in windows.items():
            duck[name], out[f"duckdb {name} s"] = _timed(build_report, con.cursor(), filters, None)
        spark, out["spark start s"] = _timed(spark_session, master)
        executor, out["spark views s"] = _timed(SparkExecutor, spark, str(export))
        for name, filters in windows.items():
            _, out[f"spark {name} first s"] = _timed(build_report, executor, filters, None)
            report, out[f"spark {name} s"] = _timed(build_report, executor, filters, None)
            out[f"{name} differences"] = len(differences(duck[name], report))
        spark.stop()
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in out.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", default=None, help="100k, 1m, 10m (repeatable)")
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args(argv)
    for scale in args.scale or ["100k"]:
        print(json.dumps(measure(scale, args.master)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
