"""Write rendered exports byte-for-byte reproducibly: xlsx through xlsxwriter with fixed document
properties (its zip entries carry a fixed timestamp), CSV through pandas with an explicit line ending, and the
benchmark-sized CSVs through Arrow."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import xlsxwriter

from jianfu.sample.render import Rendered

DOCUMENT_CREATED = dt.datetime(2026, 11, 1)  # fixed, so that the same data gives the same bytes
EXCEL_FORMATS = {
    "%Y-%m-%d": "yyyy-mm-dd",
    "%Y-%m-%d %H:%M:%S": "yyyy-mm-dd hh:mm:ss",
    "%Y-%m-%d %H:%M": "yyyy-mm-dd hh:mm",
}


def write_xlsx(rendered: Rendered, path: Path, sheet: str) -> None:
    """Dates are real Excel dates; a text value in a date column stays text (as a hand-edited cell does)."""
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    workbook.set_properties({"created": DOCUMENT_CREATED, "author": "jianfu sample"})
    worksheet = workbook.add_worksheet(sheet)
    bold = workbook.add_format({"bold": True})
    for col, header in enumerate(rendered.frame.columns):
        worksheet.write_string(0, col, header, bold)
        date_format = None
        if header in rendered.date_formats:
            date_format = workbook.add_format({"num_format": EXCEL_FORMATS[rendered.date_formats[header]]})
            worksheet.set_column(col, col, 19 if "H" in rendered.date_formats[header] else 11)
        values = rendered.frame[header]
        for row, value in enumerate(values.astype(object).where(values.notna(), None).tolist(), start=1):
            if value is None:
                continue
            if isinstance(value, str):
                worksheet.write_string(row, col, value)
            elif isinstance(value, dt.datetime):
                worksheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), date_format)
            else:
                worksheet.write_number(row, col, value)
    worksheet.freeze_panes(1, 0)
    workbook.close()


def write_csv(rendered: Rendered, path: Path, encoding: str, newline: str) -> None:
    frame = rendered.frame.copy()
    for header, fmt in rendered.date_formats.items():
        frame[header] = _dates_as_text(frame[header], fmt)
    frame.to_csv(path, index=False, encoding=encoding, lineterminator=newline)


def _dates_as_text(values: pd.Series, fmt: str) -> pd.Series:
    if pd.api.types.is_datetime64_dtype(values):
        return values.dt.strftime(fmt)
    # a planted bad value made the column mixed: dates in the export's format, the text as it is
    return values.map(lambda v: v.strftime(fmt) if isinstance(v, pd.Timestamp) else v)


def write_csv_fast(rendered: Rendered, path: Path) -> None:
    """Benchmark-sized exports: UTF-8 CSV straight from Arrow (dates as YYYY-MM-DD[ HH:MM:SS])."""
    table = pa.Table.from_pandas(rendered.frame, preserve_index=False)
    for header, fmt in rendered.date_formats.items():
        target = pa.date32() if "%H" not in fmt else pa.timestamp("s")
        index = table.schema.get_field_index(header)
        table = table.set_column(index, header, table.column(header).cast(pa.timestamp("s")).cast(target))
    pacsv.write_csv(table, path)
