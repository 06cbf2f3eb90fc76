"""Canonical rows → the columns and values a source system exports, read off the built-in mapping file of
that export (mappings/builtin/*.toml), so the files and the profiles that import them cannot drift apart:
each [columns] entry becomes a header, each [values.*] table is read backwards (code → the first source
value listed for it), yes/no columns use the first true/false value, lists the list separator."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jianfu import schema, settings
from jianfu.sample.frames import labels

BUILTIN = settings.ROOT / "mappings" / "builtin"
DEFAULT_DATETIME, DEFAULT_DATE = "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"


@dataclass(frozen=True)
class Profile:
    name: str
    doc: dict

    @property
    def options(self) -> dict:
        return self.doc.get("options", {})

    @property
    def table(self) -> str:
        return self.options["table"]

    @property
    def columns(self) -> dict[str, str]:
        """canonical column → the header an export writes (of alternative headers, the first one)."""
        return {c: h[0] if isinstance(h, list) else h for c, h in self.doc.get("columns", {}).items()}

    @property
    def items(self) -> dict[str, dict]:
        return self.doc.get("items", {})

    def source_values(self, column: str) -> dict[str, str]:
        """code → the source value an export writes for it (the first one listed; the "*" fallback is not one)."""
        result: dict[str, str] = {}
        for source, code in self.doc.get("values", {}).get(column, {}).items():
            if source != "*":
                result.setdefault(str(code), source)
        return result

    def first(self, option: str, default: str) -> str:
        return (self.options.get(option) or [default])[0]


@cache
def load_profile(name: str) -> Profile:
    return Profile(name, tomllib.loads((BUILTIN / f"{name}.toml").read_text(encoding="utf-8")))


@dataclass
class Rendered:
    """An export as a frame of source headers, plus how its date columns are written (header → strftime
    format; xlsx writes them as real dates, CSV as text)."""

    frame: pd.DataFrame
    date_formats: dict[str, str] = field(default_factory=dict)


def render(rows: pd.DataFrame, profile: Profile, overrides: dict | None = None) -> Rendered:
    """The export of `rows` (canonical columns). `overrides` gives, per canonical column, a function of the
    rows returning the source values to write instead (e.g. an applicant's phone for applicant_key)."""
    table = schema.TABLES["survey_responses" if profile.table == "survey" else profile.table]
    overrides = overrides or {}
    out: dict[str, object] = {}
    formats: dict[str, str] = {}
    for column, header in profile.columns.items():
        if header in out:
            continue  # two canonical columns read from one source header (a callback's time is its rating time)
        kind = table.column(column).type
        if column in overrides:
            out[header] = overrides[column](rows)
        elif profile.source_values(column):
            out[header] = _to_source_values(rows[column], profile.source_values(column), profile.name, column)
        elif kind == schema.BOOL:
            answer = rows[column].astype("Int8").fillna(-1).to_numpy()  # 1 yes, 0 no, -1 empty
            out[header] = labels(answer, [profile.first("false_values", "否"), profile.first("true_values", "是")])
        elif kind == schema.TEXT_LIST:
            separator = profile.options.get("list_separator", "、")
            out[header] = rows[column].map(
                lambda parts, separator=separator: separator.join(parts) if parts is not None else None
            )
        else:
            out[header] = rows[column]
        if kind in (schema.TS, schema.DATE):
            formats[header] = (
                profile.first("datetime_formats", DEFAULT_DATETIME)
                if kind == schema.TS
                else profile.first("date_formats", DEFAULT_DATE)
            )
    return Rendered(pd.DataFrame({h: _plain(v) for h, v in out.items()}), formats)


def _to_source_values(values: pd.Series, labels: dict[str, str], profile: str, column: str) -> pd.Series:
    text = pa.array(values.astype("str").where(values.notna(), None), pa.string())
    index = pc.index_in(text, value_set=pa.array(list(labels), pa.string()))
    unlisted = pc.and_(pc.is_valid(text), pc.is_null(index))
    if pc.any(unlisted).as_py():
        missing = pc.unique(text.filter(unlisted)).to_pylist()
        raise ValueError(f"mapping {profile}: [values.{column}] has no source value for {missing}")
    return pc.take(pa.array(list(labels.values()), pa.string()), index).to_pandas()


def _plain(values) -> pd.Series:
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values.to_pandas()
    return (
        pd.Series(values).reset_index(drop=True) if not isinstance(values, pd.Series) else values.reset_index(drop=True)
    )


def insert_before(rendered: Rendered, before: str, columns: dict[str, object]) -> None:
    """Add export-only columns (that no mapping reads, like 申请人姓名) in front of `before`."""
    frame = rendered.frame
    position = frame.columns.get_loc(before)
    for offset, (header, values) in enumerate(columns.items()):
        frame.insert(position + offset, header, _plain(values))
