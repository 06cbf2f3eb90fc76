"""The overview page's pieces: the 本月要点 summary, the composite row, KPI cards by pillar, the signals by impact,
best and worst KPIs, the print link."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from jianfu.display import charts, format
from jianfu.display.i18n import code_label, current_lang, t
from jianfu.metrics import ranking
from jianfu.report import summary
from jianfu.ui import components, data

SIGNALS_SHOWN = 3  # signals listed before the "more" expander

PILLARS = ("gov", "resident", "micro", "record_keeping")
# The headline KPIs a leadership meeting reads, per pillar; every KPI is on its own page and in the catalogue.
HEADLINE = {
    "gov": ["on_time_rate", "cycle_time", "online_rate", "one_visit_rate", "good_rating_rate", "bad_per_1000"],
    "resident": ["response_rate", "resolution_rate", "satisfaction_rate", "satisfaction_index"],
    "micro": ["vote_turnout", "project_on_time", "project_acceptance", "partner_hours"],
    "record_keeping": ["ledger_reduction", "burden_hours", "hours_saved", "admin_time_share"],
}


def summary_box(filters, results: dict) -> None:
    """本月要点: three improvements and three problems in sentences (jianfu/report/summary.py, as in the report),
    naming the grid or team that stands out."""
    catalogue = data.catalogue()
    lang = current_lang()
    improved, problems = summary.pick(results, catalogue)
    picked = [p.kpi_id for p in improved + problems]
    breakdowns: dict[str, dict] = {kpi_id: {} for kpi_id in picked}
    for split in summary.SPLITS:
        ids = [k for k in picked if split in summary.splits_for(catalogue[k])]
        for kpi_id, frame in (data.by_many(ids, filters, by=split) if ids else {}).items():
            breakdowns[kpi_id][split] = frame
    teams = {code for parts in breakdowns.values() if "team" in parts for code in parts["team"]["group"]}
    names = {"grid_id": data.filter_options().grids, "team": {code: code_label("team", code) for code in teams}}
    ups, downs = summary.summary(results, catalogue, breakdowns, names, lang)
    with st.container(border=True, key="overview_summary"):
        st.subheader(t("report.section.summary"))
        left, right = st.columns(2)
        for column, key, lines, empty in (
            (left, "improvements", ups, "none_improved"),
            (right, "problems", downs, "none_problem"),
        ):
            with column:
                st.markdown(f"**{t(f'report.summary.{key}')}**")
                st.markdown("\n".join(f"- {line}" for line in lines) if lines else t(f"report.summary.{empty}"))
        st.caption(t("report.summary.note", n=format.rank_below_n()))


def composite_row(composite: dict) -> None:
    """The composite score and the four pillar scores, each with its change vs the previous window (in score
    points, `format.score_change`, as in the report), and what the composite means in plain words."""
    with components.cards_container("composite"):
        columns = st.columns(1 + len(PILLARS))
        with columns[0], st.container(border=True):
            if not composite.get("enough", True):  # a number from one or two KPIs would read as a verdict
                st.metric(
                    t("overview.composite"),
                    format.DASH,
                    help=t("kpi.not_enough_to_score_help", baseline=data.catalogue().baseline_label(current_lang())),
                )
                st.caption(t("kpi.not_enough_to_score"))  # a metric value this long would be cut off
            else:
                change = format.score_change(composite["value"], composite["previous"])
                st.metric(
                    t("overview.composite"),
                    format.score(composite["value"]),
                    delta=change,
                    delta_color=_score_colour(change),
                    delta_description=t("kpi.vs_previous"),
                    help=t("overview.composite_help"),
                )
        for column, pillar in zip(columns[1:], PILLARS):
            value = composite["pillars"].get(pillar)
            with column, st.container(border=True):
                wanted = value is None and composite.get("enough", True)
                latest = data.latest_pillar(pillar, composite["filters"]) if wanted else None
                if latest is not None:  # too few scored KPIs in the window: the latest quarter that has them
                    st.metric(code_label("pillar", pillar), format.score(latest[0]))
                    components.latest_note(latest[1])
                    continue
                change = format.score_change(value, composite["pillars_previous"].get(pillar))
                st.metric(
                    code_label("pillar", pillar),
                    format.score(value),
                    delta=change,
                    delta_color=_score_colour(change),
                    delta_description=t("kpi.vs_previous"),
                )
    st.caption(t("common.composite_definition") + " " + t("overview.composite_caption", n=composite["n"]))


def _score_colour(change: str | None) -> str:
    """Scores are higher-is-better; a change that reads +0.00 is no change and gets no colour."""
    return "off" if change is None or float(change) == 0 else "normal"


def pillar_cards(filters, columns: int, results: dict) -> dict:
    """The headline cards by pillar; `results` are every KPI's (the composite's), so the cards run no query
    of their own, and every card's sparkline comes from one batch (returned, for the signals list)."""
    catalogue = data.catalogue()
    ids = [kpi_id for pillar in PILLARS for kpi_id in HEADLINE[pillar] if kpi_id in catalogue]
    series = data.series_many(ids, filters, periods=components.SERIES_MONTHS)
    for pillar in PILLARS:
        st.subheader(code_label("pillar", pillar))
        components.kpi_grid(HEADLINE[pillar], filters, columns=columns, series=series, results=results, name=pillar)
    return series


