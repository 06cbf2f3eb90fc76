"""The KPIs on Spark (local[2]) from a Parquet export equal DuckDB's on the warehouse, value by value: exact for
counts and every other integer, 1e-9 relative for floats. One Spark session serves every test here.

Also each named sqlglot rewrite (jianfu/spark/dialect.py) on a tiny query whose answer is worked out by hand, run
on both engines.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from jianfu.sample.catalogue import STREET
from jianfu.spark.parity import differences

pytestmark = pytest.mark.spark
JIANFU = str(Path(sys.executable).parent / "jianfu")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def spark():
    missing = [] if shutil.which("java") else ["a Java runtime (apt-get install openjdk-17-jre-headless)"]
    try:
        import pyspark  # noqa: F401
        import sqlglot  # noqa: F401
    except ImportError:
        missing.append("pyspark and sqlglot (the test extra)")
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the Spark tests: missing {', '.join(missing)}")
        pytest.skip(f"missing {', '.join(missing)}")
    from jianfu.spark.session import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def sample_export(sample_data_dir, tmp_path_factory):
    """The sample warehouse exported as `jianfu export parquet` does it."""
    out = tmp_path_factory.mktemp("spark") / "export"
    env = {**os.environ, "JIANFU_DATA_DIR": str(sample_data_dir)}
    subprocess.run([JIANFU, "export", "parquet", "--out", str(out)], cwd=ROOT, env=env, check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def spark_executor(spark, sample_export):
    from jianfu.spark.executor import SparkExecutor

    return SparkExecutor(spark, str(sample_export))


def test_differences_sees_a_float_off_by_1e_8_and_an_integer_as_float():
    assert differences({"a": [1.0, 2]}, {"a": [1.0 + 1e-13, 2]}) == []
    assert differences({"a": 1.0}, {"a": 1.00000001}) == [".a: DuckDB 1.0 vs Spark 1.00000001"]
    assert differences({"n": 3}, {"n": 3.0}) == [".n: DuckDB 3 vs Spark 3.0"]
    assert differences({"v": None}, {"v": 0}) == [".v: DuckDB None vs Spark 0"]


# Each rewrite on a query of the kind queries/ hold, with hand-worked answers; the same rows from DuckDB.
REWRITE_CASES = [
    ("true_division", "select 100.0 * 1 / 3 as v, 7 / 2 as w", {}, [{"v": 100 / 3, "w": 3.5}]),
    (
        "unnest_recursive_to_inline + timestamp structs",
        "with p as (select unnest($periods, recursive := true)) select period_key, period_end - interval 1 day as d "
        "from p order by period_key",
        {
            "periods": [
                {"period_key": "a", "period_end": datetime(2025, 2, 1)},
                {"period_key": "b", "period_end": datetime(2025, 3, 1, 12, 30, 0, 5)},
            ]
        },
        [
            {"period_key": "a", "d": datetime(2025, 1, 31)},
            {"period_key": "b", "d": datetime(2025, 2, 28, 12, 30, 0, 5)},
        ],
    ),
    (
        "quantile_list_to_percentile",
        "with t as (select unnest(range(1, 11)) as x) "
        "select q[1] as p50, q[2] as p90 from (select quantile_cont(x, [0.5, 0.9]) as q from t)",
        {},
        [{"p50": 5.5, "p90": 9.1}],
    ),
    (
        "list_length_to_size + typed empty arrays",
        "select len($none) as n0, len($two) as n2, len($none) = 0 or list_contains($none, 'x') as all_pass, "
        "list_contains($two, 'b') as has_b",
        {"none": [], "two": ["a", "b"]},
        [{"n0": 0, "n2": 2, "all_pass": True, "has_b": True}],
    ),
    (
        "epoch_of_interval",
        "select epoch($later - $earlier) / 86400.0 as days",
        {"later": datetime(2025, 1, 2, 6, 0), "earlier": datetime(2025, 1, 1)},
        [{"days": 1.25}],
    ),
    (
        "zip_sibling_unnests + long lists as views",
        "with w as (select unnest(range(len($cum))) as day, unnest($cum) as worked) "
        "select count(*) as days, max(worked) as last, sum(day) as day_sum from w",
        {"cum": list(range(1000))},
        [{"days": 1000, "last": 999, "day_sum": 499500}],
    ),
    (
        "nested_unnest_to_lateral_view",
        "with t as (select 'k' as key, ['  Name', 'PHONE ', 'name'] as fields) "
        "select count(*) as n, count(distinct f) as distinct_fields from "
        "(select key, lower(trim(unnest(fields))) as f from t)",
        {},
        [{"n": 3, "distinct_fields": 2}],
    ),
    (
        "ordered_list_agg",
        "with t as (select * from (values ('b', 2.5), ('a', 1.5), ('c', 3.5), ('a', 1.5)) as t(k, v)) "
        "select list(distinct k order by k) as ks, list(v order by k) as vs from t",
        {},
        [{"ks": ["a", "b", "c"], "vs": [Decimal("1.5"), Decimal("1.5"), Decimal("2.5"), Decimal("3.5")]}],
    ),
    (
        "expand_star_exclude",
        "with a as (select 1 as x, 2 as y, 3 as z) select * exclude (y), x + z as s from a",
        {},
        [{"x": 1, "z": 3, "s": 4}],
    ),
    (
        "any_value_ignoring_nulls",
        "with t as (select * from (values (null, true), ('v', true), ('w', false)) as t(s, keep)) "
        "select any_value(s) filter (where keep) as s from t",
        {},
        [{"s": "v"}],
    ),
]


@pytest.mark.parametrize("name,sql,params,expected", REWRITE_CASES, ids=[c[0] for c in REWRITE_CASES])
def test_each_rewrite_gives_the_hand_worked_rows_on_both_engines(spark_executor, name, sql, params, expected):
    from jianfu.spark import dialect

    assert _rounded(duckdb.sql(sql, params=params).to_arrow_table().to_pylist()) == _rounded(expected)
    spark_sql = dialect.to_spark(sql, params, spark_executor.schema, spark_executor._list_view)
    rows = [row.asDict(recursive=True) for row in spark_executor.spark.sql(spark_sql).collect()]
    assert _rounded(rows) == _rounded(expected)


def _rounded(value):
    """Floats to 12 significant digits (9.1 is not exactly 9.1 on either engine), inside lists and dicts."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def test_the_rewrites_work_on_the_tree_not_the_text():
    """No regex: a name inside a string literal is left alone, only the function call is rewritten."""
    from jianfu.spark import dialect

    spark_sql = dialect.to_spark("select 'len(x)' as label, len($l) as n", {"l": ["a"]}, {})
    assert spark_sql == "SELECT 'len(x)' AS label, SIZE(ARRAY('a')) AS n"


