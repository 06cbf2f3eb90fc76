"""Faults during an import: SIGKILL at random moments, a disk that fills, and 20 sessions reading meanwhile.
The previous state must stay intact (or the new one be complete), the message must say what happened, and no
reader may see an error or a mix of two states."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from security_corpus import MAPPING, csv, row

from jianfu import warehouse
from jianfu.access.recovery import check_version
from jianfu.ingest.loader import import_files
from jianfu.metrics import Filters, compute_kpis

ROWS_PER_FILE = 100
KILL_RUNS = 20


def export_file(folder: Path, number: int, rows: int = ROWS_PER_FILE) -> Path:
    """Export `number`: `rows` cases received in January 2026, ids unique to this export."""
    path = folder / f"export-{number:03d}.csv"
    path.write_text(
        csv(
            *[
                row(case=f"e{number}-{i}", received=f"2026-01-{1 + i % 28:02d} 09:00:00", closed="", state="received")
                for i in range(rows)
            ]
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("JIANFU_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    [first] = import_files([export_file(tmp_path, 0)], mapping=tmp_path / "mapping.toml", who="test")
    assert first.rows_loaded == ROWS_PER_FILE
    return tmp_path


def state() -> tuple[int, int]:
    """(cases, loaded imports) read from the current version in one snapshot."""
    warehouse.close_read_connections()
    cursor = warehouse.read_connection().cursor()
    cases = cursor.execute("select count(*) from cases").fetchone()[0]
    loaded = cursor.execute("select count(*) from import_log where outcome = 'loaded'").fetchone()[0]
    return cases, loaded


def full_state() -> dict:
    """Row counts of every table (canonical, superseded shadows, system) and the case-volume KPI of January, as
    the dashboard computes it: equal dicts ⇔ the same warehouse contents as far as any page can tell."""
    cursor = warehouse.read_connection().cursor()
    tables = [r[0] for r in cursor.execute("select table_name from duckdb_tables() order by all").fetchall()]
    counts = {t: cursor.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
    january = Filters(date(2026, 1, 1), date(2026, 1, 31))
    kpi = compute_kpis(warehouse.read_connection().cursor(), january, ids=["case_volume"])["case_volume"].value
    return {**counts, "kpi:case_volume": kpi}


_CHILD = """
import json, sys
from jianfu.ingest.loader import import_files
print("ready", flush=True)
sys.stdin.readline()
[outcome] = import_files([sys.argv[1]], mapping=sys.argv[2], who="fault")
print(json.dumps(outcome.as_dict()), flush=True)
"""


def _start_child(path: Path, mapping: Path) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path), str(mapping)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert child.stdout.readline().strip() == "ready"
    return child


@pytest.mark.timeout(420)  # 20 child processes, each importing Python and DuckDB: slow on a loaded machine
def test_sigkill_at_random_moments_leaves_old_or_new_state(folder):
    mapping = folder / "mapping.toml"
    timed = _start_child(export_file(folder, 1, 2000), mapping)  # how long an import takes here
    started = time.perf_counter()
    timed.communicate("go\n", timeout=60)
    import_seconds = time.perf_counter() - started
    cases, loaded = state()
    old = full_state()
    rng = random.Random(6)
    kept_old = became_new = 0
    for run in range(KILL_RUNS):
        child = _start_child(export_file(folder, 10 + run, 2000), mapping)
        child.stdin.write("go\n")
        child.stdin.flush()
        time.sleep(rng.uniform(0, import_seconds * 1.2))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
        after = state()
        assert after in ((cases, loaded), (cases + 2000, loaded + 1)), (run, after)
        assert check_version(warehouse.current_path()) is None
        now = full_state()
        if after == (cases, loaded):
            assert now == old, run  # exactly before: every table and the KPI unchanged
        else:  # exactly after: 2,000 more cases and one more import, nothing else moved
            assert now == {
                **old,
                "cases": old["cases"] + 2000,
                "import_log": old["import_log"] + 1,
                "kpi:case_volume": old["kpi:case_volume"] + 2000,
            }, run
        kept_old += after == (cases, loaded)
        became_new += after != (cases, loaded)
        cases, loaded, old = *after, now
    assert kept_old >= 1  # at least one kill landed mid-import (else the test proved nothing)
    [outcome] = import_files([export_file(folder, 99)], mapping=mapping, who="test")
    assert outcome.outcome == "loaded" and state() == (cases + ROWS_PER_FILE, loaded + 1)
    assert not [p.name for p in warehouse.warehouse_dir().iterdir() if ".tmp" in p.name]
    recovered = subprocess.run(
        [str(Path(sys.executable).parent / "jianfu"), "recover"],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
    )
    assert recovered.returncode == 0 and "is sound; nothing to do" in recovered.stdout, (
        recovered.stdout + recovered.stderr
    )
    print(f"SIGKILL runs: {KILL_RUNS}, old state kept {kept_old}, new state complete {became_new}")


_FULL_DISK_CHILD = """
import json, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a full disk: writes fail with an error instead of a signal
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from jianfu.ingest.loader import import_files
[outcome] = import_files([sys.argv[1]], mapping=sys.argv[2], who="fault")
print(json.dumps(outcome.as_dict()))
"""


@pytest.mark.parametrize("headroom", [-(10**6), 4096, 300_000], ids=["during_copy", "at_once", "during_commit"])
def test_disk_full_during_import_keeps_the_previous_state_and_says_so(folder, headroom):
    """RLIMIT_FSIZE makes every write past the limit fail as on a full disk (no mount needed)."""
    before = state()
    current = warehouse.current_path()
    limit = current.stat().st_size + headroom
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _FULL_DISK_CHILD,
            str(export_file(folder, 1, 20_000)),
            str(folder / "mapping.toml"),
            str(limit),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
    )
    assert "Traceback" not in done.stderr, done.stderr[-1500:]
    outcome = json.loads(done.stdout)
    assert outcome["outcome"] == "refused"
    assert "disk" in outcome["message"] and "unchanged" in outcome["message"], outcome["message"]
    assert state() == before and warehouse.current_path() == current
    assert not [p.name for p in warehouse.warehouse_dir().iterdir() if ".tmp" in p.name]


_WRITER = """
import sys
from jianfu.ingest.loader import import_files
for path in sys.argv[2:]:
    [outcome] = import_files([path], mapping=sys.argv[1], who="writer")
    assert outcome.outcome == "loaded", outcome.message
