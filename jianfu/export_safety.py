"""Formula neutralisation for every spreadsheet the app writes (CSV and XLSX: table downloads, the report
workbook, `jianfu kpis --format csv`).

Excel, LibreOffice and WPS run a text cell that starts with `=`, `+`, `-` or `@` as a formula, and also after a
leading tab or carriage return (OWASP "CSV injection"): an imported comment such as `=HYPERLINK(…)` would run
when an analyst opens the export. Such text gets a leading `'`, which spreadsheets show as text. Numbers are
never touched: a negative number is a number, not text, and stays numeric in the file.
"""

from __future__ import annotations

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text value that a spreadsheet would run as a formula, made inert; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells and column names cannot be read as formulas; numeric columns (and the
    numbers inside mixed columns) keep their values and types."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for index in range(len(out.columns)):
        series = out.iloc[:, index]
        if (
            isinstance(series.dtype, pd.CategoricalDtype)
            or series.dtype == object
            or pd.api.types.is_string_dtype(series)
        ):
            out.isetitem(index, series.astype(object).map(neutralise))
    return out