def signals(series: dict) -> None:
    """The headline KPIs whose latest month is a control-chart signal, largest first (ranking.latest_signals):
    the first few, the rest behind a "more" expander."""
    catalogue = data.catalogue()
    lang = current_lang()
    found = ranking.latest_signals(series, catalogue)
    st.subheader(t("overview.signals_title"))
    if not found:
        st.caption(t("report.signals.none"))
        return

    def line(signal) -> str:
        return t(
            "overview.signal_line",
            kpi=catalogue[signal.kpi_id].label(lang),
            rule=t(f"kpi.signal_{signal.rule}"),
            size=format.number(signal.size, 1),
        )

    st.markdown("\n".join(f"- {line(s)}" for s in found[:SIGNALS_SHOWN]))
    if len(found) > SIGNALS_SHOWN:
        with st.expander(t("overview.signals_more", n=len(found) - SIGNALS_SHOWN)):
            st.markdown("\n".join(f"- {line(s)}" for s in found[SIGNALS_SHOWN:]))
    st.caption(t("overview.signals_caption"))


def control_chart(filters, printing: bool) -> None:
    """One headline KPI over 24 months as an XmR chart: is a change a signal or noise?"""
    catalogue = data.catalogue()
    lang = current_lang()
    ids = [kpi_id for ids in HEADLINE.values() for kpi_id in ids if kpi_id in catalogue]
    st.subheader(t("overview.trend_title"))
    kpi_id = (
        ids[0]
        if printing
        else st.selectbox(
            t("overview.trend_kpi"), ids, key="overview_trend_kpi", format_func=lambda i: catalogue[i].label(lang)
        )
    )
    kpi = catalogue[kpi_id]
    series = data.series(kpi_id, filters, periods=24)
    if series["value"].notna().sum() < 2:
        components.empty_state("overview.no_trend")
        return
    components.show_chart(
        charts.control_chart(
            series, kpi.label(lang), kpi.label(lang), tickformat=".1%" if kpi.unit in format.PROPORTION_UNITS else None
        ),
        key="overview_trend",
    )
    st.caption(t("overview.trend_caption"))


def best_and_worst(results: dict) -> tuple[list[str], list[str]]:
    """The KPIs furthest beyond and furthest short of their reference (ranking.best_and_worst)."""
    return ranking.best_and_worst(results, data.catalogue())


def ranked_table(ids: list[str], results: dict) -> pd.DataFrame:
    """Best or worst KPIs: label, value, reference, score, n."""
    catalogue = data.catalogue()
    lang = current_lang()
    rows = [(catalogue[i], results[i]) for i in ids if i in results]
    return pd.DataFrame(
        {
            t("overview.col_kpi"): [kpi.label(lang) for kpi, _ in rows],
            t("overview.col_value"): [format.value(r.value, kpi.unit) for kpi, r in rows],
            t("overview.col_reference"): [format.value(r.reference, kpi.unit) for kpi, r in rows],
            t("overview.col_score"): [format.score(r.score) for _, r in rows],
            t("overview.col_n"): [format.count(r.n) for _, r in rows],
        }
    )


def print_link() -> None:
    """A link to this view in print layout (same filters, `print=1`), opened in a new tab."""
    params = {key: st.query_params[key] for key in st.query_params}
    st.link_button(
        t("overview.print_view"), "?" + urlencode({**params, components.PRINT_PARAM: "1"}), icon=":material/print:"
    )
