"""`jianfu export parquet --out DIR`: the current warehouse version as Parquet, for engines beyond one machine.

Every canonical table (the ones KPI queries read; jianfu.schema) goes to DIR/<table>/. A table with a time column
(`Table.date_column`) and rows is partitioned by its month in hive style (DIR/cases/month=2025-03/…), so a city
platform can load and replace months one by one and Spark reads only the folders a window needs; rows without
a time go under month=__HIVE_DEFAULT_PARTITION__ (hive's and Spark's name for NULL). The month is a folder name
only, not a column in the files. An empty table is one Parquet file that still carries its columns and types.

DIR/manifest.json says what was written: per table its rows, columns with DuckDB types, partitioning and
months; the warehouse version; and the span of the data (data_from, data_as_of as `jianfu kpis` reports them).
The export is written to a temporary folder beside DIR and renamed into place at the end: a failure leaves no
half export. System tables (import log, rows superseded by upserts) are for undo and audit and stay behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click

from jianfu.schema import TABLES

MANIFEST = "manifest.json"
FORMAT = "jianfu-parquet-export"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


class ExportError(RuntimeError):
    pass


def export_parquet(con, out: Path, warehouse_version: str) -> dict:
    """Write every canonical table of `con` under `out` (which must not exist yet, or be empty) and return the
    manifest, also written as out/manifest.json."""
    from jianfu.metrics.sql import data_coverage

    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExportError(f"{out} exists and is not an empty folder: choose a new one (nothing was written)")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        tables = {name: _export_table(con, name, staging) for name in TABLES}
        data_from, data_as_of, _ = data_coverage(con)
        manifest = {
            "format": FORMAT,
            "format_version": 1,
            "warehouse_version": warehouse_version,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "data_from": data_from.isoformat() if data_from else None,
            "data_as_of": data_as_of.isoformat() if data_as_of else None,
            "tables": tables,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        if out.exists():
            out.rmdir()  # empty, checked above
        os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _export_table(con, name: str, staging: Path) -> dict:
    table = TABLES[name]
    cursor = con.cursor()
    try:
        relation = cursor.table(name)
        columns = [{"name": c, "type": str(t)} for c, t in zip(relation.columns, relation.types)]
        rows = cursor.execute(f'select count(*) from "{name}"').fetchall()[0][0]  # name: a schema constant
        folder = staging / name
        entry = {
            "path": name,
            "rows": rows,
            "columns": columns,
            "time_column": table.date_column,
            "partition_by": None,
            "months": [],
        }
        if table.date_column and rows:
            # a NULL month is written as NULL_PARTITION by DuckDB itself
            relation.select(f"*, strftime(\"{table.date_column}\", '%Y-%m') as month").write_parquet(
                str(folder), partition_by=["month"]
            )
            entry["partition_by"] = "month"
            entry["months"] = sorted(p.name.removeprefix("month=") for p in folder.iterdir() if p.is_dir())
        else:
            folder.mkdir()
            relation.write_parquet(str(folder / "data_0.parquet"))
        return entry
    finally:
        cursor.close()


def read_manifest(folder: str | Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise ExportError(f"{folder} holds no {MANIFEST}: make one with `jianfu export parquet --out {folder}`")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ExportError(f"{path} is not a Jianfu Parquet export")
    return manifest


@click.group()
def export() -> None:
    """Copies of the warehouse for other engines. 导出。"""


@export.command("parquet")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="New (or empty) folder to write the export to.",
)
def parquet(out: Path) -> None:
    """Every table of the current warehouse version as Parquet, by month, with manifest.json."""
    from jianfu import warehouse

    try:
        con = warehouse.read_connection()
        manifest = export_parquet(con, out, warehouse.version_key())
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"wrote {len(manifest['tables'])} tables ({rows} rows) of {manifest['warehouse_version']} to {out}")


COMMANDS = [export]
