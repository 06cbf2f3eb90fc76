"""The SQL console cannot escape: ≥ 30 attempts, each refused or confined, against `jianfu.sandbox.run_sql`.

The warehouse holds two grids. Every value of grid g02 contains the word "secret", so a query run under the
scope of grid g01 leaks exactly when "secret" appears anywhere in its result or its error message.
"""

from __future__ import annotations

import pandas as pd
import pytest

from jianfu import warehouse
from jianfu.sandbox import run_sql, visible_tables

MINE = ("g01",)
LIMIT_MS = 1000


@pytest.fixture(scope="module")
def two_grid_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two-grids")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JIANFU_DATA_DIR", str(folder))
        with warehouse.write() as con:
            for sql in _ROWS:
                con.execute(sql)
    return folder


_P = "'s', 1"  # source_system, source_file_id
_ROWS = (
    f"insert into grids (grid_id, name, source_system, source_file_id) values ('g01', '东区', {_P}), "
    f"('g02', 'secret-grid', {_P})",
    "insert into cases (case_id, received_at, status, grid_id, worker_id, source_system, source_file_id) values "
    f"('c-1', '2026-01-01', 'closed', 'g01', 'w-1', {_P}), ('c-2', '2026-01-02', 'closed', 'g01', 'w-1', {_P}), "
    f"('secret-case-1', '2026-01-03', 'closed', 'g02', 'secret-w', {_P}), "
    f"('secret-case-2', '2026-01-04', 'received', 'g02', 'secret-w', {_P}), "
    f"('secret-case-3', '2026-01-05', 'received', 'g02', 'secret-w', {_P}), "
    # another exporting system reuses the id c-2 for a case of g02: its rating must not reach g01
    "('c-2', '2026-01-06', 'closed', 'g02', 'secret-w', 'other', 1)",
    "insert into evaluations (eval_id, case_id, rated_at, rating, comment, source_system, source_file_id) values "
    f"('e-1', 'c-1', '2026-01-02', 5, '很好', {_P}), ('secret-eval', 'secret-case-1', '2026-01-04', 1, "
    f"'secret complaint', {_P}), ('secret-shared-id-eval', 'c-2', '2026-01-07', 1, 'secret', 'other', 1)",
    "insert into survey_responses (response_id, wave, grid_id, comment, source_system, source_file_id) values "
    f"('r-1', '2026q1', 'g01', '满意', {_P}), ('secret-resp', '2026q1', 'g02', 'secret words', {_P})",
    "insert into survey_answers (response_id, item, score, source_system, source_file_id) values "
    f"('r-1', 'overall', 9, {_P}), ('secret-resp', 'overall', 2, {_P})",
    "insert into workers (worker_id, display_name, grid_id, source_system, source_file_id) values "
    f"('w-1', '王*', 'g01', {_P}), ('secret-w', 'secret*', 'g02', {_P})",
    "insert into time_use (worker_id, week, hours_admin, source_system, source_file_id) values "
    f"('w-1', '2026-01-05', 10, {_P}), ('secret-w', '2026-01-05', 20, {_P})",
    "insert into record_entries (entry_id, ledger_id, worker_id, recorded_at, source_system, source_file_id) "
    f"values ('re-1', 'l-1', 'w-1', '2026-01-05', {_P}), ('secret-entry', 'l-1', 'secret-w', '2026-01-05', {_P})",
    "insert into micro_projects (project_id, title, grid_id, proposed_at, stage, source_system, source_file_id) "
    f"values ('p-1', '加装扶手', 'g01', '2026-01-01', 'done', {_P}), "
    f"('secret-project', 'secret title', 'g02', '2026-01-01', 'done', {_P})",
    # A second system reuses the ids r-1 and w-1 for a response and a worker of g02; a third system's hours name
    # w-1, which is now ambiguous (two systems carry it): none of these may reach g01 (issue 15).
    "insert into survey_responses (response_id, wave, grid_id, comment, source_system, source_file_id) values "
    "('r-1', '2026q1', 'g02', 'secret reused id', 'other', 1)",
    "insert into survey_answers (response_id, item, score, source_system, source_file_id) values "
    "('r-1', 'secret-item', 1, 'other', 1)",
    "insert into workers (worker_id, display_name, grid_id, source_system, source_file_id) values "
    "('w-1', 'secret*', 'g02', 'other', 1)",
    "insert into time_use (worker_id, week, hours_admin, source_system, source_file_id) values "
    "('w-1', '2026-01-12', 30, 'other', 1), ('w-1', '2026-01-19', 40, 'timesheet', 1)",
    "insert into record_entries (entry_id, ledger_id, worker_id, recorded_at, source_system, source_file_id) "
    "values ('secret-entry-reused', 'l-1', 'w-1', '2026-01-12', 'other', 1), "
    "('secret-entry-ambiguous', 'l-1', 'w-1', '2026-01-19', 'timesheet', 1)",
    "insert into import_log (import_id, file_name, sha256, target, outcome) values "
    "(1, 'secret-file.csv', 'abc', 'cases', 'loaded')",
    "insert into rejects (import_id, file_name, line, column_name, value, reason) values "
    "(1, 'secret-file.csv', 3, 'status', 'secret-value', 'unknown code')",
    "insert into cases__superseded (case_id, received_at, status, grid_id, source_system, source_file_id, "
    f"superseded_by) values ('secret-old', '2026-01-01', 'received', 'g02', {_P}, 2)",
)


