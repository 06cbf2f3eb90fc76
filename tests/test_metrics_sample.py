"""The KPIs on the sample world (jianfu.sample.world.build_world, loaded straight into a warehouse): every KPI
computes, `jianfu kpis --format json` answers in under 2 s with its documented keys, and the reform of 2025-01
moves the designed KPIs the right way."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from metrics_tables import load_world

from jianfu import warehouse
from jianfu.metrics import Filters, compute_by, compute_kpis, kpi_series, load_catalogue

ROOT = Path(__file__).resolve().parents[1]
JIANFU = Path(sys.executable).parent / "jianfu"
KPI_KEYS = {
    "id",
    "label_zh",
    "label_en",
    "pillar",
    "unit",
    "direction",
    "kind",
    "target",
    "target_source",
    "value",
    "numerator",
    "denominator",
    "n",
    "effective_n",
    "ci_low",
    "ci_high",
    "previous",
    "last_year",
    "to_date",
    "baseline",
    "reference",
    "score",
    "flags",
    "missing",
    "detail",
}
REPORT_KEYS = {"window", "filters", "data_from", "data_as_of", "comparisons", "kpis", "composite"}


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory):
    from jianfu.sample.world import build_world

    folder = tmp_path_factory.mktemp("world-warehouse")
    previous = os.environ.get("JIANFU_DATA_DIR")
    os.environ["JIANFU_DATA_DIR"] = str(folder)
    try:
        with warehouse.write() as con:
            load_world(con, build_world(seed=2026))
    finally:
        os.environ.pop("JIANFU_DATA_DIR")
        if previous is not None:
            os.environ["JIANFU_DATA_DIR"] = previous
    return folder


@pytest.fixture
def world(world_dir, monkeypatch):
    monkeypatch.setenv("JIANFU_DATA_DIR", str(world_dir))
    return warehouse.read_connection().cursor()


# The 接诉即办 three rates read what only a 12345 work-order export records (是否响应, 是否解决, 满意度): the
# community's own systems, which this sample world exports, do not. Until the 12345 sample exports exist they
# must say "missing input", never a value (tests/test_metrics_league.py computes them on 12345 rows).
HOTLINE_ONLY = {"hotline_responded_rate", "hotline_resolved_rate", "hotline_satisfied_rate"}


def test_every_kpi_computes_on_the_sample_world(world):
    results = compute_kpis(world, Filters(date(2025, 1, 1), date(2026, 10, 31)))
    assert list(results) == list(load_catalogue())
    for kpi_id, result in results.items():
        if kpi_id in HOTLINE_ONLY and "missing_input" in result.flags:
            assert result.value is None, kpi_id
            continue
        assert not result.missing and "missing_input" not in result.flags, kpi_id
        assert result.value is not None, kpi_id
        assert "suppressed" not in result.flags, kpi_id
    assert results["city_score"].detail["n"] >= 30


def run_cli(world_dir, *args) -> dict:
    """`jianfu kpis --format json` as a user runs it (its speed is measured in benchmarks, not here)."""
    env = {**os.environ, "JIANFU_DATA_DIR": str(world_dir)}
    done = subprocess.run(
        [str(JIANFU), "kpis", "--format", "json", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_cli_json_has_stable_keys_and_shows_the_reform(world_dir):
    before = run_cli(world_dir, "--from", "2024-01-01", "--to", "2024-12-31")
    after = run_cli(world_dir, "--from", "2025-01-01", "--to", "2026-10-31")
    for report in (before, after):
        assert set(report) == REPORT_KEYS
        assert all(set(k) == KPI_KEYS for k in report["kpis"])
    assert after["window"] == {"start": "2025-01-01", "end": "2026-10-31", "period": None, "partial": False}
    assert after["comparisons"]["previous"] == {"start": "2023-03-01", "end": "2024-12-31"}
    value = {r["id"]: r for r in before["kpis"]}, {r["id"]: r for r in after["kpis"]}

    def moved(kpi_id, direction):
        old, new = value[0][kpi_id], value[1][kpi_id]
        if direction == "up":
            return new["value"] > old["value"] and (old["ci_high"] is None or new["ci_low"] > old["ci_high"])
        return new["value"] < old["value"] and (old["ci_low"] is None or new["ci_high"] < old["ci_low"])

    for kpi_id in (
        "on_time_rate",
        "online_rate",
        "one_visit_rate",
        "ledger_reduction",
        "satisfaction_index",
        "top2_box",
        "response_rate",
    ):
        assert moved(kpi_id, "up"), kpi_id
    for kpi_id in ("cycle_time", "cycle_time_calendar", "admin_time_share", "burden_hours", "duplicate_records"):
        assert moved(kpi_id, "down"), kpi_id
    assert value[1]["city_score"]["value"] > 1.0 > value[0]["city_score"]["value"] - 0.01


def test_cli_errors_are_one_clear_line(world_dir, tmp_path):
    env = {**os.environ, "JIANFU_DATA_DIR": str(world_dir)}
    unknown = subprocess.run([str(JIANFU), "kpis", "--grid", "HT99"], env=env, capture_output=True, text=True)
    assert unknown.returncode == 1
    assert unknown.stderr.strip().startswith("Error: unknown grid 'HT99' (known: HT01")
    assert len(unknown.stderr.strip().splitlines()) == 1
    empty = subprocess.run(
        [str(JIANFU), "kpis"], env={**env, "JIANFU_DATA_DIR": str(tmp_path)}, capture_output=True, text=True
    )
    assert empty.returncode == 1 and empty.stderr.strip() == (
        "Error: no warehouse yet: run `jianfu ingest FILE…` or `jianfu init-sample`"
    )


def test_series_and_breakdown_on_the_sample_world(world):
    series = kpi_series(world, "online_rate", Filters(date(2026, 10, 1), date(2026, 10, 31)))
    assert len(series) == 24 and series["period_start"].iloc[0] == date(2024, 11, 1)
    # the reform lifts digital take-up well above the 24-month mean: the last months sit on one side of it
    assert series["signal"].iloc[-7:].all() and (series["value"].iloc[-7:] > series["mean"].iloc[-1]).all()
    by_grid = compute_by(world, "on_time_rate", Filters(date(2025, 1, 1), date(2026, 10, 31)), "grid_id")
    # the district's 12345 work orders name no grid and have no due date: a last group without a grid, with n 0
    assert list(by_grid["group"].iloc[:-1]) == [f"HT{i:02d}" for i in range(1, 13)]
    assert pd.isna(by_grid["group"].iloc[-1]) and by_grid["n"].iloc[-1] == 0
    by_grid = by_grid.iloc[:-1]
    assert (by_grid["lo998"] <= by_grid["funnel_centre"]).all() and (by_grid["n"] > 30).all()
