"""Issue 15, finding 1: one console query could grow the server past the machine's memory, because DuckDB hands
a result over in vectors of 2,048 rows whatever their size. The query now runs in a child process with its own
address-space limit and the result is bounded in bytes as well as rows.

The hostile queries run inside a guard process limited to 3 GB (RLIMIT_AS), so that a regression fails this test
instead of taking the test machine down."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from jianfu import sandbox, warehouse

_GUARDED = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from jianfu import sandbox

def main():
    out = []
    for sql, scope in json.loads(sys.argv[1]):
        result = sandbox.run_sql(sql, scope=tuple(scope) if scope else None)
        out.append([result.error_code, result.error, len(result.frame)])
    out.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10)
    print(json.dumps(out))

if __name__ == "__main__":
    main()
"""


@pytest.fixture
def cases_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("JIANFU_DATA_DIR", str(tmp_path))
    with warehouse.write() as con:
        con.execute(
            "insert into cases (case_id, received_at, status, grid_id, source_system, source_file_id) "
            "select 'c' || i, '2026-01-01', 'closed', 'g01', 's', 1 from range(4000) as t(i)"
        )
    return tmp_path


@pytest.mark.timeout(180)
def test_the_two_hostile_queries_stop_with_a_clear_message_and_the_server_survives(cases_dir, tmp_path):
    queries = [
        ["select range(0, 1000000) as l from range(5000)", None],  # as an analyst
        ["select range(0,1000000) as l from cases limit 3000", ["g01"]],  # as grid staff
        ["select count(*) as n from cases", ["g01"]],
    ]  # and the console still answers afterwards
    env = {**os.environ, "JIANFU_SQL_MEMORY_MB": "1536"}
    done = subprocess.run(
        [sys.executable, "-c", _GUARDED, json.dumps(queries)],
        capture_output=True,
        text=True,
        timeout=170,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    *answers, server_mb = json.loads(done.stdout.strip().splitlines()[-1])
    message = (
        "The query needed more than the console's 1536 MB of memory and was stopped; select fewer or smaller columns."
    )
    assert answers == [["memory_limit", message, 0], ["memory_limit", message, 0], [None, None, 1]]
    assert server_mb < 1024  # the process that asked (the server) never held the result


def test_a_result_over_the_byte_bound_is_refused_with_a_notice(cases_dir, monkeypatch):
    monkeypatch.setenv("JIANFU_SQL_MAX_RESULT_MB", "8")
    result = sandbox.run_sql("select repeat('x', 10000) as s from range(5000)")  # 50 MB in 5,000 rows
    assert (result.error_code, result.detail, result.frame.empty) == ("result_too_large", "8", True)
    assert result.error == "The result is larger than 8 MB; select fewer rows or columns."
    small = sandbox.run_sql("select repeat('x', 10000) as s from range(500)")  # 5 MB passes
    assert (small.error, len(small.frame), small.frame["s"].str.len().max()) == (None, 500, 10000)


def test_the_ui_says_both_refusals_in_chinese_and_english():
    from jianfu.display.i18n import t

    for code in ("memory_limit", "result_too_large"):
        zh, en = t(f"explorer.sql.error.{code}", "zh", detail="8"), t(f"explorer.sql.error.{code}", "en", detail="8")
        assert "8 MB" in zh and "8 MB" in en and zh != en
