"""Every shortcut the dashboard takes gives exactly the numbers of the direct, one-KPI-at-a-time engine call on the
same data (issue 5: a cache or batch must never change a value):

- batches: `kpi_series_many` / `compute_by_many` evaluate many KPIs in one pass per query file;
- kept facts: `WarehouseFacts` found once per warehouse version instead of on every call;
- the page cache (`jianfu.ui.data`): every KPI computed once per filters, cards read subsets of it; and an
  import or undo (a new warehouse version) makes every cached value recompute.
"""

import shutil
from datetime import date

import pandas as pd
import pytest

from jianfu import warehouse
from jianfu.ingest.loader import list_imports, undo
from jianfu.metrics import (
    Filters,
    compute_by,
    compute_by_many,
    compute_kpis,
    kpi_series,
    kpi_series_many,
    load_catalogue,
)
from jianfu.metrics.facts import warehouse_facts

WINDOW = Filters(date(2026, 1, 1), date(2026, 9, 30))
NARROW = Filters(date(2026, 7, 1), date(2026, 9, 30), grids=("HT03",), channels=("window", "online"))


def _plottable():
    return [kpi.id for kpi in load_catalogue().values() if kpi.kind not in ("composite", "drivers")]


def _dicts(results: dict) -> dict:
    return {kpi_id: _rounded(result.to_dict()) for kpi_id, result in results.items()}


def _rounded(value):
    """Floats to 9 significant digits: DuckDB sums floats in parallel, so the same query run twice may differ in
    the last bits (1e-16), which is no difference a cache could cause."""
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return float(f"{value:.9g}") if isinstance(value, float) else value


@pytest.fixture
def con(sample_warehouse):
    return warehouse.read_connection().cursor()


@pytest.mark.parametrize("filters", [WINDOW, NARROW], ids=["window", "narrow"])
def test_a_batch_of_series_equals_each_series_on_its_own(con, filters):
    ids = _plottable()
    batch = kpi_series_many(con, ids, filters, periods=12)
    assert list(batch) == ids
    assert sum(frame["value"].notna().sum() for frame in batch.values()) > 100  # real numbers, not empty frames
    for kpi_id in ids:
        pd.testing.assert_frame_equal(batch[kpi_id], kpi_series(con, kpi_id, filters, periods=12), obj=kpi_id)


@pytest.mark.parametrize("by", ["grid_id", "team"])
def test_a_batch_of_breakdowns_equals_each_breakdown_on_its_own(con, by):
    cat = load_catalogue()
    ids = [kpi_id for kpi_id in _plottable() if by in cat[kpi_id].dims]
    assert len(ids) >= 10
    batch = compute_by_many(con, ids, WINDOW, by)
    assert sum(len(frame) for frame in batch.values()) >= 3 * len(ids)
    for kpi_id in ids:
        pd.testing.assert_frame_equal(batch[kpi_id], compute_by(con, kpi_id, WINDOW, by), obj=kpi_id)


@pytest.mark.parametrize("filters", [WINDOW, NARROW], ids=["window", "narrow"])
def test_kept_warehouse_facts_give_the_values_of_facts_looked_up(con, filters):
    facts = warehouse_facts(con)
    assert facts.known_values["grids"] >= {"HT01", "HT03", "HT12"}
    kept = _dicts(compute_kpis(con, filters, facts=facts))
    looked_up = _dicts(compute_kpis(con, filters))
    assert kept == looked_up
    assert sum(r["value"] is not None for r in kept.values()) >= 30
    assert kpi_series_many(con, ["on_time_rate"], filters, facts=facts)["on_time_rate"].equals(
        kpi_series(con, "on_time_rate", filters)
    )


@pytest.fixture
def writable_sample(sample_data_dir, tmp_path, monkeypatch, fresh_caches):
    """A copy of the sample data dir that a test may import into or undo in."""
    folder = tmp_path / "data"
    shutil.copytree(sample_data_dir, folder, symlinks=True)
    monkeypatch.setenv("JIANFU_DATA_DIR", str(folder))
    return folder


def test_the_page_cache_gives_engine_values_and_recomputes_after_an_undo(writable_sample):
    from jianfu.ui import data

    cards = ["on_time_rate", "satisfaction_rate", "ledger_reduction", "vote_turnout"]

    def direct():
        con = warehouse.read_connection().cursor()
        return (
            _dicts(compute_kpis(con, WINDOW, cards)),
            kpi_series_many(con, cards, WINDOW, periods=12),
            compute_by(con, "on_time_rate", WINDOW, "team"),
        )

    before = direct()
    assert _dicts(data.kpis(WINDOW, cards)) == before[0]
    for kpi_id in cards:
        pd.testing.assert_frame_equal(data.series_many(cards, WINDOW, periods=12)[kpi_id], before[1][kpi_id])
    pd.testing.assert_frame_equal(data.by("on_time_rate", WINDOW, "team"), before[2])

    cases_import = next(
        row
        for row in list_imports(warehouse.read_connection().cursor())
        if row["file_name"] == "服务中心办件_2026.xlsx"
    )
    undo(cases_import["import_id"], who="test")
    after = direct()
    assert after[0]["on_time_rate"]["n"] < before[0]["on_time_rate"]["n"]  # the undo changed the data
    assert _dicts(data.kpis(WINDOW, cards)) == after[0]
    pd.testing.assert_frame_equal(data.series_many(cards, WINDOW, periods=12)["on_time_rate"], after[1]["on_time_rate"])
    pd.testing.assert_frame_equal(data.by("on_time_rate", WINDOW, "team"), after[2])


def test_a_period_computed_once_for_two_comparisons_gives_each_its_own_value(con):
    """A 12-month window's previous period is also its last year: the engine computes it once and must give
    both comparisons the value the direct call for that year gives."""
    year = _dicts(compute_kpis(con, Filters(date(2025, 1, 1), date(2025, 12, 31))))
    before = _dicts(compute_kpis(con, Filters(date(2024, 1, 1), date(2024, 12, 31))))
    compared = 0
    for kpi_id, result in year.items():
        if kpi_id == "city_score" or before[kpi_id]["value"] is None:
            continue
        assert result["previous"] == result["last_year"] == before[kpi_id]["value"], kpi_id
        compared += 1
    assert compared >= 30