def test_spark_reads_the_export_with_the_warehouse_columns_and_types(spark_executor, sample_data_dir):
    frame = spark_executor.spark.table("cases")
    types = dict(frame.dtypes)
    assert "month" not in types
    assert (types["received_at"], types["visits"], types["immediate"]) == ("timestamp_ntz", "bigint", "boolean")
    assert dict(spark_executor.spark.table("ledgers").dtypes)["fields"] == "array<string>"
    assert frame.count() == spark_executor.manifest["tables"]["cases"]["rows"] > 1000


def _duckdb_report(sample_data_dir, monkeypatch, filters):
    from jianfu import warehouse
    from jianfu.metrics.commands import build_report

    monkeypatch.setenv("JIANFU_DATA_DIR", str(sample_data_dir))
    return build_report(warehouse.read_connection().cursor(), filters, None)


WINDOWS = {
    # a whole month with every comparison and the 2024 baseline, no filter
    "month_all": dict(start=date(2025, 3, 1), end=date(2025, 3, 31)),
    # a quarter for one grid and two service lines (filters that some KPIs' tables lack: flagged unfiltered)
    "quarter_grid_service_lines": dict(
        start=date(2025, 1, 1), end=date(2025, 3, 31), grids=("HT08",), service_lines=("labour", "civil_affairs")
    ),
    # twelve months across a year end for the street above the grids (a hierarchy filter) and one centre
    "twelve_months_street_center": dict(
        start=date(2025, 4, 1), end=date(2026, 3, 31), streets=(STREET,), centers=("service_center",)
    ),
}


@pytest.mark.parametrize("window", WINDOWS)
def test_every_kpi_equals_duckdb(spark_executor, sample_data_dir, monkeypatch, window):
    from jianfu.metrics import Filters
    from jianfu.metrics.commands import build_report

    filters = Filters(**WINDOWS[window])
    duck = _duckdb_report(sample_data_dir, monkeypatch, filters)
    on_spark = build_report(spark_executor, filters, None)
    assert differences(duck, on_spark) == []
    # the comparison is not vacuous: most KPIs have a value, and the counts are real
    assert sum(k["value"] is not None for k in duck["kpis"]) > 30
    volume = next(k for k in on_spark["kpis"] if k["id"] == "case_volume")
    assert volume["value"] > 50


def test_kpis_command_on_spark_prints_the_duckdb_json(sample_export, sample_data_dir):
    """The command a city runs: a window reaching past the end of the data (partial: to-date comparisons) for a
    team and two channels."""
    args = [
        "kpis",
        "--format",
        "json",
        "--from",
        "2026-10-15",
        "--to",
        "2026-11-14",
        "--team",
        "gov_affairs",
        "--channel",
        "window",
        "--channel",
        "online",
    ]
    env = {**os.environ, "JIANFU_DATA_DIR": str(sample_data_dir)}
    duck = subprocess.run([JIANFU, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    on_spark = subprocess.run(
        [JIANFU, *args, "--engine", "spark", "--parquet", str(sample_export), "--spark-master", "local[2]"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert on_spark.returncode == 0, on_spark.stderr[-2000:]
    assert "FutureWarning" not in on_spark.stderr  # pyspark's pandas-3 notice at start (jianfu/spark/session.py)
    duck_report, spark_report = json.loads(duck.stdout), json.loads(on_spark.stdout)
    assert duck_report["window"]["partial"] is True
    assert differences(duck_report, spark_report) == []


def test_spark_engine_without_an_export_says_what_to_do(tmp_path):
    done = subprocess.run([JIANFU, "kpis", "--engine", "spark"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "--parquet DIR" in done.stderr
    done = subprocess.run(
        [JIANFU, "kpis", "--engine", "spark", "--parquet", str(tmp_path)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 1 and "jianfu export parquet" in done.stderr


def test_the_1m_parity_run_compares_a_street_and_a_channel():
    """`benchmarks.spark --check` (the 1M half of the proof, run by .ci/run): its windows for data ending in
    October 2026, worked out by hand, and --window's choices are their names."""
    from benchmarks.spark import WINDOW_NAMES, windows
    from jianfu.metrics import Filters

    chosen = windows(date(2026, 11, 1), check=True)
    assert tuple(chosen) == WINDOW_NAMES
    assert chosen["month"] == Filters(date(2026, 10, 1), date(2026, 10, 31))
    assert chosen["12 months, one street"] == Filters(date(2025, 11, 1), date(2026, 10, 31), streets=("横塘街道",))
    assert chosen["quarter, one channel"] == Filters(date(2026, 7, 1), date(2026, 9, 30), channels=("hotline",))
    assert tuple(windows(date(2026, 11, 1), check=False)) == ("month", "12 months")
