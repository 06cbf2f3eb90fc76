"""`jianfu ingest | imports | undo | rejects`: plain one-line-per-item output, exit code 1 on refusal, and never a
traceback for bad input (ImportRefused carries the sentence to print)."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click

from jianfu import warehouse
from jianfu.ingest.errors import ImportRefused
from jianfu.ingest.loader import ImportOutcome, import_files, list_imports, list_rejects, undo


def _audited(action: str, what: str, **details) -> None:
    """Record the action in the audit log before doing it, as the web pages do: an action that cannot be
    recorded is not performed. The actor is the operating-system account that ran the command."""
    from jianfu.access import audit  # only commands that change the warehouse pay for it

    try:
        audit.record(action, f"cli:{getpass.getuser()}", what, **details)
    except audit.AuditUnavailable as exc:
        raise click.ClickException(str(exc)) from None


def _outcome_line(o: ImportOutcome) -> str:
    if o.outcome == "loaded":
        return f"loaded     {o.file_name} → {o.target} · import {o.import_id}: {o.message}"
    if o.outcome == "unchanged":
        return f"unchanged  {o.file_name}: {o.message}"
    return f"refused    {o.file_name}: {o.message}"


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--mapping",
    "mapping",
    type=click.Path(dir_okay=False),
    default=None,
    help="Mapping file (TOML, see jianfu/ingest/MAPPING.md); default: recognise the export by its headers.",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    default=False,
    help="Record a file even when none of its rows load (its rejects); by default such a file is refused.",
)
def ingest(files: tuple[str, ...], mapping: str | None, allow_empty: bool) -> None:
    """Import export files (CSV in UTF-8/GB18030, or XLSX) into the warehouse. 导入导出文件。"""
    _audited("import", ", ".join(Path(f).name for f in files), files=len(files))
    outcomes = import_files(files, mapping=mapping, who="cli", allow_empty=allow_empty)
    for outcome in outcomes:
        click.echo(_outcome_line(outcome))
    if any(o.outcome == "refused" for o in outcomes):
        sys.exit(1)


@click.command()
def imports() -> None:
    """List every import (import_log), oldest first. 导入记录。"""
    try:
        rows = list_imports(warehouse.read_connection())
    except warehouse.WarehouseMissing:
        click.echo("no imports yet")
        return
    click.echo("id  outcome    target            read   loaded  updated  rejected  finished             file")
    for r in rows:
        click.echo(
            f"{r['import_id']:<3} {r['outcome']:<10} {r['target']:<16} {r['rows_read']:>6} {r['rows_loaded']:>8} "
            f"{r['rows_updated']:>8} {r['rows_rejected']:>9}  {r['finished_at']:%Y-%m-%d %H:%M:%S}  "
            f"{r['file_name']}"
        )


@click.command(name="undo")
@click.argument("import_id", type=int)
def undo_command(import_id: int) -> None:
    """Undo one import: its rows go, the rows it replaced come back. 撤销一次导入。"""
    _audited("undo", f"import {import_id}")
    try:
        result = undo(import_id, who="cli")
    except ImportRefused as exc:
        click.echo(f"refused    {exc.message}")
        sys.exit(1)
    click.echo(f"undone     import {result.import_id} ({result.file_name}): {result.message}")


@click.command()
@click.option("--import", "import_id", type=int, default=None, help="Only the rejects of this import.")
@click.option("--limit", type=int, default=200, show_default=True, help="Show at most this many.")
def rejects(import_id: int | None, limit: int) -> None:
    """List rejected rows and set-aside values with file, line, column and reason. 被拒绝的行与被隔离的值。"""
    try:
        rows = list_rejects(warehouse.read_connection(), import_id=import_id, limit=limit + 1)
    except warehouse.WarehouseMissing:
        click.echo("no imports yet")
        return
    for r in rows[:limit]:
        value = "" if r["value"] is None else f" [{r['value']}]"
        kept = " (value set aside, row loaded)" if r["quarantined"] else ""
        click.echo(
            f"import {r['import_id']}  {r['file_name']}:{r['line']}  {r['column_name'] or '-'}: "
            f"{r['reason']}{value}{kept}"
        )
    if len(rows) > limit:
        click.echo("… more rejects not shown (use --limit)")
    elif not rows:
        click.echo("no rejects")


COMMANDS = [ingest, imports, undo_command, rejects]