@pytest.fixture(autouse=True)
def _use_two_grids(two_grid_dir, monkeypatch):
    monkeypatch.setenv("JIANFU_DATA_DIR", str(two_grid_dir))


def _leaks(result) -> bool:
    return "secret" in (result.error or "") or "secret" in result.frame.to_csv(index=False)


# (attempt, error codes that count as refused). Each is also run under grid g01's scope.
ESCAPES = [
    ("select * from read_csv('/etc/passwd')", {"function_not_allowed"}),
    ("select * from read_csv_auto('/etc/passwd')", {"function_not_allowed"}),
    ("select * from read_text('/etc/passwd')", {"function_not_allowed"}),
    ("select * from read_blob('/etc/passwd')", {"function_not_allowed"}),
    ("select * from read_parquet('/etc/passwd')", {"function_not_allowed"}),
    ("select * from read_json('/etc/passwd')", {"function_not_allowed"}),
    ("select * from read_json_auto('/etc/hostname')", {"function_not_allowed"}),
    ("select * from read_ndjson_objects('/etc/hostname')", {"function_not_allowed"}),
    ("select * from sniff_csv('/etc/passwd')", {"function_not_allowed"}),
    ("select * from parquet_metadata('/etc/passwd')", {"function_not_allowed"}),
    ("select * from glob('/*')", {"function_not_allowed"}),
    ("select * from '/etc/passwd'", {"table_not_allowed"}),
    ("select * from 'cases.csv'", {"table_not_allowed"}),
    ("from '../data/warehouse/current.duckdb'", {"table_not_allowed"}),
    ("select (select count(*) from read_text('/etc/passwd'))", {"function_not_allowed"}),
    ("copy (select 1) to '/tmp/jianfu-escape.csv'", {"not_read_only"}),
    ("copy cases from '/etc/passwd'", {"not_read_only"}),
    ("export database '/tmp/jianfu-escape'", {"not_read_only"}),
    ("import database '/tmp/jianfu-escape'", {"not_read_only"}),
    ("attach '/tmp/other.duckdb' as other", {"not_read_only"}),
    ("detach warehouse_ro", {"not_read_only"}),
    ("use warehouse_ro", {"not_read_only"}),
    ("install httpfs", {"not_read_only"}),
    ("load httpfs", {"not_read_only"}),
    ("set enable_external_access = true", {"not_read_only"}),
    ("reset lock_configuration", {"not_read_only"}),
    ("pragma enable_profiling", {"not_read_only"}),
    ("select * from pragma_database_list()", {"function_not_allowed"}),
    ("create secret s (type s3, key_id 'a', secret 'b')", {"not_read_only"}),
    ("create table t as select 1", {"not_read_only"}),
    ("create view v as select * from warehouse_ro.main.cases", {"not_read_only"}),
    ("create macro m(x) as x", {"not_read_only"}),
    ("insert into cases (case_id) values ('x')", {"not_read_only"}),
    ("update cases set status = 'closed'", {"not_read_only"}),
    ("delete from cases", {"not_read_only"}),
    ("drop table cases", {"not_read_only"}),
    ("alter table cases add column x int", {"not_read_only"}),
    ("call pragma_version()", {"not_read_only", "function_not_allowed"}),
    ("checkpoint", {"not_read_only"}),
    ("select 1; drop table cases", {"multiple_statements"}),
    ("select * from bait_frame", {"table_not_allowed"}),  # a Python variable (replacement scan)
    ("select getenv('HOME')", {"sql_error"}),
    ("select * from warehouse_ro.main.cases", {"table_not_allowed"}),
    ("select * from warehouse_ro.cases", {"table_not_allowed"}),
    ('select * from "warehouse_ro"."main"."cases"', {"table_not_allowed"}),
    ("summarize warehouse_ro.main.cases", {"table_not_allowed"}),
    ("select * from cases union all select * from warehouse_ro.main.cases", {"table_not_allowed"}),
    ("select list_transform([1], x -> (select count(*) from warehouse_ro.main.cases))", {"table_not_allowed"}),
    ("with q as (select * from warehouse_ro.main.cases) select * from q", {"table_not_allowed"}),
    ("select * from query_table('warehouse_ro.main.cases')", {"function_not_allowed"}),
    ("select * from query('select * from warehouse_ro.main.cases')", {"function_not_allowed"}),
    (
        "select * from json_execute_serialized_sql(json_serialize_sql('select * from warehouse_ro.main.cases'))",
        {"function_not_allowed"},
    ),
    ("select * from scope.grids", {"table_not_allowed"}),
    ("select * from cases__superseded", {"table_not_allowed"}),
    ("select * from information_schema.tables", {"table_not_allowed"}),
    ("select * from duckdb_databases()", {"function_not_allowed"}),
    ("select * from duckdb_settings()", {"function_not_allowed"}),
    ("select * from system.main.duckdb_tables", {"table_not_allowed"}),
    ("show databases", {"not_read_only"}),
]


