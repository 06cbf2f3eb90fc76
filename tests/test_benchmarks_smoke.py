"""The benchmark harness runs end to end at a tiny scale and prints every row of its table. It asserts nothing
about time (CI machines are noisy); it fails when a measurement could not be taken or a row is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.report import COLUMNS
from benchmarks.run import parse_args

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")


def _table(markdown: str) -> list[dict[str, str]]:
    lines = [line for line in markdown.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split(" | ")]
    assert header == list(COLUMNS)
    rows = []
    for line in lines[1:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        rows.append(dict(zip(header, cells)))
    return rows


def _expected_rows(with_browser: bool) -> list[str]:
    from jianfu.ui.shell import PAGES

    pages = [file for file, *_ in PAGES]
    names = [
        f"ingest {fmt}{suffix}"
        for fmt in ("utf-8 csv", "gb18030 csv", "xlsx")
        for suffix in (" (import_files)", " floor")
    ]
    names += [
        f"floor: one query, overview+throughput aggregates, {f} {m}"
        for f in ("default", "narrow")
        for m in ("cold", "warm")
    ]
    names += [f"render {page} (AppTest, first)" for page in pages]
    names += [
        f"queries {page}, {f} filter, {m}" for page in pages for f in ("default", "narrow") for m in ("cold", "warm")
    ]
    for f in ("default", "narrow"):
        names += [
            f"ours: overview+throughput KPIs (engine), {f}, warm",
            f"peer: pandas from Parquet, {f}, load excluded",
            f"peer: pandas from Parquet, {f}, load included",
        ]
    if with_browser:
        names += [
            "overview drawn in Chromium, first visit after start",
            "overview drawn in Chromium, later visits",
            "dashboard peak memory (RSS) after every page, both filters",
        ]
    return names


def test_arguments_are_validated():
    args = parse_args(["--scale", "5k,sample", "--only", "memory,floor"])
    assert args.scales == ["5k", "sample"]
    assert args.sections == ["floor", "browser"]
    with pytest.raises(SystemExit):
        parse_args(["--only", "speed"])
    with pytest.raises(ValueError, match="is not a case count"):
        parse_args(["--scale", "huge"])


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_harness_prints_every_row_at_a_tiny_scale(tmp_path):
    with_browser = CHROMIUM.exists() or os.environ.get("CI") == "true"  # CI must measure the browser too
    only = "ingest,floor,pages,peer" + (",memory,browser" if with_browser else "")
    command = [
        sys.executable,
        "-m",
        "benchmarks.run",
        "--scale",
        "3k",
        "--only",
        only,
        "--runs",
        "2",
        "--cold-runs",
        "1",
        "--visits",
        "1",
        "--cache-dir",
        str(tmp_path / "cache"),
        "--results-dir",
        str(tmp_path / "results"),
    ]
    done = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=880,
        env={**os.environ, "JIANFU_DATA_DIR": str(tmp_path / "unused")},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "cores" in done.stdout and "RAM" in done.stdout  # the machine header
    rows = _table((tmp_path / "results" / "latest.md").read_text(encoding="utf-8"))
    measured = {row["benchmark"]: row for row in rows}
    missing = [name for name in _expected_rows(with_browser) if name not in measured]
    assert not missing, f"rows missing from the table: {missing}"
    for row in rows:
        assert row["scale"] == "3k"
        assert row["median"], f"{row['benchmark']} has no measurement: {row['note']}"
        assert "FAILED" not in row["note"] and "error" not in row["note"], row
    for name in ("ingest utf-8 csv (import_files)", "ingest gb18030 csv (import_files)", "ingest xlsx (import_files)"):
        assert measured[name]["ingest/floor"].endswith("×") and measured[name]["rows/s"]
    assert measured["queries overview, default filter, cold"]["ours/floor"].endswith("×")
    assert measured["peer: pandas from Parquet, default, load excluded"]["note"] == "same values as the floor"