"""


@pytest.mark.timeout(120)
@pytest.mark.parametrize("writer", ["other_process", "same_process"])
def test_twenty_sessions_read_consistently_while_imports_run(folder, writer):
    """Each session reads through the real path (read_connection + a cursor + the KPI engine). A consistent
    state has exactly ROWS_PER_FILE cases per loaded import, and the engine counts the same cases."""
    files = [export_file(folder, n) for n in range(1, 7)]
    errors: list[str] = []
    seen: set[int] = set()
    stop = threading.Event()
    january = Filters(date(2026, 1, 1), date(2026, 1, 31))

    def session() -> None:
        while not stop.is_set():
            try:
                cursor = warehouse.read_connection().cursor()
                loaded = cursor.execute("select count(*) from import_log where outcome = 'loaded'").fetchone()[0]
                cases = cursor.execute("select count(*) from cases").fetchone()[0]
                volume = compute_kpis(cursor, january, ids=["case_volume"])["case_volume"].value
                if cases != ROWS_PER_FILE * loaded or volume != cases:
                    errors.append(f"mixed state: {loaded} imports, {cases} cases, engine {volume}")
                seen.add(loaded)
            except Exception as exc:  # any error at all is a failure of the read path
                errors.append(f"{type(exc).__name__}: {exc}")

    sessions = [threading.Thread(target=session) for _ in range(20)]
    for thread in sessions:
        thread.start()
    if writer == "other_process":
        subprocess.run(
            [sys.executable, "-c", _WRITER, str(folder / "mapping.toml"), *map(str, files)],
            check=True,
            timeout=90,
            env=os.environ.copy(),
        )
    else:
        for path in files:
            assert import_files([path], mapping=folder / "mapping.toml", who="writer")[0].outcome == "loaded"
    time.sleep(0.5)  # let every session see the final state
    stop.set()
    for thread in sessions:
        thread.join(timeout=30)
    from collections import Counter

    assert sorted(Counter(e[:150] for e in errors).items()) == []
    assert 7 in seen and len(seen) >= 2  # the sessions saw the imports land
