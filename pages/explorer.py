"""探索 Explorer: drill from a KPI to its rows, pivot any canonical table, and the sandboxed SQL console."""

from functools import partial

import streamlit as st

from jianfu import explore, sandbox, settings, warehouse
from jianfu.access import audit
from jianfu.display import format
from jianfu.display.i18n import current_lang, t
from jianfu.ui import components, data, filter_bar, table_labels
from jianfu.ui.export_buttons import show_table
from jianfu.ui.login import audit_action, current_scope

SQL_RESULT = "explorer_sql_result"  # the last console result, kept across reruns (e.g. a download click)


@st.cache_data(show_spinner=False, max_entries=64)
def _drill(version: str, kpi_id: str, filters, part: str) -> explore.Drill:
    return explore.drill(data.connection(), data.catalogue()[kpi_id], filters, part)


@st.cache_data(show_spinner=False, max_entries=64)
def _pivot(version: str, table: str, rows: tuple, column, aggregation: str, measure, filters) -> explore.Rows:
    return explore.pivot(data.connection(), table, list(rows), column, aggregation, measure, filters)


@st.cache_data(show_spinner=False)
def _sql_tables(version: str, scope: tuple[str, ...] | None) -> dict[str, list[str]]:
    return sandbox.table_columns(scope)


def show_rows(rows: explore.Rows, codes_across: str | None = None, **table_args) -> None:
    """A capped result: the filters it ignored, the truncation notice, then the table (or the empty state),
    with code values and column names labelled (table_labels)."""
    if scope.grids is not None and "grids" in rows.not_applied:  # rows that cannot be narrowed to a grid
        st.info(t("access.rows_not_for_grids"))
        return
    if rows.not_applied:
        names = ", ".join(t(f"export.filter_{name}") for name in rows.not_applied)
        st.caption(t("explorer.not_applied", filters=names))
    if rows.truncated:
        st.warning(t("explorer.truncated", total=format.count(rows.total), shown=format.count(len(rows.frame))))
    if rows.frame.empty:
        components.empty_state()
    else:
        show_table(table_labels.readable(rows.frame, codes_across=codes_across), **table_args)


def explore_error(error: explore.ExploreError) -> None:
    st.warning(t(f"explorer.error.{error.code}", message=str(error), **error.fmt))


components.page_header("page.explorer", "explorer.intro")
components.require_warehouse()
filters = filter_bar.render()
scope = current_scope()
as_of = data.data_as_of()
version = warehouse.version_key()
lang = current_lang()
catalogue = data.catalogue()
column_name = partial(table_labels.column_label, lang=lang)  # this run's language, wherever Streamlit calls it
drill_tab, pivot_tab, sql_tab = st.tabs([t("explorer.tab_drill"), t("explorer.tab_pivot"), t("explorer.tab_sql")])

with drill_tab:
    if not scope.may_see_rows:
        st.info(t("access.not_allowed"))
    else:
        drillable = [kpi_id for kpi_id in catalogue if explore.can_drill(catalogue[kpi_id])]
        kpi = catalogue[
            st.selectbox(
                t("explorer.drill.kpi"),
                drillable,
                key="explorer_drill_kpi",
                format_func=lambda k: catalogue[k].label(lang),
            )
        ]
        part = st.radio(
            t("explorer.drill.part"),
            explore.drill_parts(kpi),
            horizontal=True,
            key="explorer_drill_part",
            format_func=lambda p: t(f"explorer.drill.part_{p}"),
        )
        try:
            drill = _drill(version, kpi.id, filters, part)
        except explore.ExploreError as error:
            st.warning(t("explorer.drill.unavailable", reason=str(error)))
        else:
            if drill.numerator is not None and drill.denominator is not None:
                st.caption(
                    t("explorer.drill.counts", num=format.count(drill.numerator), den=format.count(drill.denominator))
                )
            else:
                st.caption(t("explorer.drill.rows_count", rows=format.count(drill.rows.total)))
            st.caption(t("explorer.drill.personal_note"))
            show_rows(drill.rows, key="explorer_drill", name=kpi.label(lang), filters=filters, as_of=as_of, kpis=[kpi])

