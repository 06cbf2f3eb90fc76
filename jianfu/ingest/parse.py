"""Text → typed values, one whole column at a time (vectorised: no Python work per cell).

Each parser takes the non-null text of a column and returns the typed array and a mask of values that did not
parse, so that validation can reject exactly those cells.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jianfu.schema import BOOL, DATE, FLOAT, INT, TEXT, TEXT_LIST, TS

ARROW_TYPES = {
    TEXT: pa.string(),
    TS: pa.timestamp("us"),
    DATE: pa.date32(),
    INT: pa.int64(),
    FLOAT: pa.float64(),
    BOOL: pa.bool_(),
    TEXT_LIST: pa.list_(pa.string()),
}
# Excel stores dates as days since 1899-12-30 (the 1900 leap-year bug is absorbed by that origin).
EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "s")  # Excel serial day 0 (its 1900 leap-year bug included)
EXCEL_SERIALS = (1.0, 2958465.0)  # 1900-01-01 … 9999-12-31
_EXACT_INT = 2**53
_NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
# Fixed-width digit fields that Arrow's strptime reads exactly as pandas does; a format made only of these and
# literal text takes the fast path (other directives, such as %y or %b, go to pandas alone).
_FIXED_FIELDS = {
    "%Y": "[1-9][0-9]{3}",
    "%m": "(?:0[1-9]|1[0-2])",
    "%d": "(?:0[1-9]|[12][0-9]|3[01])",
    "%H": "(?:[01][0-9]|2[0-3])",
    "%M": "[0-5][0-9]",
    "%S": "[0-5][0-9]",
}
_DIRECTIVE = re.compile(r"%.")


def parse_timestamps(text: pa.Array, formats: tuple[str, ...]) -> tuple[pa.Array, np.ndarray]:
    """Try the mapping's formats in order, then ISO 8601 (how a spreadsheet's real date cells are read), then
    Excel serial numbers (a date cell saved as a plain number). Cells written exactly in a format's fixed-width
    form are parsed by Arrow, the rest (and each format's misfits) by pandas, so the order decides as before."""
    result = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]")
    todo = pc.is_valid(text).to_numpy(zero_copy_only=False)
    for fmt in (*formats, "ISO8601"):
        if not todo.any():
            break
        fast = _fixed_width(fmt)
        if fast is not None:
            _parse_fixed_width(text, fmt, *fast, result, todo)
        rows = np.flatnonzero(todo)
        if rows.size:
            parsed = pd.to_datetime(text.take(rows).to_pandas(), format=fmt, errors="coerce")
            parsed = parsed.astype("datetime64[us]").to_numpy()
            result[rows] = parsed
            todo[rows] = np.isnat(parsed)
    rows = np.flatnonzero(todo)
    if rows.size:
        serial = pd.to_numeric(text.take(rows).to_pandas(), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        ok = (serial >= EXCEL_SERIALS[0]) & (serial <= EXCEL_SERIALS[1])
        # numpy seconds, not pandas nanoseconds: a serial after the year 2262 must become a date (that
        # validation can reject as implausible), never an overflow
        seconds = np.round(serial[ok] * 86_400).astype("int64").astype("timedelta64[s]")
        result[rows[ok]] = (EXCEL_EPOCH + seconds).astype("datetime64[us]")
        todo[rows[ok]] = False
    return pa.array(result, type=pa.timestamp("us"), from_pandas=True), todo


def _fixed_width(fmt: str) -> tuple[str, int | None] | None:
    """(a regex matching the format's fixed-width rendering, the offset of its day field) when every directive
    is a fixed-width digit field; None otherwise."""
    pattern, offset, day = "", 0, None
    for part in re.split(r"(%.)", fmt):
        if _DIRECTIVE.fullmatch(part):
            if part not in _FIXED_FIELDS:
                return None
            day = offset if part == "%d" else day
            pattern += _FIXED_FIELDS[part]
            offset += 4 if part == "%Y" else 2
        else:
            pattern += re.escape(part)
            offset += len(part)
    return f"^{pattern}$", day


def _parse_fixed_width(
    text: pa.Array, fmt: str, pattern: str, day: int | None, result: np.ndarray, todo: np.ndarray
) -> None:
    """Parse the cells still to do that match `pattern` with Arrow; Arrow rolls an impossible day (2 月 30 日) over
    into the next month where pandas refuses it, so those are left to pandas."""
    rows = np.flatnonzero(todo)
    cells = text if rows.size == len(text) else text.take(rows)
    fits = pc.match_substring_regex(cells, pattern)
    parsed = pc.strptime(pc.if_else(fits, cells, None), format=fmt, unit="us", error_is_null=True)
    ok = pc.is_valid(parsed)
    if day is not None:
        written_day = pc.cast(pc.utf8_slice_codeunits(pc.if_else(ok, cells, None), day, day + 2), pa.int64())
        ok = pc.fill_null(pc.equal(pc.day(parsed), written_day), False)
    ok = ok.to_numpy(zero_copy_only=False)
    result[rows[ok]] = parsed.filter(ok).to_numpy(zero_copy_only=False)
    todo[rows[ok]] = False


def parse_dates(text: pa.Array, date_formats: tuple[str, ...], datetime_formats: tuple[str, ...]):
    """Dates accept date formats first, then anything a timestamp accepts (an Excel date cell reads as
    'YYYY-MM-DD 00:00:00'), keeping the day."""
    stamps, bad = parse_timestamps(text, (*date_formats, *datetime_formats))
    return pc.cast(pc.floor_temporal(stamps, unit="day"), pa.date32()), bad


def parse_numbers(text: pa.Array, whole: bool) -> tuple[pa.Array, np.ndarray]:
    """Plain decimal numbers only: '1O', '9*', '5/19/2011' or 'inf' are not numbers (never 0, never a date)."""
    trimmed = pc.utf8_trim_whitespace(text)
    looks_numeric = pc.fill_null(pc.match_substring_regex(trimmed, _NUMBER), False)
    numbers = pc.cast(pc.if_else(looks_numeric, trimmed, None), pa.float64())
    ok = looks_numeric
    if whole:
        ok = pc.and_(
            ok, pc.fill_null(pc.and_(pc.equal(pc.floor(numbers), numbers), pc.less(pc.abs(numbers), _EXACT_INT)), False)
        )
    bad = pc.and_(pc.is_valid(text), pc.invert(ok)).to_numpy(zero_copy_only=False)
    kept = pc.if_else(ok, numbers, None)
    return (pc.cast(kept, pa.int64()) if whole else kept), bad


def parse_bools(text: pa.Array, true_values, false_values) -> tuple[pa.Array, np.ndarray]:
    lowered = pc.utf8_lower(text)
    is_true = pc.is_in(lowered, pa.array([v.lower() for v in true_values], pa.string()))
    is_false = pc.is_in(lowered, pa.array([v.lower() for v in false_values], pa.string()))
    known = pc.or_(is_true, is_false)
    result = pc.if_else(known, is_true, pa.nulls(len(text), pa.bool_()))
    bad = pc.and_(pc.is_valid(text), pc.invert(known)).to_numpy(zero_copy_only=False)
    return result, bad


def parse_lists(text: pa.Array, separator: str) -> tuple[pa.Array, np.ndarray]:
    parts = pc.split_pattern(text, separator)
    return _trim_list(parts), np.zeros(len(text), bool)


def _trim_list(parts: pa.ListArray) -> pa.Array:
    trimmed = pc.utf8_trim_whitespace(parts.flatten())
    return pa.ListArray.from_arrays(parts.offsets, trimmed, mask=parts.is_null())


def parse(text: pa.Array, column_type: str, mapping) -> tuple[pa.Array, np.ndarray, str]:
    """Parse a column to its canonical type: (typed array, mask of cells that did not parse, reason for those)."""
    if column_type == TS:
        arr, bad = parse_timestamps(text, mapping.datetime_formats)
        return arr, bad, f"not a date-time in a known format ({', '.join(mapping.datetime_formats)})"
    if column_type == DATE:
        arr, bad = parse_dates(text, mapping.date_formats, mapping.datetime_formats)
        return arr, bad, f"not a date in a known format ({', '.join(mapping.date_formats)})"
    if column_type == INT:
        arr, bad = parse_numbers(text, whole=True)
        return arr, bad, "not a whole number"
    if column_type == FLOAT:
        arr, bad = parse_numbers(text, whole=False)
        return arr, bad, "not a number"
    if column_type == BOOL:
        arr, bad = parse_bools(text, mapping.true_values, mapping.false_values)
        return (
            arr,
            bad,
            f"not a yes/no value ({'/'.join(mapping.true_values[:2])} or {'/'.join(mapping.false_values[:2])})",
        )
    if column_type == TEXT_LIST:
        arr, bad = parse_lists(text, mapping.list_separator)
        return arr, bad, ""
    return text, np.zeros(len(text), bool), ""
