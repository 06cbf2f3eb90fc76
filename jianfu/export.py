"""Tables to XLSX and CSV files that open cleanly in Excel on Chinese Windows and cannot run formulas.

- XLSX: the first sheet ("筛选条件" / "Filters") says what the numbers are: the filters, the date the data runs
  to, the export time and the definition of every KPI involved; then one sheet per table.
- CSV: UTF-8 with a byte-order mark, without which Excel reads UTF-8 as the ANSI code page (GBK) and the
  Chinese turns to mojibake.
- A text cell starting with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'` (CSV/formula
  injection: Excel would otherwise evaluate it; `jianfu.export_safety`), and XLSX cells are always written as
  text, never as formulas.
- XLSX tables are ready to work with: a frozen header row with an autofilter, rates (the `percent` columns,
  optionally only in some rows) shown as `0.0%`, other decimals as `#,##0.0`; the cells keep full precision so
  sums and checks stay exact. CSV has no formats, so its decimals are rounded (rates to 0.01%, others to 0.01).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, is_dataclass
from datetime import datetime

import pandas as pd

from jianfu.display.i18n import code_label, default_lang, t
from jianfu.export_safety import neutralise_frame

PERCENT_FORMAT = "0.0%"
DECIMAL_FORMAT = "#,##0.0"
WHOLE_FORMAT = "#,##0"
CSV_DIGITS, CSV_PERCENT_DIGITS = 2, 4
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_UNIT_FIELDS = ("districts", "streets")  # named as the data writes them
# Filters field → code kind in the string catalogue (code.<kind>.<code>); grids are shown by id.
_FILTER_FIELDS = (
    ("grids", None),
    ("teams", "team"),
    ("service_lines", "service_line"),
    ("channels", "channel"),
    ("centers", "center"),
)


def to_csv(frame: pd.DataFrame, percent: Iterable[str] = ()) -> bytes:
    """CSV in UTF-8 with BOM and Windows line ends (so a field holding a carriage return is quoted, not split);
    decimals rounded, `percent` columns to 4 places (0.01%)."""
    return (
        neutralise_frame(_excel_ready(_rounded(frame, set(percent))))
        .to_csv(index=False, lineterminator="\r\n")
        .encode("utf-8-sig")
    )


def to_xlsx(
    frames: Mapping[str, pd.DataFrame],
    *,
    filters=None,
    as_of=None,
    kpis: Iterable = (),
    lang: str | None = None,
    percent: Mapping[str, Iterable[str]] | None = None,
    percent_rows: Mapping[str, Sequence[bool]] | None = None,
) -> bytes:
    """One workbook: the filter sheet first, then one sheet per entry of `frames` (sheet name → table).
    `percent[name]` are that table's rate columns; `percent_rows[name]` (one flag per row) limits the % format
    to the flagged rows, for a column mixing units (the report's KPI values)."""
    lang = lang or default_lang()
    percent, percent_rows = percent or {}, percent_rows or {}
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(
        buffer,
        engine="xlsxwriter",
        engine_kwargs={"options": options},
        datetime_format="yyyy-mm-dd hh:mm",
        date_format="yyyy-mm-dd",
    ) as writer:
        _filter_sheet(writer, filters, as_of, list(kpis), lang)
        used = {t("export.filter_sheet", lang)}
        for name, frame in frames.items():
            sheet = _sheet_name(name, used)
            table = neutralise_frame(_excel_ready(frame))
            table.to_excel(writer, sheet_name=sheet, index=False)
            formats = _format_table(writer, sheet, frame, set(percent.get(name, ())), percent_rows.get(name))
            _fit_columns(writer.sheets[sheet], table, formats)
    return buffer.getvalue()


def filter_rows(filters, as_of, lang: str) -> list[tuple[str, str]]:
    """(label, value) lines describing the filters, in `lang`."""
    values = asdict(filters) if is_dataclass(filters) else dict(filters or {})
    everything = t("export.all", lang)
    rows = []
    if values.get("start") is not None:
        rows.append((t("export.window", lang), f"{values['start']} – {values['end']}"))
    for name in _UNIT_FIELDS:  # a district or street line only when one was chosen (or the scope is one)
        if values.get(name):
            rows.append((t(f"export.filter_{name}", lang), ", ".join(map(str, values[name]))))
    for name, kind in _FILTER_FIELDS:
        codes = values.get(name) or ()
        shown = ", ".join(code_label(kind, c, lang) if kind else str(c) for c in codes) or everything
        rows.append((t(f"export.filter_{name}", lang), shown))
    rows.append((t("export.data_as_of", lang), str(as_of)[:16] if as_of is not None else "—"))
    rows.append((t("export.exported_at", lang), datetime.now().strftime("%Y-%m-%d %H:%M")))
    return rows


def kpi_rows(kpis: Iterable, lang: str) -> pd.DataFrame:
    """The definitions of the KPIs behind an exported table, one row per KPI."""
    rows = []
    for kpi in kpis:
        target = getattr(kpi, "target", None)
        rows.append(
            {
                t("export.kpi_id", lang): kpi.id,
                t("export.kpi_label", lang): kpi.label(lang),
                t("export.kpi_description", lang): kpi.description(lang),
                t("export.kpi_formula", lang): getattr(kpi, "formula", "") or "",
                t("export.kpi_unit", lang): getattr(kpi, "unit", "") or "",
                t("export.kpi_direction", lang): getattr(kpi, "direction", "") or "",
                t("export.kpi_target", lang): "" if target is None else target,
                t("export.kpi_inputs", lang): ", ".join(getattr(kpi, "inputs", ()) or ()),
            }
        )
    return pd.DataFrame(rows)


def _filter_sheet(writer: pd.ExcelWriter, filters, as_of, kpis: list, lang: str) -> None:
    sheet_name = t("export.filter_sheet", lang)
    lines = pd.DataFrame(filter_rows(filters, as_of, lang), columns=[t("export.item", lang), t("export.value", lang)])
    neutralise_frame(lines).to_excel(writer, sheet_name=sheet_name, index=False)
    sheet = writer.sheets[sheet_name]
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 40)
    if kpis:
        start_row = len(lines) + 2
        sheet.write_string(start_row, 0, t("export.kpi_definitions", lang))
        neutralise_frame(kpi_rows(kpis, lang)).to_excel(
            writer, sheet_name=sheet_name, index=False, startrow=start_row + 1
        )
        sheet.set_column(2, 7, 30)


