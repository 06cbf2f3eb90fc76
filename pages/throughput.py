"""办件效能 Throughput: volume, backlog and its ageing, cycle times, on-time / one-visit / online / same-day rates,
front-to-back handoff, by team."""
import streamlit as st

from jianfu.ui import charts, components, data, filter_bar
from jianfu.ui.i18n import t

KPIS = ["case_volume", "backlog", "backlog_past_due", "on_time_rate", "cycle_time", "cycle_time_p90",
        "handoff_time", "immediate_rate", "one_visit_rate", "online_rate", "materials_reuse", "return_rate"]
RATES = ["on_time_rate", "one_visit_rate", "online_rate", "immediate_rate"]
CYCLE_TIMES = ["cycle_time", "cycle_time_p90"]

components.page_header("page.throughput", "throughput.intro")
components.require_warehouse()
filters = filter_bar.render()
if components.nothing_matches(filters, "cases"):
    components.empty_state()
    st.stop()

components.kpi_grid(KPIS, filters)
components.small_n_note()

left, right = st.columns(2)
with left:
    volume = data.query("page_throughput_volume", filters)
    labelled = components.with_labels(volume, {"service_line": "service_line", "channel": "channel"})
    charts.show(charts.bars(labelled, "service_line", "cases", t("throughput.volume_chart"), color="channel",
                            y_label=t("throughput.cases")), key="throughput_volume")
with right:
    backlog = data.query("page_throughput_backlog_ageing", filters)
    if components.is_empty(backlog, "cases"):
        st.subheader(t("throughput.backlog_chart"))
        components.empty_state("throughput.no_backlog")
    else:
        labelled = components.with_labels(backlog, {"age_band": "age_band", "past_due": "past_due"})
        charts.show(charts.bars(labelled, "age_band", "cases", t("throughput.backlog_chart"), color="past_due",
                                y_label=t("throughput.cases")), key="throughput_backlog")

left, right = st.columns(2)
with left:
    histogram = data.query("page_throughput_cycle_histogram", filters)
    if components.is_empty(histogram, "cases"):
        st.subheader(t("throughput.cycle_chart"))
        components.empty_state()
    else:
        labelled = components.with_labels(histogram, {"center": "center"})
        charts.show(charts.bars(labelled, "band", "cases", t("throughput.cycle_chart"), color="center",
                                y_label=t("throughput.cases")), key="throughput_cycle")
with right:
    cycle = components.breakdown(CYCLE_TIMES, filters, by="service_line")
    if components.is_empty(cycle, "n"):
        st.subheader(t("throughput.cycle_by_line_chart"))
        components.empty_state()
    else:
        charts.show(charts.bars(cycle, "group", "value", t("throughput.cycle_by_line_chart"), color="kpi",
                                y_label=t("throughput.working_days"), stacked=False), key="throughput_cycle_by_line")

by_team = components.breakdown([*RATES, "handoff_time"], filters, by="team")
rates = by_team[by_team["kpi_id"].isin(RATES)]
if not components.is_empty(rates, "n"):
    charts.show(charts.bars(rates, "group", "value", t("throughput.rates_by_team_chart"), color="kpi",
                            tickformat=".0%", stacked=False), key="throughput_rates_by_team")

handoff = by_team[by_team["kpi_id"] == "handoff_time"]
if not components.is_empty(handoff, "n"):
    charts.show(charts.bars(handoff, "group", "value", t("throughput.handoff_chart"), y_label=t("throughput.hours")),
                key="throughput_handoff")
components.small_n_note()