@pytest.mark.parametrize("scope", [None, MINE], ids=["unscoped", "grid_g01"])
@pytest.mark.parametrize(("sql", "codes"), ESCAPES, ids=[sql[:48] for sql, _ in ESCAPES])
def test_escape_is_refused(sql, codes, scope):
    bait_frame = pd.DataFrame({"secret": ["secret-python-variable"]})  # noqa: F841 — bait for a replacement scan
    result = run_sql(sql, scope=scope, time_limit_ms=LIMIT_MS)
    assert result.error_code in codes, (result.error_code, result.error)
    assert result.frame.empty and not _leaks(result)


# Every view a grid_staff user of g01 sees, with exactly g01's rows (hand-counted from _ROWS).
SCOPED_COUNTS = {
    "cases": 2,
    "evaluations": 1,
    "survey_responses": 1,
    "survey_answers": 1,
    "workers": 1,
    "time_use": 1,
    "record_entries": 1,
    "micro_projects": 1,
    "grids": 1,
}


@pytest.mark.parametrize("view", sorted(visible_tables(MINE)))
def test_no_view_shows_another_grid(view):
    result = run_sql(f'select * from "{view}"', scope=MINE)
    assert result.error is None
    assert len(result.frame) == SCOPED_COUNTS.get(view, 0)
    assert not _leaks(result)


def test_a_reused_id_of_another_system_reaches_no_other_grid():
    """Child rows are tied to their parent on source system + id (issue 15): g01 sees exactly its own rows, and
    g02 does not get the rows whose id is shared either."""
    mine = {
        view: run_sql(f'select * from "{view}" order by all', scope=MINE).frame
        for view in ("survey_answers", "time_use", "record_entries", "evaluations")
    }
    assert mine["survey_answers"][["response_id", "item", "source_system"]].values.tolist() == [["r-1", "overall", "s"]]
    assert mine["time_use"][["worker_id", "hours_admin", "source_system"]].values.tolist() == [["w-1", 10.0, "s"]]
    assert mine["record_entries"]["entry_id"].tolist() == ["re-1"]
    assert mine["evaluations"]["eval_id"].tolist() == ["e-1"]
    theirs = run_sql("select source_system, hours_admin from time_use order by all", scope=("g02",)).frame
    assert theirs.values.tolist() == [["other", 30.0], ["s", 20.0]]  # the ambiguous 'timesheet' row: no grid
    assert len(run_sql("select * from time_use").frame) == 4  # unscoped, every row is there


