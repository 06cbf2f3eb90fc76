"""Tables on a page: the table itself with labelled columns, and its two download buttons (Excel, CSV).

The files are built only when a button is clicked (Streamlit calls `data` lazily when it is a callable), so
a page with many tables pays nothing for its exports on render. Exports carry the same labelled columns as
the screen, and the numbers at full precision with Excel number formats (rates as %).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from jianfu import export
from jianfu.access import audit
from jianfu.display import format
from jianfu.display.i18n import current_lang, has, t
from jianfu.ui.login import current_scope, current_user

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_buttons(
    frame: pd.DataFrame,
    *,
    key: str,
    name: str,
    filters=None,
    as_of=None,
    kpis: Iterable = (),
    percent: Iterable[str] = (),
) -> None:
    """Render "导出 Excel" and "导出 CSV" for `frame`. `key` is unique on the page (prefix it with the page);
    `name` is the file and sheet name; `filters`, `as_of` and `kpis` fill the workbook's filter sheet;
    `percent` columns are rates (a % format in Excel).
    Only roles that may export get the buttons; each file built is written to the audit log first."""
    if not current_scope().may_export:
        return
    who = current_user().name  # read now: the file is built later, outside this script run
    lang = current_lang()
    kpis, percent = list(kpis), list(percent)
    empty = frame is None or frame.empty
    left, right, _ = st.columns([1, 1, 4])
    with left:
        st.download_button(
            t("export.xlsx_button"),
            data=lambda: _logged(
                who,
                f"{name}.xlsx",
                frame,
                lambda: export.to_xlsx(
                    {name: frame}, filters=filters, as_of=as_of, kpis=kpis, lang=lang, percent={name: percent}
                ),
            ),
            file_name=f"{name}.xlsx",
            mime=XLSX_MIME,
            key=f"{key}_xlsx",
            on_click="ignore",
            icon=":material/download:",
            disabled=empty,
        )
    with right:
        st.download_button(
            t("export.csv_button"),
            data=lambda: _logged(who, f"{name}.csv", frame, lambda: export.to_csv(frame, percent)),
            file_name=f"{name}.csv",
            mime="text/csv",
            key=f"{key}_csv",
            on_click="ignore",
            icon=":material/download:",
            disabled=empty,
        )


def _logged(who: str, file_name: str, frame: pd.DataFrame, build) -> bytes:
    """Audit an export (file name and row count, never its contents), then build it; no log entry, no file."""
    audit.record("export", who, file_name, rows=len(frame))
    return build()


def labelled(frame: pd.DataFrame, prefix: str | None) -> pd.DataFrame:
    """Columns renamed to their catalogue labels (`<prefix>.<column>`); columns without a label keep their name."""
    if prefix is None:
        return frame
    return frame.rename(columns={c: t(f"{prefix}.{c}") for c in frame.columns if has(f"{prefix}.{c}")})


def show_table(
    frame: pd.DataFrame,
    *,
    key: str,
    name: str,
    labels: str | None = None,
    percent: Iterable[str] = (),
    filters=None,
    as_of=None,
    kpis: Iterable = (),
    height: int | str = "auto",
) -> None:
    """A table with labelled columns (`labels` = catalogue prefix), `percent` columns shown as percentages,
    other fractional numbers with one decimal, gaps as "—", and the export buttons under it (the files keep full
    precision and empty cells)."""
    shown = labelled(frame, labels)
    names = dict(zip(frame.columns, shown.columns))
    on_screen = format.table_gaps_as_dash(shown, [names[c] for c in percent if c in names])
    numeric = {c for c in on_screen.columns if pd.api.types.is_numeric_dtype(on_screen[c])}
    config = {
        names[c]: st.column_config.NumberColumn(format="%.1f")
        for c in frame.columns
        if pd.api.types.is_float_dtype(frame[c]) and names[c] in numeric
    }
    config.update(
        {
            names[c]: st.column_config.NumberColumn(format="percent")
            for c in percent
            if c in names and names[c] in numeric
        }
    )
    st.dataframe(on_screen, hide_index=True, column_config=config, height=height)
    export_buttons(
        shown,
        key=key,
        name=name,
        filters=filters,
        as_of=as_of,
        kpis=kpis,
        percent=[names[c] for c in percent if c in names],
    )
