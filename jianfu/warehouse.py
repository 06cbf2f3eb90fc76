"""The DuckDB warehouse: versioned files behind one symlink, so readers never see a half-import.

DuckDB lets one process hold a file read-write and then no other process may open it at all (STACK.md). So a
writer never touches the file readers use: it copies the current version, applies its change inside a
transaction on the copy, checkpoints and closes it, then atomically repoints `current.duckdb` at the copy.
A reader resolves the symlink once per query batch and keeps one connection per real path, so it sees either
the old or the new state, never a mix; a kill -9 at any moment leaves the symlink on the last good version.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import duckdb

from jianfu import quality, settings
from jianfu.schema import TABLES, create_table_sql

CURRENT = "current.duckdb"
_VERSION = re.compile(r"^v(\d{6})\.duckdb$")
# No extension may be fetched or auto-loaded: there is no network, and a failed fetch costs seconds.
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

SYSTEM_TABLES_SQL = (
    """create table if not exists import_log (
        import_id bigint primary key, file_name varchar not null, sha256 varchar not null, target varchar not null,
        mapping varchar, rows_read bigint, rows_loaded bigint, rows_updated bigint, rows_rejected bigint,
        started_at timestamp, finished_at timestamp, who varchar, outcome varchar not null, undone_at timestamp,
        message varchar)""",
    """create table if not exists rejects (
        import_id bigint not null, file_name varchar not null, line bigint, column_name varchar, value varchar,
        reason varchar not null, quarantined boolean not null default false)""",
    # warehouses from before quarantine: every reject then rejected its row
    "alter table rejects add column if not exists quarantined boolean default false",
)


class WarehouseMissing(RuntimeError):
    pass


# What DuckDB 2.0 says when a file is truncated, overwritten or has a bad block (seen in tests).
_DAMAGE_SIGNS = ("Corrupt database file", "not a valid DuckDB database file", "Could not read enough bytes")


def is_damage(exc: BaseException) -> bool:
    """True for DuckDB's errors about a damaged file (`jianfu recover` is the way back), as opposed to a full
    disk or a bad query."""
    return isinstance(exc, duckdb.Error) and any(sign in str(exc) for sign in _DAMAGE_SIGNS)


class WarehouseWriteFailed(RuntimeError):
    """The new version could not be written (full disk, size limit); the current version is unchanged."""


def warehouse_dir() -> Path:
    return settings.private_dir(settings.data_dir() / "warehouse")


def current_path() -> Path | None:
    link = warehouse_dir() / CURRENT
    if not link.is_symlink():
        return None
    real = Path(os.path.realpath(link))
    return real if real.exists() else None


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every canonical table, its `__superseded` shadow (rows an upsert replaced, kept for undo),
    and the system tables. Safe to run on an existing warehouse."""
    for table in TABLES.values():
        con.execute(create_table_sql(table))
        con.execute(create_table_sql(table, f"{table.name}__superseded", extra=", superseded_by bigint"))
    for sql in SYSTEM_TABLES_SQL:
        con.execute(sql)


def connect_memory() -> duckdb.DuckDBPyConnection:
    """An empty in-memory warehouse with the full schema (tests build tiny tables in it)."""
    con = duckdb.connect(":memory:", config=DUCKDB_CONFIG)
    create_schema(con)
    return con


_read_lock = threading.Lock()
_read_connections: dict[str, duckdb.DuckDBPyConnection] = {}


def read_connection() -> duckdb.DuckDBPyConnection:
    """This process's read-only connection to the current version. Callers take `.cursor()` per query
    (one connection shared by threads gives wrong results, STACK.md)."""
    path = current_path()
    if path is None:
        raise WarehouseMissing("no warehouse yet: run `jianfu ingest FILE…` or `jianfu init-sample`")
    key = str(path)
    with _read_lock:
        con = _read_connections.get(key)
        if con is None:
            # Dropped, not closed: another thread may still be querying the old version through a cursor,
            # which keeps it open until that cursor is gone (closing it here broke their query).
            _read_connections.clear()
            con = duckdb.connect(key, read_only=True, config=read_config())
            _read_connections[key] = con
        return con


