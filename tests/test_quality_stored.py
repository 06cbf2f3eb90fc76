"""Data-quality checks run once per warehouse version, inside the write that makes it: each version carries the
results of its own data (a later version that removed the bad row says so), the stored results equal a fresh run,
and the data page shows them without running a check."""

from __future__ import annotations

import duckdb
import pytest
from apptest_pages import open_page

from jianfu import quality, warehouse

P = "'s', 1"  # source_system, source_file_id
BAD_CASE = (
    "insert into cases (case_id, received_at, closed_at, status, source_system, source_file_id) values "
    f"('bad', '2026-01-05 09:00', '2026-01-04 09:00', 'closed', {P}), "
    f"('good', '2026-01-05 09:00', '2026-01-06 09:00', 'closed', {P})"
)


def _current() -> duckdb.DuckDBPyConnection:
    warehouse.close_read_connections()
    return warehouse.read_connection()


def test_each_version_keeps_the_results_of_its_own_data():
    with warehouse.write() as con:
        con.execute(BAD_CASE)
    first = {r.check: r for r in quality.stored(_current())}
    closed_before = first["cases_closed_before_received"]
    assert closed_before.rows == 1
    assert closed_before.sample["case_id"].tolist() == ["bad"]
    assert closed_before.sample["closed_at_written"].tolist() == ["2026-01-04 09:00:00"]

    with warehouse.write() as con:
        con.execute("delete from cases where case_id = 'bad'")
    second = {r.check: r for r in quality.stored(_current())}
    assert second["cases_closed_before_received"].rows == 0
    assert second["cases_closed_before_received"].passed


def test_stored_results_equal_a_fresh_run_on_the_sample(sample_warehouse):
    con = _current()
    kept = quality.stored(con)
    fresh = quality.run_checks(con)
    assert [(r.check, r.rows, r.error) for r in kept] == [(r.check, r.rows, r.error) for r in fresh]
    assert sum(r.rows for r in kept) > 0  # the sample plants defects: the comparison is not between empties
    for a, b in zip(kept, fresh):
        assert a.sample.astype(str).values.tolist() == b.sample.astype(str).values.tolist(), a.check


def test_a_version_without_stored_results_says_so():
    con = duckdb.connect(":memory:")
    warehouse.create_schema(con)
    assert quality.stored(con) is None


@pytest.mark.usefixtures("fresh_caches")
def test_the_data_page_reads_the_stored_results_without_running_a_check(sample_warehouse, monkeypatch):
    def no_run(*_args, **_kwargs):
        raise AssertionError("the data page ran a data-quality check")

    monkeypatch.setattr(quality, "run_checks", no_run)
    monkeypatch.setattr(quality, "run_check", no_run)
    at = open_page("data")
    total = len(quality.checks())
    passed = sum(r.passed for r in quality.stored(_current()))
    assert any(f"{passed}/{total} 项检查通过" in m.value for m in at.markdown)


def test_a_failing_check_is_kept_as_a_failed_result_and_the_import_stays(tmp_path, monkeypatch):
    # DuckDB aborts a transaction on any error and its commit then discards the rows: the checks must not run
    # inside the import's transaction
    (tmp_path / "dq_broken.sql").write_text("select no_such_column from cases", encoding="utf-8")
    (tmp_path / "dq_closed_before.sql").write_text(
        "select case_id from cases where closed_at < received_at", encoding="utf-8"
    )
    monkeypatch.setattr(quality, "QUERIES", tmp_path)
    with warehouse.write() as con:
        con.execute(BAD_CASE)
    con = _current()
    assert con.execute("select count(*) from cases").fetchall()[0][0] == 2
    broken, closed_before = quality.stored(con)
    assert broken.check == "broken" and "no_such_column" in broken.error and not broken.passed
    assert (closed_before.check, closed_before.rows) == ("closed_before", 1)
