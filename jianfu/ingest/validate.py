"""Row checks: turn an export's text into canonical rows, and every bad cell into a reject with line and reason.

A file-level problem (a required column missing, a bad constant in the mapping) refuses the file. A row is rejected
only when what identifies it is unusable: its key, its date (a case's received time) or another required value;
the rest of the file loads. Any other bad cell (a closing time before the received time, an unknown channel) is
set aside: stored as NULL and listed in `rejects` as quarantined, while the row loads and stays counted wherever
that value is not needed. A junk survey answer is set aside the same way and its response loads.
Values of personal columns are protected before anything is kept, rejects included (personal.py).
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jianfu import settings
from jianfu.ingest.errors import ImportRefused
from jianfu.ingest.mapping import CODE, SURVEY, Mapping
from jianfu.ingest.parse import ARROW_TYPES, parse, parse_numbers
from jianfu.ingest.personal import protect, protect_reject_values
from jianfu.ingest.readers import RawTable
from jianfu.schema import DATE, FLOAT, INT, TABLES, TEXT, TS, Column, Table

EARLIEST = dt.datetime(1990, 1, 1)
DISTINCT_SAMPLE = 10_000  # cells looked at to guess whether a column has few distinct values
# Pairs that cannot be in this order in any real export: (earlier column, later column, reason).
ORDER_RULES = {
    "cases": (("received_at", "closed_at", "closed before received"),),
    "access_requests": (("received_at", "decided_at", "decided before received"),),
    "ledgers": (("valid_from", "valid_to", "valid_to before valid_from"),),
    "work_items": (("valid_from", "valid_to", "valid_to before valid_from"),),
    "workers": (("joined_on", "left_on", "left before joining"),),
}
REJECT_SCHEMA = pa.schema(
    [
        ("line", pa.int64()),
        ("column_name", pa.string()),
        ("value", pa.string()),
        ("reason", pa.string()),
        ("quarantined", pa.bool_()),
    ]
)


@dataclass
class Checked:
    """What an export becomes: rows per canonical table, and the rejects (line, column_name, value, reason,
    quarantined: only that value was set aside and its row loaded)."""

    tables: dict[str, pa.Table]
    rejects: pa.Table
    rows_read: int
    rows_rejected: int
    values_set_aside: int = 0  # quarantined cells of loaded rows (survey answers included)

    @property
    def rows_loaded(self) -> int:
        return self.rows_read - self.rows_rejected


def business_today() -> dt.date:
    return dt.datetime.now(ZoneInfo(settings.get("timezone"))).date()


def check(raw: RawTable, mapping: Mapping, today: dt.date | None = None) -> Checked:
    today = today or business_today()
    _check_file(raw, mapping)
    _check_constants(mapping, today)
    target = mapping.target
    problems = _Problems(raw.data.num_rows)
    columns, sources = {}, {}

    def one(column: Column):
        text, label = _source_text(raw, mapping, column.name)
        if text is None:
            return text, label, pa.nulls(raw.data.num_rows, ARROW_TYPES[column.type]), []
        if mapping.header(column.name, raw.headers) is None:
            # a constant: checked once (_check_constants refused a bad one) and repeated
            typed, _ = _check_column(text[:1], column, mapping, today)
            return text, label, pa.repeat(typed[0], raw.data.num_rows), []
        return text, label, *_check_column(text, column, mapping, today)

    # Columns are checked side by side: Arrow's kernels release the GIL, so each thread keeps a core busy.
    # Their problems are collected in column order afterwards, so the result does not depend on the timing.
    with ThreadPoolExecutor(max_workers=min(len(target.columns), os.cpu_count() or 1)) as pool:
        checked = list(pool.map(one, target.columns))
    for column, (text, label, typed, found) in zip(target.columns, checked):
        sources[column.name] = (text, label)
        columns[column.name] = typed
        aside = None if identifies(column, target) else column.name
        for bad, reason in found:
            problems.add(bad, label, text, reason, column.personal, set_aside=aside)
    _check_order(target, columns, sources, problems)
    _check_duplicates(target, columns, sources, raw.lines, problems)
    for name, mask in problems.set_aside.items():
        columns[name] = pc.if_else(pa.array(mask), pa.scalar(None, columns[name].type), columns[name])
    keep = ~problems.bad_rows
    tables = {target.name: _canonical_rows(target, columns, keep)}
    if mapping.table == SURVEY:
        tables["survey_answers"] = _answers(raw, mapping, columns["response_id"], keep, problems)
        tables["survey_items"] = _items(raw, mapping)
    rejected = int((~keep).sum()) + len(raw.malformed)
    rejects = problems.table(raw)
    set_aside = pc.sum(rejects.column("quarantined")).as_py() or 0
    return Checked(tables, rejects, raw.rows_read, rejected, set_aside)


def _check_file(raw: RawTable, mapping: Mapping) -> None:
    name = raw.file_name
    if raw.rows_read == 0:
        raise ImportRefused(f"{name} has headers but no rows; export it again with data.")
    present = set(raw.headers)
    for column, alternatives in mapping.alternatives.items():
        header = mapping.header(column, present)
        if header in raw.duplicate_headers:
            raise ImportRefused(f"{name} has two columns named {header!r}; rename one so the mapping is clear.")
        if header is None and column in mapping.target.required:
            listed = " or ".join(repr(h) for h in alternatives)
            raise ImportRefused(
                f"{name} has no column {listed}, which mapping {mapping.label} needs for the "
                f"required {column}; add it to the export or fix [columns] in the mapping."
            )
    if mapping.table == SURVEY and not any(i.header in present for i in mapping.items.values()):
        raise ImportRefused(
            f"{name} has none of the question columns listed in [items] of mapping "
            f"{mapping.label}; check that this is the right survey export."
        )


def _check_constants(mapping: Mapping, today: dt.date) -> None:
    for name, value in mapping.constants.items():
        _, found = _check_column(pa.array([_token(value)], pa.string()), mapping.target.column(name), mapping, today)
        reasons = [reason for bad, reason in found if bad.any()]
        if reasons:
            raise ImportRefused(f"mapping {mapping.label}: [constants] {name} is not valid ({reasons[0]}).")


def _source_text(raw: RawTable, mapping: Mapping, column: str) -> tuple[pa.Array | None, str]:
    header = mapping.header(column, raw.headers)
    if header is not None:
        return raw.data.column(header).combine_chunks().cast(pa.string()), header
    if column in mapping.constants:
        return pa.repeat(pa.scalar(_token(mapping.constants[column]), pa.string()), raw.data.num_rows), column
    return None, column


def _token(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def identifies(column: Column, table: Table) -> bool:
    """A bad value here rejects the row: the key, the date that places the row in time, and required values
    (a row without them means nothing). A bad value elsewhere is set aside and the row loads."""
    return column.required or column.name in table.key or column.name == table.date_column


def _check_column(
    text: pa.Array, column: Column, mapping: Mapping, today: dt.date
) -> tuple[pa.Array, list[tuple[np.ndarray, str]]]:
    """The column typed, and its problems as (mask of bad cells, reason); thread-safe (touches nothing shared).
    A cell's outcome depends on its text alone, so a column of few distinct values (a status, a channel, a
    count) is checked once per distinct value and the outcomes spread back to the cells."""
    distinct = _few_distinct(text)
    if distinct is None:
        return _check_cells(text, column, mapping, today)
    values, cells = distinct
    typed, found = _check_cells(values, column, mapping, today)
    return typed.take(pa.array(cells)), [(bad[cells], reason) for bad, reason in found]


def _few_distinct(text: pa.Array) -> tuple[pa.Array, np.ndarray] | None:
    """(the distinct values, each cell's index into them) when they are under a tenth of the cells, judged on a
    sample first so that a column of unique values costs no hashing of the whole column; None otherwise."""
    if len(text) < DISTINCT_SAMPLE * 2 or len(pc.unique(text.slice(0, DISTINCT_SAMPLE))) > DISTINCT_SAMPLE // 10:
        return None
    encoded = pc.dictionary_encode(text, null_encoding="encode")  # a missing cell is a value too
    if len(encoded.dictionary) > len(text) // 10:
        return None
    return encoded.dictionary, encoded.indices.to_numpy()


def _check_cells(
    text: pa.Array, column: Column, mapping: Mapping, today: dt.date
) -> tuple[pa.Array, list[tuple[np.ndarray, str]]]:
    found = []

    def add(bad, reason: str) -> None:
        if isinstance(bad, (pa.Array, pa.ChunkedArray)):
            bad = pc.fill_null(bad, False).to_numpy(zero_copy_only=False)
        if bad.any():
            found.append((bad, reason))

    trimmed = pc.utf8_trim_whitespace(text)
    missing = _missing(trimmed, mapping)
    value = _blank_out(missing, trimmed)
    if column.name in mapping.values:
        value, unknown = _map_values(value, mapping.values[column.name])
        add(unknown, f"value not listed in [values.{column.name}] of the mapping")
        missing = pc.or_(missing, pc.fill_null(pc.equal(value, ""), False))  # mapped to "": no value
        value = _blank_out(missing, value)
    elif column.type == TEXT and not (column.codes or column.open_codes):
        # Text is trimmed like every value, except a multi-line cell: prose is kept exactly as written.
        multi_line = pc.fill_null(pc.match_substring(text, "\n"), False)
        if pc.any(multi_line).as_py():
            value = _blank_out(missing, pc.if_else(multi_line, text, trimmed))
    if column.codes or column.open_codes:
        value = pc.utf8_lower(value)
        if column.codes:
            bad = pc.and_(pc.is_valid(value), pc.invert(pc.is_in(value, pa.array(column.codes, pa.string()))))
            reason = f"not one of the codes {', '.join(column.codes)}"
        else:
            bad = pc.and_(pc.is_valid(value), pc.invert(pc.match_substring_regex(value, CODE.pattern)))
            reason = f"not a lowercase code (a-z, 0-9, _); map it in [values.{column.name}]"
        add(bad, reason)
        value = pc.if_else(bad, None, value)
    typed, bad, reason = parse(value, column.type, mapping)
    add(bad, reason)
    if column.required:
        add(missing, "required value is missing")
    for bad, reason in _range_problems(typed, column, today):
        add(bad, reason)
    return typed, found


def _blank_out(missing: pa.Array, values: pa.Array) -> pa.Array:
    """`values` with the missing cells null; no copy when none is missing (most columns of most exports)."""
    return pc.if_else(missing, None, values) if pc.any(missing).as_py() else values


def _missing(trimmed: pa.Array, mapping: Mapping) -> pa.Array:
    """Empty cells and the mapping's null markers ("NA", "无", …) are missing values."""
    return pc.or_(pc.is_null(trimmed), pc.is_in(trimmed, pa.array(mapping.null_values, pa.string())))


def _map_values(value: pa.Array, table: dict) -> tuple[pa.Array, np.ndarray]:
    codes = {str(k): _token(v) for k, v in table.items()}
    fallback = codes.pop("*", None)
    index = pc.index_in(value, value_set=pa.array(list(codes), pa.string()))
    mapped = pc.take(pa.array(list(codes.values()), pa.string()), index)
    unknown = pc.and_(pc.is_valid(value), pc.is_null(index)).to_numpy(zero_copy_only=False)
    if fallback is not None:
        return pc.if_else(unknown, fallback, mapped), np.zeros(len(value), bool)
    return mapped, unknown


def _range_problems(typed: pa.Array, column: Column, today: dt.date):
    if column.type in (INT, FLOAT):
        if column.min_value is not None:
            yield pc.less(typed, column.min_value), f"below the minimum {column.min_value:g}"
        if column.max_value is not None:
            yield pc.greater(typed, column.max_value), f"above the maximum {column.max_value:g}"
    if column.type in (TS, DATE):
        stamps = typed if column.type == TS else pc.cast(typed, pa.timestamp("us"))
        latest = dt.datetime.combine(today + dt.timedelta(days=367), dt.time())  # after today + 1 year
        yield pc.less(stamps, pa.scalar(EARLIEST, pa.timestamp("us"))), "before 1990"
        yield (pc.greater_equal(stamps, pa.scalar(latest, pa.timestamp("us"))), "more than a year in the future")


def _check_order(target: Table, columns: dict, sources: dict, problems: _Problems) -> None:
    for earlier, later, reason in ORDER_RULES.get(target.name, ()):
        text, label = sources[later]
        if text is not None and sources[earlier][0] is not None:
            # the later value is the one in doubt (a case's received time identifies it)
            aside = None if identifies(target.column(later), target) else later
            problems.add(pc.less(columns[later], columns[earlier]), label, text, reason, set_aside=aside)


def _check_duplicates(target: Table, columns: dict, sources: dict, lines: np.ndarray, problems: _Problems) -> None:
    """A key seen twice in one file: the first row loads, later ones are rejects pointing at the first."""
    if len(target.key) == 1:  # the usual case: every key once, found cheaply (in key order: without hashing)
        keys = columns[target.key[0]]
        keys = keys.filter(pa.array(~problems.bad_rows)) if problems.bad_rows.any() else keys
        if _increasing(keys) or len(pc.unique(keys)) == len(keys):
            return
    rows = pa.table({**{k: columns[k] for k in target.key}, "row": pa.array(np.arange(len(lines)))})
    rows = rows.filter(pa.array(~problems.bad_rows))
    first = rows.group_by(list(target.key)).aggregate([("row", "min")])
    if first.num_rows == rows.num_rows:
        return
    joined = rows.join(first, list(target.key), use_threads=False)
    later = joined.filter(pc.not_equal(joined["row"], joined["row_min"]))
    mask = np.zeros(len(lines), bool)
    mask[later["row"].to_numpy()] = True
    first_lines = lines[later["row_min"].to_numpy()]
    order = np.argsort(later["row"].to_numpy())  # reasons in row order, as the mask lists the rows
    reasons = [f"duplicate {', '.join(target.key)} (first at line {n})" for n in first_lines[order]]
    text, label = sources[target.key[0]]
    problems.add(mask, label, text, pa.array(reasons, pa.string()))


def _increasing(keys: pa.Array) -> bool:
    """Every key greater than the one before it (so each is there once); False when a key is missing."""
    if keys.null_count or len(keys) < 2:
        return not keys.null_count
    return bool(pc.all(pc.greater(keys[1:], keys[:-1])).as_py())


def _canonical_rows(target: Table, columns: dict, keep: np.ndarray) -> pa.Table:
    if not keep.all():
        keep_array = pa.array(keep)
        columns = {name: values.filter(keep_array) for name, values in columns.items()}
    arrays = [
        protect(columns[c.name], c.personal) if columns[c.name].null_count < len(columns[c.name]) else columns[c.name]
        for c in target.columns
    ]
    rows = pa.table(arrays, schema=pa.schema([(c.name, ARROW_TYPES[c.type]) for c in target.columns]))
    if target.name == "survey_responses":  # DATA_MODEL: weight defaults to 1
        rows = rows.set_column(
            rows.schema.get_field_index("weight"), "weight", pc.fill_null(rows.column("weight"), 1.0)
        )
    return rows


def _answers(
    raw: RawTable, mapping: Mapping, response_ids: pa.Array, keep: np.ndarray, problems: _Problems
) -> pa.Table:
    """Wide → long: one answer per non-empty, valid cell of a loaded response. A junk cell is rejected alone."""
    parts = []
    for item in mapping.items.values():
        if item.header not in raw.headers:
            continue
        text = raw.data.column(item.header).combine_chunks().cast(pa.string())
        trimmed = pc.utf8_trim_whitespace(text)
        missing = _missing(trimmed, mapping)
        scores, bad = parse_numbers(pc.if_else(missing, None, trimmed), whole=False)
        scale = f"the {item.scale_min:g}–{item.scale_max:g} scale"
        problems.add(bad & keep, item.header, text, f"not a number on {scale}", rejects_row=False)
        outside = pc.fill_null(pc.or_(pc.less(scores, item.scale_min), pc.greater(scores, item.scale_max)), False)
        outside = outside.to_numpy(zero_copy_only=False) & keep
        problems.add(outside, item.header, text, f"outside {scale}", rejects_row=False)
        ok = pa.array(pc.is_valid(scores).to_numpy(zero_copy_only=False) & ~outside & keep)
        count = pc.sum(ok).as_py() or 0
        parts.append(
            pa.table(
                {
                    "response_id": response_ids.filter(ok),
                    "item": pa.array([item.item] * count),
                    "score": scores.filter(ok),
                }
            )
        )
    schema = pa.schema([(c.name, ARROW_TYPES[c.type]) for c in TABLES["survey_answers"].columns])
    return pa.concat_tables([p.cast(schema) for p in parts]) if parts else schema.empty_table()


def _items(raw: RawTable, mapping: Mapping) -> pa.Table:
    table = TABLES["survey_items"]
    present = [i for i in mapping.items.values() if i.header in raw.headers]
    return pa.table(
        {c.name: pa.array([getattr(i, c.name) for i in present], ARROW_TYPES[c.type]) for c in table.columns}
    )


class _Problems:
    """Collects bad cells; `bad_rows` marks the records that will not load, `set_aside` the cells of other
    records that load as NULL (per canonical column)."""

    def __init__(self, rows: int):
        self.bad_rows = np.zeros(rows, bool)
        self.set_aside: dict[str, np.ndarray] = {}
        self._parts: list[tuple[np.ndarray, str, pa.Array, object, bool]] = []

    @property
    def found(self) -> bool:
        return bool(self._parts)

    def add(
        self,
        mask,
        label: str,
        source: pa.Array,
        reason,
        personal: str | None = None,
        set_aside: str | None = None,
        rejects_row: bool = True,
    ) -> None:
        """`set_aside`: the canonical column whose value is dropped instead of the row; `rejects_row=False`: the
        cell is dropped by its caller (a survey answer)."""
        if isinstance(mask, (pa.Array, pa.ChunkedArray)):
            mask = pc.fill_null(mask, False).to_numpy(zero_copy_only=False)
        rows = np.flatnonzero(mask)
        if not rows.size:
            return
        values = protect_reject_values(source.take(pa.array(rows)), personal)
        rejects_row = rejects_row and set_aside is None
        self._parts.append((rows, label, values, reason, rejects_row))
        if rejects_row:
            self.bad_rows |= mask
        if set_aside is not None:
            self.set_aside[set_aside] = self.set_aside.get(set_aside, np.zeros(len(mask), bool)) | mask

    def table(self, raw: RawTable | None) -> pa.Table:
        lines = raw.lines if raw is not None else np.zeros(len(self.bad_rows), np.int64)
        tables = [
            pa.table(
                {
                    "line": pa.array(lines[rows], pa.int64()),
                    "column_name": [label] * len(rows),
                    "value": values,
                    "reason": reason if isinstance(reason, pa.Array) else [reason] * len(rows),
                    # quarantined: the row loaded without this value (a row rejected anyway is not)
                    "quarantined": pa.array(~self.bad_rows[rows] if not rejects_row else np.zeros(len(rows), bool)),
                },
                schema=REJECT_SCHEMA,
            )
            for rows, label, values, reason, rejects_row in self._parts
        ]
        if raw is not None and raw.malformed:
            line, reason = zip(*raw.malformed)
            tables.append(
                pa.table(
                    {
                        "line": list(line),
                        "column_name": [None] * len(line),
                        "value": [None] * len(line),
                        "reason": list(reason),
                        "quarantined": [False] * len(line),
                    },
                    schema=REJECT_SCHEMA,
                )
            )
        if not tables:
            return REJECT_SCHEMA.empty_table()
        return pa.concat_tables(tables).sort_by([("line", "ascending"), ("column_name", "ascending")])
