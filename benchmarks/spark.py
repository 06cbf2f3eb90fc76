"""DuckDB on the warehouse vs Spark local[2] on its Parquet export: the whole `jianfu kpis` report (every KPI with
its comparisons and baseline) for one month and for twelve, at each scale, with a parity check of the numbers.

    .venv/bin/python -m benchmarks.spark --scale 100k [--scale 1m] [--master local[2]]
    .venv/bin/python -m benchmarks.spark --scale 1m --check     # parity only: what CI runs
    .venv/bin/python -m benchmarks.spark --scale 10m --check --window month   # one report, where each takes long

Spark's times: the session start, the views over the export, then each report twice (the first pays for the
JVM's warm-up and Spark's query compilation). The export is cached beside the benchmark warehouse.

--check is the 1M half of the parity proof (tests/test_spark_parity.py is the sample's half): each report once,
the two timed windows plus a street over twelve months and a channel over a quarter, and the exit status is 1
when any value differs (the first differences are printed).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import timedelta

from benchmarks.datasets import _data_dir, dataset

CHANNEL = "hotline"  # every scale's world has 12345 calls
WINDOW_NAMES = ("month", "12 months", "12 months, one street", "quarter, one channel")  # as windows() names them
SHOWN_DIFFERENCES = 20


def _timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def windows(today, check: bool) -> dict:
    """The reports compared: a month and twelve, and with --check a street and a channel filter."""
    from jianfu.metrics import Filters, window_preset
    from jianfu.sample.catalogue import STREET

    chosen = {
        "month": Filters(*window_preset("last_month", today)),
        "12 months": Filters(*window_preset("last_12_months", today)),
    }
    if check:
        chosen["12 months, one street"] = Filters(*window_preset("last_12_months", today), streets=(STREET,))
        chosen["quarter, one channel"] = Filters(*window_preset("last_quarter", today), channels=(CHANNEL,))
    return chosen


def measure(scale: str, master: str, check: bool = False, only: list[str] | None = None) -> dict:
    from jianfu import warehouse
    from jianfu.metrics import data_as_of
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
        reports = {name: f for name, f in windows(today, check).items() if not only or name in only}
        duck = {}
        for name, filters in reports.items():
            duck[name], out[f"duckdb {name} s"] = _timed(build_report, con.cursor(), filters, None)
        spark, out["spark start s"] = _timed(spark_session, master)
        executor, out["spark views s"] = _timed(SparkExecutor, spark, str(export))
        for name, filters in reports.items():
            report, out[f"spark {name} first s"] = _timed(build_report, executor, filters, None)
            if not check:
                report, out[f"spark {name} s"] = _timed(build_report, executor, filters, None)
            found = differences(duck[name], report)
            out[f"{name} differences"] = len(found)
            for line in found[:SHOWN_DIFFERENCES]:
                print(f"{scale} {name}: {line}", file=sys.stderr)
        spark.stop()
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in out.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", default=None, help="100k, 1m, 10m (repeatable)")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument(
        "--check", action="store_true", help="parity only: also filtered windows, each once; exit 1 on a difference"
    )
    parser.add_argument(
        "--window", action="append", default=None, choices=WINDOW_NAMES, help="only these windows (repeatable)"
    )
    args = parser.parse_args(argv)
    differing = 0
    for scale in args.scale or ["100k"]:
        result = measure(scale, args.master, args.check, args.window)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        differing += sum(v for k, v in result.items() if k.endswith(" differences"))
    if args.check and differing:
        print(f"Spark and DuckDB differ in {differing} values", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
