"""Drill-down from what a page shows to the rows behind it: a click on a KPI card's rows button opens them in a
dialog, a click on a bar of a KPI split (team, service line, grid) shows that bar's rows under the chart. The
rows are `explore.drill`'s (the KPI's base model rows chosen by its measure, jianfu/metrics/view.py) under the page's
filters, narrowed to the clicked group; a role that may not see rows is told so instead."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from jianfu import explore, warehouse
from jianfu.display import format
from jianfu.display.i18n import current_lang, t
from jianfu.ui import data
from jianfu.ui.export_buttons import show_table
from jianfu.ui.login import current_scope

# A bar's split → the Filters field that narrows the rows to it.
SPLIT_FILTERS = {"grid_id": "grids", "team": "teams", "service_line": "service_lines", "channel": "channels"}


@st.cache_data(show_spinner=False, max_entries=64)
def _drill(version: str, kpi_id: str, filters, part: str) -> explore.Drill:
    return explore.drill(data.connection(), data.catalogue()[kpi_id], filters, part)


def narrowed(filters, split: str | None, code: str | None):
    """The page's filters narrowed to one group of a split (the clicked bar)."""
    if split is None or code is None:
        return filters
    return replace(filters, **{SPLIT_FILTERS[split]: (code,)})


def can_drill(kpi_id: str) -> bool:
    catalogue = data.catalogue()
    return kpi_id in catalogue and explore.can_drill(catalogue[kpi_id])


def show_rows(kpi_id: str, filters, key: str) -> None:
    """The rows behind `kpi_id` under `filters` (already narrowed to a bar's group, already the page's)."""
    if not current_scope().may_see_rows:
        st.info(t("access.not_allowed"))
        return
    kpi = data.catalogue()[kpi_id]
    part = "numerator" if explore.drill_parts(kpi) == ("numerator",) else "denominator"
    try:
        drill = _drill(warehouse.version_key(), kpi_id, data.scoped(filters), part)
    except explore.ExploreError as error:
        st.warning(t("explorer.drill.unavailable", reason=str(error)))
        return
    if drill.numerator is not None and drill.denominator is not None:
        st.caption(t("explorer.drill.counts", num=format.count(drill.numerator), den=format.count(drill.denominator)))
    else:
        st.caption(t("explorer.drill.rows_count", rows=format.count(drill.rows.total)))
    if drill.rows.truncated:
        st.caption(
            t("explorer.truncated", total=format.count(drill.rows.total), shown=format.count(len(drill.rows.frame)))
        )
    if drill.rows.frame.empty:
        st.info(t("common.empty_filters"), icon=":material/filter_alt_off:")
        return
    show_table(
        drill.rows.frame,
        key=key,
        name=kpi.label(current_lang()),
        filters=filters,
        as_of=data.data_as_of(),
        kpis=[kpi],
        height=320,
    )


def rows_dialog(kpi_id: str, filters) -> None:
    """Open the rows behind a card in a dialog (called on the card button's click)."""
    title = t("drill.title", kpi=data.catalogue()[kpi_id].label(current_lang()))
    st.dialog(title, width="large")(lambda: show_rows(kpi_id, filters, key=f"drill_dialog_{kpi_id}"))()


def selected_bar(event) -> tuple[str, str, str] | None:
    """(kpi_id, split, group code) of the clicked bar, from the chart's selection event (bars carry them as
    customdata); None when nothing is selected."""
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        custom = point.get("customdata")
        if custom and len(custom) >= 3:
            return str(custom[0]), str(custom[1]), str(custom[2])
    return None


def bar_rows(event, filters, key: str, group_label=None) -> None:
    """Under a chart: the rows of the bar the user clicked, with the page's filters narrowed to its group."""
    chosen = selected_bar(event)
    if chosen is None:
        st.caption(t("drill.click_hint"))
        return
    kpi_id, split, code = chosen
    if not can_drill(kpi_id):
        return
    label = group_label(split, code) if group_label else code
    with st.container(border=True, key=f"{key}_rows"):
        st.markdown(f"**{t('drill.bar_title', kpi=data.catalogue()[kpi_id].label(current_lang()), group=label)}**")
        show_rows(kpi_id, narrowed(filters, split, code), key=key)