def _excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel has no timezones and no list cells: drop the zone (times are local already), join lists."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            out[column] = series.dt.tz_localize(None)
        elif series.dtype == object and series.map(lambda v: isinstance(v, (list, tuple))).any():
            out[column] = series.map(lambda v: "、".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique within the workbook."""
    base = _SHEET_NAME_BAD.sub("_", str(name)).strip("'")[:31] or "data"
    candidate, number = base, 2
    while candidate.lower() in {u.lower() for u in used}:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate)
    return candidate


def _rounded(frame: pd.DataFrame, percent: set[str]) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(CSV_PERCENT_DIGITS if column in percent else CSV_DIGITS)
    return out


def _format_table(
    writer: pd.ExcelWriter, sheet_name: str, frame: pd.DataFrame, percent: set[str], rows: Sequence[bool] | None
) -> dict:
    """Frozen header and autofilter; returns each column's number format (column index → format). In a column
    of mixed cells the rate cells (flagged `rows`) are rewritten as %, other fractions with decimals, and whole
    numbers stay whole (779, not 779.0)."""
    sheet = writer.sheets[sheet_name]
    sheet.freeze_panes(1, 0)
    if len(frame.columns):
        sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    book = writer.book
    as_percent = book.add_format({"num_format": PERCENT_FORMAT})
    as_decimal = book.add_format({"num_format": DECIMAL_FORMAT})
    as_whole = book.add_format({"num_format": WHOLE_FORMAT})
    formats = {}
    for index, column in enumerate(frame.columns):
        values = frame[column]
        if column in percent and rows is None:
            formats[index] = as_percent
        elif values.dtype == object or pd.api.types.is_float_dtype(values) or column in percent:
            # cell by cell: counts and rates, numbers and "n<10", whole and fractional values share columns
            if pd.api.types.is_float_dtype(values):
                formats[index] = as_whole
            flags = rows if column in percent else [False] * len(values)
            for row, (flag, value) in enumerate(zip(flags, values.tolist()), start=1):
                if flag and _is_number(value):
                    sheet.write_number(row, index, value, as_percent)
                elif _is_fraction(value):
                    sheet.write_number(row, index, value, as_decimal)
    return formats


def _shown(value) -> str:
    if value is None:
        return ""
    return f"{value:,.1f}" if isinstance(value, float) else str(value)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _is_fraction(value) -> bool:
    return isinstance(value, float) and value == value and not value.is_integer()


def _fit_columns(sheet, frame: pd.DataFrame, formats: dict | None = None) -> None:
    """Column widths from the header and the first 200 values (as shown), with the chosen number formats."""
    formats = formats or {}
    for index, column in enumerate(frame.columns):
        sample = frame[column].head(200).map(_shown)
        widest = max([len(str(column)), *sample.map(len).tolist()]) if len(frame) else len(str(column))
        sheet.set_column(index, index, min(max(widest * 1.6, 8), 60), formats.get(index))
