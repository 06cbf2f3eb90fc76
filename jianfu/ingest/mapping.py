"""Mapping files (format: MAPPING.md): load and check them, and pick the built-in profile that fits an export.

A mistake in a mapping is the user's to fix, so every check names the file and the key, and says what is allowed.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from jianfu import settings
from jianfu.ingest.errors import ImportRefused
from jianfu.ingest.personal import scrub_text
from jianfu.ingest.readers import RawTable, Source
from jianfu.schema import TABLES, Table

MAPPINGS_DIR = settings.ROOT / "mappings"
SURVEY = "survey"  # the wide survey export: fills survey_responses + survey_answers + survey_items
CODE = re.compile(r"^[a-z0-9_]+$")

DEFAULT_OPTIONS = {
    "datetime_formats": ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"],
    "date_formats": ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"],
    "null_values": ["", "NA", "N/A", "NULL", "null"],
    "true_values": ["是", "Y", "y", "yes", "Yes", "1", "true", "True", "TRUE"],
    "false_values": ["否", "N", "n", "no", "No", "0", "false", "False", "FALSE"],
    "list_separator": "、",
    "sheet": None,
    "header_row": 1,
}
OPTION_TYPES = {
    "table": str,
    "source_system": str,
    "match": list,
    "datetime_formats": list,
    "date_formats": list,
    "null_values": list,
    "true_values": list,
    "false_values": list,
    "list_separator": str,
    "sheet": str,
    "header_row": int,
}
ITEM_KEYS = {
    "header": str,
    "label_zh": str,
    "label_en": str,
    "dimension": str,
    "scale_min": (int, float),
    "scale_max": (int, float),
    "is_overall": bool,
}
SECTIONS = ("options", "columns", "constants", "values", "items")
SHOWN_HEADERS = 10  # how many of an unrecognised file's headers a refusal lists


@dataclass(frozen=True)
class Item:
    """One question of a wide survey export: its column and its scale."""

    item: str
    header: str
    scale_min: float
    scale_max: float
    label_zh: str | None = None
    label_en: str | None = None
    dimension: str | None = None
    is_overall: bool = False


@dataclass(frozen=True)
class Mapping:
    path: Path
    table: str
    source_system: str
    match: tuple[tuple[str, ...], ...]  # each entry: alternative headers, any one of which must be present
    datetime_formats: tuple[str, ...]
    date_formats: tuple[str, ...]
    null_values: tuple[str, ...]
    true_values: tuple[str, ...]
    false_values: tuple[str, ...]
    list_separator: str
    sheet: str | None
    header_row: int
    columns: dict[str, str] = field(default_factory=dict)  # canonical column → its first (preferred) header
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)  # canonical column → every header listed
    constants: dict[str, object] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)

    @property
    def target(self) -> Table:
        """The canonical table the export's rows land in (a survey's rows are its responses)."""
        return mapping_target(self.table)

    def header(self, column: str, present) -> str | None:
        """The header `column` is read from in a file with the `present` headers: the first listed one there."""
        return next((h for h in self.alternatives.get(column, ()) if h in present), None)

    def matches(self, present) -> bool:
        """Every `match` entry has one of its headers in `present`."""
        return all(any(h in present for h in entry) for entry in self.match)

    @property
    def label(self) -> str:
        """How import_log names this mapping: relative to mappings/ when it is one of ours."""
        try:
            return str(self.path.resolve().relative_to(MAPPINGS_DIR))
        except ValueError:
            return self.path.name


def load_mapping(path: str | Path) -> Mapping:
    path = Path(path)
    name = path.name
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ImportRefused(f"mapping file {path} does not exist; check the --mapping path.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ImportRefused(f"mapping {name} is not valid TOML ({exc}); fix the file.") from None
    _only(doc, SECTIONS, name, "top-level section")
    options = doc.get("options", {})
    _only(options, OPTION_TYPES, name, "[options] key")
    for key, value in options.items():
        if not isinstance(value, OPTION_TYPES[key]) or isinstance(value, bool):
            raise ImportRefused(f"mapping {name}: [options] {key} must be a {OPTION_TYPES[key].__name__}.")
        if key == "match":
            if not all(_headers(v) for v in value):
                raise ImportRefused(
                    f"mapping {name}: [options] match must list headers (a string, or a list of alternative headers)."
                )
        elif isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise ImportRefused(f"mapping {name}: [options] {key} must be a list of strings.")
    table = options.get("table")
    if table != SURVEY and table not in TABLES:
        raise ImportRefused(
            f"mapping {name}: [options] table = {table!r} is not a canonical table "
            f"(one of: {', '.join([*TABLES, SURVEY])})."
        )
    if not options.get("source_system"):
        raise ImportRefused(
            f"mapping {name}: [options] source_system is missing (it names the exporting system, "
            'e.g. "hengtang_service_center").'
        )
    if options.get("header_row", 1) < 1:
        raise ImportRefused(f"mapping {name}: [options] header_row counts from 1.")
    merged = {**DEFAULT_OPTIONS, **options}
    items = _items(doc.get("items", {}), table, name)
    columns = doc.get("columns", {})
    _only(columns, mapping_target(table).column_names, name, "[columns] column")
    alternatives = {}
    for column, value in columns.items():
        alternatives[column] = _headers(value)
        if not alternatives[column]:
            raise ImportRefused(
                f"mapping {name}: [columns] {column} must name a source header (a string), or list "
                "alternative headers (a list of strings, the first present wins)."
            )
    mapping = Mapping(
        path=path,
        table=table,
        source_system=options["source_system"],
        match=tuple(_headers(v) for v in options.get("match", ())),
        **{k: tuple(merged[k]) if isinstance(merged[k], list) else merged[k] for k in DEFAULT_OPTIONS},
        columns={c: alts[0] for c, alts in alternatives.items()},
        alternatives=alternatives,
        constants=doc.get("constants", {}),
        values=doc.get("values", {}),
        items=items,
    )
    _check_columns(mapping, name)
    return mapping


def mapping_target(table: str) -> Table:
    return TABLES["survey_responses" if table == SURVEY else table]


def _headers(value) -> tuple[str, ...]:
    """A header, or a list of alternative headers, as a tuple; () when it is neither."""
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return tuple(value)
    return ()


def _only(section: dict, allowed, name: str, what: str) -> None:
    if not isinstance(section, dict):
        raise ImportRefused(f"mapping {name}: {what.split()[0]} must be a table of keys.")
    for key in section:
        if key not in allowed:
            raise ImportRefused(f"mapping {name}: unknown {what} {key!r} (allowed: {', '.join(allowed)}).")


def _check_columns(mapping: Mapping, name: str) -> None:
    target = mapping.target
    for section in ("columns", "constants", "values"):
        entries = getattr(mapping, section)
        _only(entries, target.column_names, name, f"[{section}] column")
        for column, value in entries.items():
            if section == "values":
                if not isinstance(value, dict) or not all(
                    isinstance(v, (str, int, float, bool)) for v in value.values()
                ):
                    raise ImportRefused(f"mapping {name}: [values.{column}] maps source values to codes (strings).")
    for column in mapping.values:
        if column not in mapping.columns and column not in mapping.constants:
            raise ImportRefused(f"mapping {name}: [values.{column}] has no source: add {column} to [columns].")
    missing = [c for c in target.required if c not in mapping.columns and c not in mapping.constants]
    if missing:
        raise ImportRefused(
            f"mapping {name}: required column(s) {', '.join(missing)} of {target.name} are not "
            "mapped; add them to [columns] or [constants]."
        )


def _items(items: dict, table: str, name: str) -> dict[str, Item]:
    if items and table != SURVEY:
        raise ImportRefused(f'mapping {name}: [items] belong to table = "survey" mappings only.')
    if table == SURVEY and not items:
        raise ImportRefused(f"mapping {name}: a survey mapping needs at least one [items.<code>] question.")
    result = {}
    for code, spec in items.items():
        if not CODE.match(code):
            raise ImportRefused(f"mapping {name}: item code {code!r} must be lowercase ASCII (letters, digits, _).")
        _only(spec, ITEM_KEYS, name, f"[items.{code}] key")
        for key, value in spec.items():
            if not isinstance(value, ITEM_KEYS[key]) or (isinstance(value, bool) != (ITEM_KEYS[key] is bool)):
                raise ImportRefused(f"mapping {name}: [items.{code}] {key} has the wrong type.")
        if "header" not in spec or "scale_max" not in spec:
            raise ImportRefused(f"mapping {name}: [items.{code}] needs header and scale_max.")
        scale_min = float(spec.get("scale_min", 1))
        if scale_min >= spec["scale_max"]:
            raise ImportRefused(f"mapping {name}: [items.{code}] scale_min must be below scale_max.")
        result[code] = Item(
            item=code,
            header=spec["header"],
            scale_min=scale_min,
            scale_max=float(spec["scale_max"]),
            label_zh=spec.get("label_zh"),
            label_en=spec.get("label_en"),
            dimension=spec.get("dimension"),
            is_overall=spec.get("is_overall", False),
        )
    return result


def profiles() -> list[Mapping]:
    """Every shipped mapping that carries `match` headers: mappings/builtin/*.toml, then mappings/*.toml."""
    paths = sorted((MAPPINGS_DIR / "builtin").glob("*.toml")) + sorted(MAPPINGS_DIR.glob("*.toml"))
    return [m for m in map(load_mapping, paths) if m.match]


def detect(source: Source) -> tuple[Mapping, RawTable]:
    """The profile whose `match` headers all appear in the export; the most specific (most match headers) wins."""
    best: tuple[tuple[int, int], Mapping, RawTable] | None = None
    seen: list[str] = []
    for profile in profiles():
        if profile.sheet and source.kind == "xlsx" and profile.sheet not in source.sheet_names:
            continue
        try:
            raw = source.table(profile.sheet, profile.header_row)
        except ImportRefused:
            continue  # not this profile's layout; a problem with the file itself is raised below
        seen = seen or raw.headers
        present = set(raw.headers)
        if profile.matches(present):
            mapped_present = sum(profile.header(c, present) is not None for c in profile.alternatives)
            rank = (len(profile.match), mapped_present)
            if best is None or rank > best[0]:
                best = (rank, profile, raw)
    if best is None:
        seen = seen or source.table().headers
        shown = [
            h if len(h) <= 40 else h[:39] + "…"  # a header row may really be data: scrubbed
            for h in scrub_text(pa.array(seen[:SHOWN_HEADERS], pa.string())).to_pylist()
        ]
        more = f" and {len(seen) - SHOWN_HEADERS} more" if len(seen) > SHOWN_HEADERS else ""
        raise ImportRefused(
            f"no mapping recognises the headers of {source.name} ({', '.join(shown)}{more}); "
            "write a mapping file for this export (format: jianfu/ingest/MAPPING.md) "
            "and import it with --mapping FILE."
        )
    return best[1], best[2]