def test_administrative_tables_are_hidden_from_a_grid():
    assert {"import_log", "rejects"} & set(visible_tables(MINE)) == set()
    for table in ("import_log", "rejects"):
        assert run_sql(f"select * from {table}", scope=MINE).error_code == "table_not_allowed"
    assert len(run_sql("select * from rejects").frame) == 1  # an unscoped analyst does see them


# Queries that run but must not reach another grid's rows, not even through an error message: the
# optimizer must never evaluate a user's expression on rows the view filtered out.
SIDE_CHANNELS = [
    "select * from cases where grid_id = 'g02'",
    "select count(*) as n from cases where case_id like 'secret%'",
    "select * from cases where grid_id = 'g02' and error('leak ' || case_id) is null",
    "select * from cases where error('leak ' || case_id || grid_id) is null",
    "select * from cases where grid_id = 'g02' and cast(case_id as integer) = 1",
    "select * from cases where case_id::int = 1 or grid_id = 'g02'",
    "select * from cases c join range(1) r on cast(c.case_id as int) = r.range",
    "select * from cases order by case_id::int",
    "select max(case_id), min(case_id), string_agg(case_id, ',') from cases",
    "select e.*, c.grid_id from evaluations e left join cases c using (case_id)",
    "select * from survey_answers a where a.response_id not in (select response_id from survey_responses)",
    "select * from time_use where worker_id <> 'w-1'",
    "select * from cases as warehouse_ro",
    "select * from memory.main.cases",
    "summarize cases",
]


@pytest.mark.parametrize("sql", SIDE_CHANNELS)
def test_side_channel_is_confined_to_the_grid(sql):
    result = run_sql(sql, scope=MINE, time_limit_ms=LIMIT_MS)
    assert result.error_code in (None, "sql_error")
    assert not _leaks(result), (result.error, result.frame)


def test_the_same_query_unscoped_does_see_both_grids():
    """Proves the fixture can leak: without a scope, 'secret' rows are there."""
    assert _leaks(run_sql("select * from cases where grid_id = 'g02'"))
    assert len(run_sql("select * from cases").frame) == 6


@pytest.mark.parametrize(
    "sql",
    [
        "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r",
        "select count(*) from range(100000000) a, range(100000000) b",
    ],
)
def test_runaway_query_stops_at_the_time_limit(sql):
    result = run_sql(sql, time_limit_ms=LIMIT_MS)
    assert result.error_code in ("time_limit", "sql_error"), result.error  # a memory error is also a stop
    assert result.elapsed_ms < LIMIT_MS + 3000
    assert run_sql("select count(*) as n from cases").frame["n"].tolist() == [6]  # the console still works


def test_ten_million_rows_are_capped_with_a_notice():
    result = run_sql("select * from range(10000000)", max_rows=10_000)
    assert result.error is None and result.truncated is True
    assert result.frame["range"].tolist() == list(range(10_000))
    assert result.elapsed_ms < 3000


@pytest.mark.parametrize(
    "sql",
    [
        "select * from read_text('/etc/passwd')",
        "select * from '/etc/passwd'",
        "copy (select 1) to '/tmp/jianfu-layer2.csv'",
        "attach '/tmp/jianfu-layer2.duckdb' as other",
        "set enable_external_access = true",
        "install httpfs",
        "select * from bait_frame",
    ],
)
def test_second_layer_refuses_even_without_the_text_check(sql):
    """If the text check ever let something through, the locked instance itself still refuses it."""
    import duckdb

    from jianfu.sandbox import _sandbox

    bait_frame = pd.DataFrame({"x": ["secret-python-variable"]})  # noqa: F841 — bait for a replacement scan
    con = _sandbox(str(warehouse.current_path()), MINE)
    try:
        with pytest.raises(duckdb.Error):
            con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize(
    "sql",
    [
        "select current_setting('secret_directory') as v",
        "select current_setting('extension_directory') as v",
        "select current_setting('home_directory') as v",
        "select current_setting('temp_directory') as v",
        "select value from (select current_setting('secret_directory') as value)",
    ],
)
def test_settings_do_not_leak_server_paths(sql):
    import os

    result = run_sql(sql, scope=MINE)
    assert result.error_code == "function_not_allowed", (result.error, result.frame)
    assert os.path.expanduser("~") not in (result.error or "")
