"""`jianfu recover`: find the newest warehouse version that opens and reads completely, and make it current.

A version passes when DuckDB opens it read-only, every canonical and system table exists, and a hash over
every row of every table succeeds (this reads each data block, so DuckDB's block checksums catch a damaged
byte; `count(*)` alone would not, it is answered from metadata).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from jianfu import warehouse
from jianfu.schema import TABLES

REQUIRED_TABLES = (*TABLES, "import_log", "rejects")


@dataclass(frozen=True)
class Recovery:
    current: Path | None  # the version now current (None: no good version exists)
    was: Path | None  # the version that was current before
    damaged: tuple[tuple[Path, str], ...]  # (version, problem) for every newer version that failed the check


def check_version(path: Path) -> str | None:
    """None when the version is sound, else one sentence saying what is wrong with it."""
    try:
        con = duckdb.connect(str(path), read_only=True, config=warehouse.read_config())
    except duckdb.Error as exc:
        return f"cannot be opened ({_first_line(exc)})"
    try:
        present = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
        missing = [t for t in REQUIRED_TABLES if t not in present]
        if missing:
            return f"lacks the tables {', '.join(missing)}"
        for table in sorted(present):  # every block of every table read once: damage anywhere is found
            con.execute(f'select sum(hash(t)) from "{table}" as t').fetchall()
    except duckdb.Error as exc:
        return f"cannot be read ({_first_line(exc)})"
    finally:
        con.close()
    return None


def recover() -> Recovery:
    """Repoint `current` to the newest sound version (a no-op when the current one is the newest sound one)."""
    was = _current_target()
    damaged = []
    for version in reversed(warehouse.versions()):
        problem = check_version(version)
        if problem is None:
            if version != was:
                warehouse.restore(version)
                warehouse.close_read_connections()
            return Recovery(version, was, tuple(damaged))
        damaged.append((version, problem))
    return Recovery(None, was, tuple(damaged))


def _current_target() -> Path | None:
    link = warehouse.warehouse_dir() / warehouse.CURRENT
    return link.resolve() if link.is_symlink() else None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300]
