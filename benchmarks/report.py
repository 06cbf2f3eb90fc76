"""One results table: rows of repeated measurements, the machine they ran on, and the plain-text and markdown
renderings (printed, and written to benchmarks/results/latest.md)."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    """One benchmark at one scale. `samples` are seconds (or megabytes when unit is "MB"), one per run."""

    benchmark: str
    scale: str
    samples: list[float] = field(default_factory=list)
    unit: str = "s"
    rows: int | None = None  # rows processed per run: adds a rows/s column (ingest)
    ours_floor: float | None = None
    peer_ours: float | None = None
    ingest_floor: float | None = None
    target: str = ""  # the 10M target for this row, in words
    met: bool | None = None
    note: str = ""  # why a row has no samples, or what it measured exactly

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def rows_per_second(self) -> float | None:
        median = self.median
        return self.rows / median if self.rows and median else None


COLUMNS = (
    "benchmark",
    "scale",
    "median",
    "min–max (runs)",
    "rows/s",
    "ours/floor",
    "peer/ours",
    "ingest/floor",
    "target (10M)",
    "met",
    "note",
)


def _amount(value: float, unit: str) -> str:
    if unit == "MB":
        return f"{value:,.0f} MB"
    if value < 1:
        return f"{value * 1000:.0f} ms" if value >= 0.0095 else f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def _rate(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value / 1e6:.2f} M" if value >= 1e6 else f"{value / 1e3:.0f} k"


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}×"


def cells(row: Row) -> list[str]:
    if not row.samples:
        spread = median = ""
    else:
        median = _amount(row.median, row.unit)
        spread = f"{_amount(min(row.samples), row.unit)}–{_amount(max(row.samples), row.unit)} ({len(row.samples)})"
    met = "" if row.met is None else ("yes" if row.met else "MISS")
    return [
        row.benchmark,
        row.scale,
        median,
        spread,
        _rate(row.rows_per_second),
        _ratio(row.ours_floor),
        _ratio(row.peer_ours),
        _ratio(row.ingest_floor),
        row.target,
        met,
        row.note,
    ]


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        ram_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram = f"{ram_kb / 1024**2:.1f} GB"
    except (OSError, StopIteration):
        ram = "unknown"
    commit = (
        subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        or "unknown"
    )
    return {
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "nproc": str(os.cpu_count()),
        "ram": ram,
        "cpu": cpu,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "commit": commit,
    }


def header_line(info: dict[str, str]) -> str:
    return (
        f"{info['date']} · {info['nproc']} cores · {info['ram']} RAM · {info['cpu']} · Python {info['python']}"
        f" · DuckDB {info['duckdb']} · commit {info['commit']}"
    )


def render_text(rows: list[Row], info: dict[str, str]) -> str:
    table = [list(COLUMNS)] + [cells(r) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    lines = [header_line(info), ""]
    for index, line in enumerate(table):
        lines.append("  ".join(value.ljust(width) for value, width in zip(line, widths)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def render_markdown(rows: list[Row], info: dict[str, str], notes: list[str]) -> str:
    def escape(value: str) -> str:
        return value.replace("|", "\\|")

    lines = [
        f"Machine: {header_line(info)}",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---" for _ in COLUMNS) + "|",
    ]
    lines += ["| " + " | ".join(escape(c) for c in cells(r)) + " |" for r in rows]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"
