"""Data-quality checks: each `queries/dq_*.sql` returns nothing on clean data and exactly the planted bad row."""

from __future__ import annotations

import duckdb
import pytest

from jianfu import quality, warehouse
from jianfu.display.i18n import has

P = "'s', 1"  # source_system, source_file_id

# A small warehouse that every check must pass: each table a check reads has good rows in it.
CLEAN = (
    f"insert into grids (grid_id, name, households, residents, source_system, source_file_id) values "
    f"('g1', '一网格', 100, 250, {P})",
    f"insert into cases (case_id, received_at, due_at, closed_at, status, grid_id, source_system, source_file_id) "
    f"values ('c1', '2026-01-05 09:00', '2026-01-10 17:00', '2026-01-08 10:00', 'closed', 'g1', {P}), "
    f"('c2', '2026-01-06 09:00', '2026-01-20 17:00', null, 'in_progress', 'g1', {P})",
    f"insert into evaluations (eval_id, case_id, rated_at, rating, source_system, source_file_id) values "
    f"('e1', 'c1', '2026-01-09 10:00', 5, {P})",
    f"insert into survey_items (item, scale_min, scale_max, is_overall, source_system, source_file_id) values "
    f"('overall', 1, 5, true, {P})",
    f"insert into survey_responses (response_id, wave, source_system, source_file_id) values ('r1', '2026Q1', {P})",
    f"insert into survey_answers (response_id, item, score, source_system, source_file_id) values "
    f"('r1', 'overall', 4, {P})",
    f"insert into ledgers (ledger_id, name, status, merged_into, valid_from, source_system, source_file_id) values "
    f"('l1', '走访台账', 'active', null, '2024-01-01', {P}), ('l2', '旧台账', 'merged', 'l1', '2024-01-01', {P})",
    f"insert into record_entries (entry_id, ledger_id, recorded_at, source_system, source_file_id) values "
    f"('re1', 'l1', '2026-01-05 10:00', {P})",
    f"insert into micro_projects (project_id, title, proposed_at, stage, votes_for, votes_against, eligible_voters, "
    f"source_system, source_file_id) values ('p1', '加装扶手', '2026-01-02', 'voting', 60, 10, 100, {P})",
    f"insert into time_use (worker_id, week, hours_admin, hours_field, source_system, source_file_id) values "
    f"('w1', '2026-01-05', 15, 25, {P})",
)

# check → (the bad row's insert, a value that identifies it in the check's result)
PLANTED = {
    "cases_closed_before_received": (
        f"insert into cases (case_id, received_at, closed_at, status, source_system, source_file_id) values "
        f"('bad', '2026-01-05 09:00', '2026-01-04 09:00', 'closed', {P})",
        "bad",
    ),
    "cases_due_before_received": (
        f"insert into cases (case_id, received_at, due_at, status, source_system, source_file_id) values "
        f"('bad', '2026-01-05 09:00', '2026-01-01 17:00', 'received', {P})",
        "bad",
    ),
    "cases_status_closed_mismatch": (
        f"insert into cases (case_id, received_at, status, source_system, source_file_id) values "
        f"('bad', '2026-01-05 09:00', 'closed', {P})",
        "bad",
    ),
    "on_time_exceeds_closed": (
        f"insert into cases (case_id, received_at, due_at, closed_at, status, source_system, source_file_id) values "
        f"('bad', '2026-02-02 09:00', '2026-02-10 17:00', '2026-02-03 10:00', 'in_progress', {P})",
        1,
    ),
    "duplicate_keys": (
        f"insert into cases (case_id, received_at, status, source_system, source_file_id) values "
        f"('c1', '2026-01-07 09:00', 'received', {P})",
        "c1",
    ),
    "evaluations_unknown_case": (
        f"insert into evaluations (eval_id, case_id, rated_at, rating, source_system, source_file_id) values "
        f"('bad', 'nowhere', '2026-01-09 10:00', 4, {P})",
        "bad",
    ),
    "evaluations_before_case": (
        f"insert into evaluations (eval_id, case_id, rated_at, rating, source_system, source_file_id) values "
        f"('bad', 'c1', '2026-01-01 10:00', 4, {P})",
        "bad",
    ),
    "answers_outside_scale": (
        f"insert into survey_answers (response_id, item, score, source_system, source_file_id) values "
        f"('bad', 'overall', 9, {P})",
        "bad",
    ),
    "cases_unknown_grid": (
        f"insert into cases (case_id, received_at, status, grid_id, source_system, source_file_id) values "
        f"('c9', '2026-01-05 09:00', 'received', 'g404', {P})",
        "g404",
    ),
    "votes_exceed_eligible": (
        f"insert into micro_projects (project_id, title, proposed_at, stage, votes_for, votes_against, "
        f"eligible_voters, source_system, source_file_id) values ('bad', '多票', '2026-01-02', 'voting', 90, 20, 100, "
        f"{P})",
        "bad",
    ),
    "time_use_over_week": (
        f"insert into time_use (worker_id, week, hours_admin, hours_field, source_system, source_file_id) values "
        f"('bad', '2026-01-05', 100, 80, {P})",
        "bad",
    ),
    "ledgers_merged_without_target": (
        f"insert into ledgers (ledger_id, name, status, valid_from, source_system, source_file_id) values "
        f"('bad', '孤台账', 'merged', '2024-01-01', {P})",
        "bad",
    ),
    "record_entries_unknown_ledger": (
        f"insert into record_entries (entry_id, ledger_id, recorded_at, source_system, source_file_id) values "
        f"('bad', 'l404', '2026-01-05 10:00', {P})",
        "bad",
    ),
    "values_set_aside": (
        "insert into import_log (import_id, file_name, sha256, target, outcome) values (7, 'x.csv', 'h', 'cases', "
        "'loaded'); insert into rejects (import_id, file_name, line, column_name, value, reason, quarantined) values "
        "(7, 'x.csv', 5, '办理渠道', '传真', 'not one of the codes', true), "
        "(7, 'x.csv', 6, '受理时间', '昨天', 'not a date-time', false)",
        "办理渠道",
    ),
}

