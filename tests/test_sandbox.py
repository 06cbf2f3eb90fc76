"""The SQL console: refusals up front, the locked instance underneath, the time limit and the row cap."""

from __future__ import annotations

import time

import duckdb
import pandas as pd
import pytest

from jianfu import sandbox, warehouse

P = "'s', 1"  # source_system, source_file_id


@pytest.fixture(scope="module")
def _tiny_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sandbox")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JIANFU_DATA_DIR", str(folder))
        with warehouse.write() as con:
            con.execute(
                "insert into cases (case_id, received_at, status, grid_id, source_system, source_file_id) "
                f"values ('c1', '2026-01-01 09:00', 'closed', 'g1', {P}), "
                f"('c2', '2026-01-02 10:00', 'received', 'g2', {P}), "
                f"('c3', '2026-01-03 11:00', 'closed', 'g1', {P})"
            )
    return folder


@pytest.fixture
def tiny_warehouse(_tiny_dir, monkeypatch):
    """Three cases in two grids (built once; the sandbox only reads it)."""
    monkeypatch.setenv("JIANFU_DATA_DIR", str(_tiny_dir))
    return warehouse.current_path()


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("select * from read_csv('/etc/passwd')", "function_not_allowed"),
        ("select * from read_text('/etc/passwd')", "function_not_allowed"),
        ("copy (select 1) to '{tmp}/out.csv'", "not_read_only"),
        ("copy cases to '{tmp}/out.csv'", "not_read_only"),
        ("export database '{tmp}/dump'", "not_read_only"),
        ("attach '{tmp}/other.duckdb' as other", "not_read_only"),
        ("install httpfs", "not_read_only"),
        ("load httpfs", "not_read_only"),
        ("set threads = 1", "not_read_only"),
        ("reset threads", "not_read_only"),
        ("pragma threads = 1", "not_read_only"),
        ("create secret (type s3, key_id 'a', secret 'b')", "not_read_only"),
        ("select * from local_frame", "table_not_allowed"),
        ("select 1; select 2", "multiple_statements"),
        ("select * from warehouse_ro.main.cases", "table_not_allowed"),
    ],
)
def test_refused_before_it_runs(tiny_warehouse, tmp_path, sql, code):
    local_frame = pd.DataFrame({"leak": ["python variable"]})  # noqa: F841 — bait for a replacement scan
    result = sandbox.run_sql(sql.format(tmp=tmp_path))
    assert (result.error_code, result.frame.empty) == (code, True)
    assert result.error  # one sentence for the user
    assert list(tmp_path.iterdir()) == []  # nothing was written


def test_the_locked_instance_refuses_on_its_own(tiny_warehouse, tmp_path):
    """Layer two, without the text check: the sandbox instance itself cannot read, write, attach or unlock."""
    local_frame = pd.DataFrame({"leak": ["python variable"]})  # noqa: F841
    con = sandbox._sandbox(str(tiny_warehouse), None)
    try:
        for sql in (
            "select * from read_csv('/etc/passwd')",
            f"copy (select 1) to '{tmp_path}/x.csv'",
            f"attach '{tmp_path}/y.duckdb' as y",
            "install httpfs",
            "load httpfs",
            "set enable_external_access = true",
            "select * from local_frame",
        ):
            with pytest.raises(duckdb.Error):
                con.cursor().execute(sql).fetchall()
        assert con.cursor().execute("select count(*) from cases").fetchall() == [(3,)]
    finally:
        con.close()
    assert list(tmp_path.iterdir()) == []


def test_the_app_connection_stays_unlocked(tiny_warehouse):
    sandbox.run_sql("select 1")
    app = warehouse.connect_memory()
    app.execute("set threads = 2")  # raises if the lock had leaked into another instance


def test_a_normal_select_returns_the_right_rows(tiny_warehouse):
    result = sandbox.run_sql("select case_id, status from cases where grid_id = 'g1' order by case_id")
    assert result.error is None and not result.truncated
    assert result.frame.to_dict("records") == [
        {"case_id": "c1", "status": "closed"},
        {"case_id": "c3", "status": "closed"},
    ]


def test_with_describe_and_show_tables_are_reads(tiny_warehouse):
    assert sandbox.run_sql("with x as (select * from cases) select count(*) as n from x").frame["n"].tolist() == [3]
    assert "received_at" in sandbox.run_sql("describe cases").frame["column_name"].tolist()
    assert "cases" in sandbox.run_sql("show tables").frame["name"].tolist()


def test_a_scope_narrows_every_view(tiny_warehouse):
    result = sandbox.run_sql("select case_id from cases order by case_id", scope=("g2",))
    assert result.frame["case_id"].tolist() == ["c2"]


@pytest.mark.parametrize(
    "runaway",
    [
        "with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r",
        "select count(*) from range(100000) a, range(100000) b",
    ],
)
def test_a_runaway_query_stops_at_the_time_limit(tiny_warehouse, runaway):
    started = time.perf_counter()
    result = sandbox.run_sql(runaway, time_limit_ms=400)
    assert result.error_code == "time_limit"
    assert "time limit" in result.error and result.detail == "0.4"
    assert time.perf_counter() - started < 8  # the limit, plus starting the query's child process on a busy machine
    # the console is still usable
    assert sandbox.run_sql("select count(*) as n from cases").frame["n"].tolist() == [3]


def test_ten_million_rows_are_capped(tiny_warehouse):
    started = time.perf_counter()
    result = sandbox.run_sql("select * from range(10000000)", max_rows=1000)
    assert result.truncated is True
    assert result.frame["range"].tolist() == list(range(1000))
    assert time.perf_counter() - started < 8  # streamed: it never reads the 10 million rows


def test_exactly_the_cap_is_not_truncated(tiny_warehouse):
    result = sandbox.run_sql("select * from range(1000)", max_rows=1000)
    assert (len(result.frame), result.truncated) == (1000, False)


def test_the_default_cap_comes_from_the_setting(tiny_warehouse, monkeypatch):
    monkeypatch.setenv("JIANFU_SQL_MAX_ROWS", "7")
    result = sandbox.run_sql("select * from range(10)")
    assert (len(result.frame), result.truncated) == (7, True)


def test_no_warehouse_is_a_message_not_a_crash():
    result = sandbox.run_sql("select 1")
    assert result.error_code == "no_warehouse"


def test_table_columns_lists_the_views(tiny_warehouse):
    columns = sandbox.table_columns()
    assert columns["cases"][:3] == ["case_id", "received_at", "accepted_at"]
    assert set(columns) == set(sandbox.visible_tables())
