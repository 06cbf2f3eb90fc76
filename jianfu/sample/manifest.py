"""manifest.toml: what importing every file of a generated sample with the built-in profiles must give,
computed from the world and the defects injected into the files (never by running the importer)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jianfu.sample.defects import Injected
from jianfu.sample.layouts import Export

HEADER = """\
# What importing every file in this folder with the built-in profiles (mappings/builtin/) must give.
# Written by `jianfu sample generate` from its world minus the bad rows it injected, not by the importer.
# [tables]: rows per canonical table after import (a case in two yearly workbooks counts once).
# [rejects] total and [files.*] rejected: entries in `rejects`. A junk survey answer is one entry, but its
# response still loads (the answer alone is dropped).
"""


@dataclass(frozen=True)
class Written:
    """What the manifest keeps of a written export (its frame is gone by then)."""

    file: str
    profile: str
    table: str
    fmt: str
    encoding: str
    rows: int

    @classmethod
    def of(cls, export: Export) -> Written:
        return cls(export.file, export.profile, export.table, export.fmt, export.encoding, len(export.rendered.frame))


def expected(
    world: dict[str, pd.DataFrame], exports: list[Written], injected: list[Injected], seed: int, cases_scale: float
) -> dict:
    tables = {name: len(frame) for name, frame in world.items() if len(frame)}
    for defect in injected:
        tables[defect.table] -= defect.rows_rejected
        tables["survey_answers"] -= defect.answers_rejected
    files = {}
    for export in sorted(exports, key=lambda e: e.file):
        mine = [d for d in injected if d.file == export.file]
        files[export.file] = {
            "table": "survey" if export.profile == "survey" else export.table,
            "profile": export.profile,
            "format": export.fmt,
            **({"encoding": export.encoding} if export.fmt == "csv" else {}),
            "rows": export.rows,
            "rejected": len(mine),
            "bad": [d.note for d in mine],
        }
    return {
        "seed": seed,
        "cases_scale": cases_scale,
        "tables": tables,
        "rejects": {"total": len(injected)},
        "files": files,
    }


def write_manifest(manifest: dict, path: Path) -> None:
    lines = [HEADER, f"seed = {manifest['seed']}", f"cases_scale = {manifest['cases_scale']!r}", "", "[tables]"]
    lines += [f"{name} = {count}" for name, count in manifest["tables"].items()]
    lines += ["", "[rejects]", f"total = {manifest['rejects']['total']}"]
    for name, spec in manifest["files"].items():
        lines += ["", f"[files.{_text(name)}]"]
        lines += [f"{key} = {_value(value)}" for key, value in spec.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _value(value) -> str:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return str(value)