# A closing time on an open case is both a status mismatch and an on-time count without a closed case.
ALSO_FAILS = {"on_time_exceeds_closed": {"cases_status_closed_mismatch"}}


@pytest.fixture
def clean():
    con = warehouse.connect_memory()
    for sql in CLEAN:
        con.execute(sql)
    return con


def test_every_check_has_a_planted_row_and_a_title():
    assert sorted(PLANTED) == quality.checks()
    assert [c for c in quality.checks() if not has(f"data.dq.{c}.title")] == []


def test_clean_data_passes_every_check(clean):
    results = quality.run_checks(clean)
    assert [(r.check, r.rows, r.error) for r in results if not r.passed] == []
    assert len(results) == len(PLANTED)


@pytest.mark.parametrize("check", sorted(PLANTED))
def test_the_planted_row_is_found(clean, check):
    insert, marker = PLANTED[check]
    clean.execute(insert)
    result = quality.run_check(clean, check)
    assert (result.error, result.rows) == (None, 1)
    assert marker in result.sample.iloc[0].tolist()
    others = {r.check for r in quality.run_checks(clean) if not r.passed and r.check != check}
    assert others == ALSO_FAILS.get(check, set())


def test_a_broken_check_reports_its_error_instead_of_raising():
    result = quality.run_check(warehouse.connect_memory(), "cases_closed_before_received")
    assert result.passed  # sanity: the schema alone passes
    broken = quality.run_check(duckdb.connect(), "cases_closed_before_received")  # no tables at all
    assert broken.error and "does not exist" in broken.error and not broken.passed


def test_a_closing_time_set_aside_at_import_still_counts_as_closed_before_received(clean):
    """The importer stores such a case with closed_at NULL and lists the value in rejects (quarantined); the check
    counts it from there, and an undone import's rejects are gone with it."""
    clean.execute(
        "insert into import_log (import_id, file_name, sha256, target, outcome) values "
        "(3, 'b.csv', 'h', 'cases', 'loaded'), (4, 'c.csv', 'h2', 'cases', 'undone'); "
        "insert into rejects (import_id, file_name, line, column_name, value, reason, quarantined) values "
        "(3, 'b.csv', 9, 'closed_dt', '2015-06-25 15:15:35', 'closed before received', true), "
        "(4, 'c.csv', 2, 'closed_dt', '2015-06-25 15:15:35', 'closed before received', true), "
        "(3, 'b.csv', 10, 'closed_dt', '2015-06-25 15:15:35', 'closed before received', false)"
    )
    result = quality.run_check(clean, "cases_closed_before_received")
    assert result.sample.drop(columns="case_id").to_dict("records") == [
        {
            "source_file_id": 3,
            "file_name": "b.csv",
            "line": 9,
            "closed_at_written": "2015-06-25 15:15:35",
            "found": "set aside at import",
        }
    ]
