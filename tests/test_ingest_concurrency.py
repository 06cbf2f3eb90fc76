"""Atomic imports across processes: a SIGKILL mid-import leaves the previous state; a reader process polling
during imports always sees one whole state, never a mix."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_ingest_helpers import HEADERS, canonical_rows, write_csv, write_mapping

from jianfu import warehouse
from jianfu.ingest.loader import import_files

ROOT = Path(__file__).resolve().parents[1]

# Runs an import whose progress callback parks the process at a chosen stage, so the test can kill it there.
IMPORT_AND_PARK = """
import sys, time
from pathlib import Path
from jianfu.ingest.loader import import_files
export, mapping, stage, marker = sys.argv[1:5]
def progress(message, fraction):
    if message.endswith(": " + stage):
        Path(marker).write_text("parked")
        time.sleep(600)
import_files([export], mapping=mapping, progress=progress)
"""

# Polls the warehouse in a loop; each line is the snapshot it saw: row count and the count import_log promises.
READ_IN_A_LOOP = """
import sys
from pathlib import Path
from jianfu import warehouse
ready, stop = Path(sys.argv[1]), Path(sys.argv[2])
reads = 0
while True:
    stopping = stop.exists()
    cur = warehouse.read_connection().cursor()
    cases = cur.execute("select count(*) from cases").fetchall()[0][0]
    promised = cur.execute("select coalesce(sum(rows_loaded), 0) from import_log where outcome = 'loaded'").fetchall()[0][0]
    print(cases, promised, flush=True)
    reads += 1
    if reads == 1:
        ready.write_text("reading")
    if stopping:
        break
"""


def case_rows(start: int, count: int) -> list[list[str]]:
    return [
        [f"K{i:07d}", "低保申请", "2025-03-01 09:00:00", "", "办理中", "窗口", "1", "否"]
        for i in range(start, start + count)
    ]


def snapshot() -> list[tuple]:
    return canonical_rows("select * from cases order by case_id") + canonical_rows("select * from import_log")


def wait_for(path: Path, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while not path.exists():
        if proc.poll() is not None:
            pytest.fail(f"the child exited early: {proc.stderr.read() if proc.stderr else ''}")
        if time.time() > deadline:
            proc.kill()
            pytest.fail(f"{path.name} never appeared")
        time.sleep(0.02)


@pytest.mark.parametrize("stage", ["writing", "committing"])
def test_a_killed_import_leaves_the_previous_state(tmp_path, stage):
    mapping = write_mapping(tmp_path)
    import_files([write_csv(tmp_path / "base.csv", HEADERS, case_rows(0, 50))], mapping=mapping)
    before, version = snapshot(), warehouse.current_path()
    warehouse.close_read_connections()

    big = write_csv(tmp_path / "big.csv", HEADERS, case_rows(1000, 30_000))
    marker = tmp_path / "parked"
    child = subprocess.Popen(
        [sys.executable, "-c", IMPORT_AND_PARK, str(big), str(mapping), stage, str(marker)],
        cwd=ROOT,
        env=os.environ.copy(),
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(marker, child)
    if stage == "committing":  # rows are in the half-written copy: the kill lands mid-transaction
        assert list(warehouse.warehouse_dir().glob("v000002.duckdb.tmp*"))
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)

    assert warehouse.current_path() == version
    assert snapshot() == before
    warehouse.close_read_connections()
    after = import_files([big], mapping=mapping)[0]  # the next writer clears the leftovers and succeeds
    assert (after.outcome, after.rows_loaded) == ("loaded", 30_000)
    assert canonical_rows("select count(*) from cases") == [(30_050,)]
    assert not list(warehouse.warehouse_dir().glob("*.tmp*"))


def test_a_reader_process_sees_whole_states_during_imports(tmp_path):
    mapping = write_mapping(tmp_path)
    sizes = [200, 20_000, 15_000, 25_000]
    files = [write_csv(tmp_path / f"part{i}.csv", HEADERS, case_rows(100_000 * i, n)) for i, n in enumerate(sizes)]
    import_files(files[:1], mapping=mapping)
    ready, stop = tmp_path / "ready", tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READ_IN_A_LOOP, str(ready), str(stop)],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(ready, reader)
    outcomes = import_files(files[1:], mapping=mapping)
    stop.write_text("stop")
    out, err = reader.communicate(timeout=60)

    assert [o.outcome for o in outcomes] == ["loaded"] * 3
    assert reader.returncode == 0 and err == ""
    reads = [tuple(map(int, line.split())) for line in out.splitlines()]
    states = {sum(sizes[:k]) for k in range(1, len(sizes) + 1)}
    assert all(cases == promised and cases in states for cases, promised in reads), set(reads)
    seen = {cases for cases, _ in reads}
    assert {sizes[0], sum(sizes)} <= seen and len(reads) > 10