with pivot_tab:
    table = st.selectbox(
        t("explorer.pivot.table"),
        explore.tables(),
        key="explorer_pivot_table",
        format_func=lambda name: t(f"explorer.table.{name}"),
    )
    dimensions = explore.dimension_columns(table)
    left, middle, right = st.columns(3)
    rows = left.multiselect(
        t("explorer.pivot.rows"),
        dimensions,
        default=dimensions[:1],
        max_selections=3,
        format_func=column_name,
        key=f"explorer_pivot_rows_{table}",
    )
    column = middle.selectbox(
        t("explorer.pivot.column"),
        [None, *(d for d in dimensions if d not in rows)],
        format_func=lambda c: t("explorer.pivot.none") if c is None else column_name(c),
        key=f"explorer_pivot_column_{table}",
    )
    measures = explore.measure_columns(table)
    aggregation = right.selectbox(
        t("explorer.pivot.aggregation"),
        list(explore.AGGREGATIONS) if measures else ["count"],
        format_func=lambda a: t(f"explorer.pivot.agg_{a}"),
        key="explorer_pivot_agg",
    )
    measure = None
    if aggregation != "count":
        measure = right.selectbox(
            t("explorer.pivot.measure"), measures, format_func=column_name, key=f"explorer_pivot_measure_{table}"
        )
    st.caption(
        t("explorer.pivot.dates_by_month")
        if measures
        else f"{t('explorer.pivot.dates_by_month')} {t('explorer.pivot.no_measure')}"
    )
    try:
        result = _pivot(version, table, tuple(rows), column, aggregation, measure, filters)
    except explore.ExploreError as error:
        explore_error(error)
    else:
        show_rows(
            result, codes_across=column, key="explorer_pivot", name=f"{table}_pivot", filters=filters, as_of=as_of
        )

with sql_tab:
    if not scope.may_run_sql:
        st.info(t("access.not_allowed"))
    else:
        seconds = int(settings.get("sql_time_limit_ms")) / 1000
        max_rows = int(settings.get("sql_max_rows"))
        st.caption(t("explorer.sql.help", seconds=f"{seconds:g}", rows=format.count(max_rows)))
        with st.expander(t("explorer.sql.tables")):
            for name, columns in _sql_tables(version, scope.sql_grids).items():
                st.markdown(f"**{name}** · {', '.join(columns)}")
        with st.form("explorer_sql_form"):
            sql = st.text_area(
                t("explorer.sql.query"),
                key="explorer_sql_text",
                height=160,
                value="select status, count(*) as cases\nfrom cases\ngroup by status\norder by cases desc",
            )
            if st.form_submit_button(t("explorer.sql.run"), type="primary"):
                try:
                    audit_action("sql", sql)  # logged before it runs: a query that cannot be logged does not run
                except audit.AuditUnavailable as exc:
                    st.error(t("access.audit_unavailable", error=str(exc)))
                else:
                    st.session_state[SQL_RESULT] = sandbox.run_sql(sql, scope=scope.sql_grids)
        result = st.session_state.get(SQL_RESULT)
        if result is not None and result.error_code:
            st.error(t(f"explorer.sql.error.{result.error_code}", detail=result.detail))
        elif result is not None:
            st.caption(
                t("explorer.sql.elapsed", rows=format.count(len(result.frame)), ms=format.number(result.elapsed_ms, 0))
            )
            if result.truncated:
                st.warning(t("explorer.sql.truncated", rows=format.count(max_rows)))
            if result.frame.empty:
                st.info(t("explorer.sql.no_rows"))
            else:
                show_table(result.frame, key="explorer_sql", name=t("explorer.sql.result_name"), as_of=as_of)