def read_config() -> dict:
    """Reads are bounded in memory and spill to `data_dir/spill` (not next to the version file, where the
    writer's clean-up of `*.tmp*` leftovers would meet DuckDB's default `<file>.tmp` folder)."""
    spill = settings.private_dir(settings.data_dir() / "spill")
    return {**DUCKDB_CONFIG, "memory_limit": str(settings.get("query_memory_limit")), "temp_directory": str(spill)}


def version_key() -> str:
    """Changes whenever the warehouse changes: use it to key caches."""
    path = current_path()
    return path.name if path else "none"


def close_read_connections() -> None:
    with _read_lock:
        for key in list(_read_connections):
            _read_connections.pop(key).close()


def _versions(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if _VERSION.match(p.name))


@contextmanager
def write():
    """Yield a read-write connection to a new version; it becomes current only if the block succeeds.

    One writer at a time (an exclusive lock file). Anything raised inside the block leaves the current
    version untouched and deletes the half-written copy.
    """
    folder = warehouse_dir()
    with open(folder / ".write.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in folder.glob("*.tmp*"):  # left by a writer that was killed
            stale.unlink(missing_ok=True)
        versions = _versions(folder)
        number = int(_VERSION.match(versions[-1].name).group(1)) + 1 if versions else 1
        final = folder / f"v{number:06d}.duckdb"
        tmp = folder / f"v{number:06d}.duckdb.tmp"
        source = current_path()
        con = None
        try:
            if source is not None:
                shutil.copyfile(source, tmp)
            con = duckdb.connect(str(tmp), config=DUCKDB_CONFIG)
            create_schema(con)
            con.execute("begin transaction")
            try:
                yield con
                con.execute("commit")
            except BaseException:
                try:
                    con.execute("rollback")
                except duckdb.Error:
                    pass  # a commit that failed (full disk) has already ended the transaction
                raise
            # Once per version, so the data page never recomputes them; after the commit, because a check that fails
            # inside a transaction would silently undo it (DuckDB aborts it and the commit then discards the rows).
            # The version is not current until the rename below, so no reader sees it without its results.
            quality.store(con)
            con.execute("checkpoint")
            con.close()
            tmp.chmod(0o600)  # the umask does this already; the version file is the asset, so say it here too
            _fsync(tmp)
            os.replace(tmp, final)
            link_tmp = folder / f"{CURRENT}.tmp{os.getpid()}"
            link_tmp.unlink(missing_ok=True)
            link_tmp.symlink_to(final.name)
            os.replace(link_tmp, folder / CURRENT)
            _fsync_dir(folder)
        except BaseException as exc:
            try:
                if con is not None:
                    con.close()
            except duckdb.Error:
                pass
            for leftover in (tmp, Path(str(tmp) + ".wal")):
                leftover.unlink(missing_ok=True)
            if isinstance(exc, (OSError, duckdb.IOException)) and not is_damage(exc):
                reason = str(exc).strip().splitlines()[0][:200]
                raise WarehouseWriteFailed(
                    f"the warehouse could not be written ({reason}): the disk is full or a file-size limit was "
                    "reached; the warehouse is unchanged — free some space and try again."
                ) from exc
            raise
        _prune(folder, keep=int(settings.get("keep_versions")))


def _prune(folder: Path, keep: int) -> None:
    current = current_path()
    for old in _versions(folder)[: -(keep + 1)]:
        if old != current:
            old.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def versions() -> list[Path]:
    """Every complete version file, oldest first."""
    return _versions(warehouse_dir())


def restore(version: Path) -> None:
    """Make `version` current again (`jianfu recover`), under the writers' lock so no import runs meanwhile.
    Newer versions are renamed `*.damaged`: kept for inspection, never current or copied again."""
    folder = warehouse_dir()
    with open(folder / ".write.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for newer in _versions(folder):
            if newer.name > version.name:
                os.replace(newer, newer.with_name(newer.name + ".damaged"))
        link_tmp = folder / f"{CURRENT}.tmp{os.getpid()}"
        link_tmp.unlink(missing_ok=True)
        link_tmp.symlink_to(version.name)
        os.replace(link_tmp, folder / CURRENT)
        _fsync_dir(folder)
