"""The importer's reasons (recorded in English, in the warehouse and the CLI) in the reader's language.

Each pattern below matches one reason the importer writes (jianfu/ingest: validate.py, parse.py, readers.py) and
names its template in strings/rejects.toml; a reason no pattern knows is shown as recorded.
"""

from __future__ import annotations

import re

import pandas as pd

from jianfu.display.i18n import t

_PATTERNS = (
    (r"closed before received", "closed_before_received"),
    (r"decided before received", "decided_before_received"),
    (r"valid_to before valid_from", "valid_to_before_valid_from"),
    (r"left before joining", "left_before_joining"),
    (r"not a date-time in a known format \((?P<formats>.*)\)", "not_a_datetime"),
    (r"not a date in a known format \((?P<formats>.*)\)", "not_a_date"),
    (r"not a whole number", "not_a_whole_number"),
    (r"not a number", "not_a_number"),
    (r"not a yes/no value \((?P<values>.*)\)", "not_yes_no"),
    (r"not one of the codes (?P<codes>.*)", "not_a_code"),
    (r"not a lowercase code \(a-z, 0-9, _\); map it in \[values\.(?P<column>\w+)\]", "not_lowercase_code"),
    (r"value not listed in \[values\.(?P<column>\w+)\] of the mapping", "value_not_mapped"),
    (r"required value is missing", "required_missing"),
    (r"below the minimum (?P<limit>\S+)", "below_minimum"),
    (r"above the maximum (?P<limit>\S+)", "above_maximum"),
    (r"before 1990", "before_1990"),
    (r"more than a year in the future", "far_future"),
    (r"duplicate (?P<columns>.+) \(first at line (?P<line>\d+)\)", "duplicate_key"),
    (r"not a number on the (?P<scale>\S+) scale", "not_on_scale"),
    (r"outside the (?P<scale>\S+) scale", "outside_scale"),
    (r"has (?P<fields>\d+) fields where the header has (?P<headers>\d+)", "ragged_line"),
)
_COMPILED = tuple((re.compile(pattern), key) for pattern, key in _PATTERNS)


def reason_text(reason: str | None, lang: str | None = None) -> str | None:
    """One recorded reason in `lang` (the current language by default)."""
    if not reason:
        return reason
    for pattern, key in _COMPILED:
        found = pattern.fullmatch(reason)
        if found:
            return t(f"reject.{key}", lang=lang, **found.groupdict())
    return reason


def with_reason_text(rows: pd.DataFrame, column: str = "reason") -> pd.DataFrame:
    """`rows` with its reason column in the current language (each distinct reason translated once)."""
    if column not in rows.columns or rows.empty:
        return rows
    distinct = {reason: reason_text(reason) for reason in rows[column].dropna().unique()}
    return rows.assign(**{column: rows[column].map(lambda r: distinct.get(r, r))})
