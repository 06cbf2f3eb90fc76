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
# Fixed-width forms that Arrow's ISO 8601 cast reads as the format does (a cast is several times faster than
# strptime and checks the day of the month itself), spelled as their bytes with "0" for a digit.
_ISO_LAYOUTS = {
    "%Y-%m-%d %H:%M:%S": "0000-00-00 00:00:00",
    "%Y-%m-%dT%H:%M:%S": "0000-00-00T00:00:00",
    "%Y-%m-%d %H:%M": "0000-00-00 00:00",
    "%Y-%m-%dT%H:%M": "0000-00-00T00:00",
    "%Y-%m-%d": "0000-00-00",
}


def parse_timestamps(text: pa.Array, formats: tuple[str, ...]) -> tuple[pa.Array, np.ndarray]:
    """Try the mapping's formats in order, then ISO 8601 (how a spreadsheet's real date cells are read), then
    Excel serial numbers (a date cell saved as a plain number). Cells written exactly in a format's fixed-width
    form are parsed by Arrow, the rest (and each format's misfits) by pandas, so the order decides as before."""
    result = pa.nulls(len(text), pa.timestamp("us"))
    todo = pc.is_valid(text).to_numpy(zero_copy_only=False)
    for fmt in (*formats, "ISO8601"):
        if not todo.any():
            break
        fast = _fixed_width(fmt)
        if fast is not None:
            result = _parse_fixed_width(text, fmt, *fast, result, todo)
        rows = np.flatnonzero(todo)
        if rows.size:
            parsed = pd.to_datetime(text.take(rows).to_pandas(), format=fmt, errors="coerce")
            parsed = parsed.astype("datetime64[us]").to_numpy()
            result = _scatter(result, rows, parsed)
            todo[rows] = np.isnat(parsed)
    rows = np.flatnonzero(todo)
    if rows.size:
        serial = pd.to_numeric(text.take(rows).to_pandas(), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        ok = (serial >= EXCEL_SERIALS[0]) & (serial <= EXCEL_SERIALS[1])
        # numpy seconds, not pandas nanoseconds: a serial after the year 2262 must become a date (that
        # validation can reject as implausible), never an overflow
        seconds = np.round(serial[ok] * 86_400).astype("int64").astype("timedelta64[s]")
        result = _scatter(result, rows[ok], (EXCEL_EPOCH + seconds).astype("datetime64[us]"))
        todo[rows[ok]] = False
    return result, todo


def _scatter(result: pa.Array, rows: np.ndarray, values: np.ndarray) -> pa.Array:
    """`result` with `values` (datetime64[us], NaT for none) at `rows`: the rare cells Arrow did not parse."""
    if not rows.size:
        return result
    merged = result.to_numpy(zero_copy_only=False).astype("datetime64[us]")
    merged[rows] = values
    return pa.array(merged, type=pa.timestamp("us"), from_pandas=True)


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
    text: pa.Array, fmt: str, pattern: str, day: int | None, result: pa.Array, todo: np.ndarray
) -> pa.Array:
    """`result` with the cells still to do that match `pattern` parsed by Arrow (`todo` updated in place)."""
    first = result.null_count == len(result)  # nothing parsed yet: the cells to do are all the valid cells
    rows = None if first else np.flatnonzero(todo)
    cells = text if first else text.take(rows)
    parsed = _cast_iso(cells, fmt)
    if parsed is None:
        fits = pc.match_substring_regex(cells, pattern)
        parsed = _arrow_parse(cells if pc.all(fits).as_py() is not False else pc.if_else(fits, cells, None), fmt, day)
    ok = pc.is_valid(parsed).to_numpy(zero_copy_only=False)
    if first:
        todo &= ~ok
        return parsed
    todo[rows[ok]] = False
    return _scatter(result, rows[ok], parsed.filter(ok).to_numpy(zero_copy_only=False))


def _cast_iso(cells: pa.Array, fmt: str) -> pa.Array | None:
    """The cells of an ISO layout column parsed by one cast, when every non-empty cell has the format's width and
    the cells that have its digits and separators (checked on the bytes: no regex) are all real date-times;
    None otherwise (then the regex decides which cells fit)."""
    layout = _ISO_LAYOUTS.get(fmt)
    if layout is None or not len(cells) or not isinstance(cells, pa.StringArray):
        return None
    validity, offsets, data = cells.buffers()
    offsets = np.frombuffer(offsets, np.int32, len(cells) + 1, cells.offset * 4)
    lengths = np.diff(offsets)
    valid = pc.is_valid(cells).to_numpy(zero_copy_only=False)
    if (lengths[valid] != len(layout)).any() or lengths[~valid].any():
        return None
    block = np.frombuffer(data, np.uint8, offsets[-1] - offsets[0], offsets[0]) if data is not None else np.empty(0)
    block = block.reshape(-1, len(layout))  # one row per valid cell: they are contiguous and of one width
    # The cast checks the digits and their ranges; what it would also accept is another separator, such as "T"
    # for " ", and a year before 1000 (the regex wants the format's exact form).
    fits = (block[:, 0] >= ord("1")) & (block[:, 0] <= ord("9"))
    for position, char in enumerate(layout):
        if char != "0":
            fits &= block[:, position] == ord(char)
    if not fits.all():
        mask = np.zeros(len(cells), bool)
        mask[valid] = fits
        cells = pc.if_else(pa.array(mask), cells, None)
    try:
        return pc.cast(cells, pa.timestamp("us"))
    except pa.ArrowInvalid:  # a month 13, a 2 月 30 日, an hour 24: the regex and strptime sort those out
        return None


def _arrow_parse(cells: pa.Array, fmt: str, day: int | None) -> pa.Array:
    """Cells that match the format's fixed-width form, parsed (null where not a real date-time). An ISO layout is
    a cast, which refuses an impossible day (2 月 30 日): if one is there, strptime parses the column instead,
    whose rolled-over days (it reads 2 月 30 日 as 3 月 2 日) are dropped by comparing the written day."""
    if fmt in _ISO_LAYOUTS:
        try:
            return pc.cast(cells, pa.timestamp("us"))
        except pa.ArrowInvalid:
            pass
    parsed = pc.strptime(cells, format=fmt, unit="us", error_is_null=True)
    if day is None:
        return parsed
    written_day = pc.cast(
        pc.utf8_slice_codeunits(pc.if_else(pc.is_valid(parsed), cells, None), day, day + 2), pa.int64()
    )
    return pc.if_else(pc.fill_null(pc.equal(pc.day(parsed), written_day), False), parsed, None)


def parse_dates(text: pa.Array, date_formats: tuple[str, ...], datetime_formats: tuple[str, ...]):
    """Dates accept date formats first, then anything a timestamp accepts (an Excel date cell reads as
    'YYYY-MM-DD 00:00:00'), keeping the day."""
    stamps, bad = parse_timestamps(text, (*date_formats, *datetime_formats))
    return pc.cast(pc.floor_temporal(stamps, unit="day"), pa.date32()), bad


def parse_numbers(text: pa.Array, whole: bool) -> tuple[pa.Array, np.ndarray]:
    """Plain decimal numbers only: '1O', '9*', '5/19/2011' or 'inf' are not numbers (never 0, never a date)."""
    trimmed = pc.utf8_trim_whitespace(text)
    if whole:
        whole_numbers = _cast_whole(trimmed)
        if whole_numbers is not None:
            return whole_numbers
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


def _cast_whole(trimmed: pa.Array) -> tuple[pa.Array, np.ndarray] | None:
    """Whole numbers by one cast when every cell is plain digits (the usual column: no regex, no float detour);
    None when a cell is anything else ('1.0', '+1', '1O'), which the regex path then sorts out."""
    try:
        numbers = pc.cast(trimmed, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    too_large = pc.fill_null(pc.greater_equal(pc.abs(numbers), _EXACT_INT), False)  # as the float path has it
    bad = too_large.to_numpy(zero_copy_only=False)
    return (pc.if_else(too_large, None, numbers) if bad.any() else numbers), bad


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
