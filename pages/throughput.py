"""办件效能 Throughput: volume, backlog and its ageing, cycle times, on-time / one-visit / online / same-day rates,
front-to-back handoff, by team."""

import streamlit as st

from jianfu.display.i18n import t
from jianfu.ui import components, data, filter_bar

KPIS = [
    "case_volume",
    "backlog",
    "backlog_past_due",
    "on_time_rate",
    "cycle_time",
    "cycle_time_p90",
    "handoff_time",
    "immediate_rate",
    "one_visit_rate",
    "online_rate",
    "materials_reuse",
    "return_rate",
]
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
    volume = volume.assign(kpi_id="case_volume", split="service_line", group_code=volume["service_line"])
    labelled = components.with_labels(volume, {"service_line": "service_line", "channel": "channel"})
    components.bar_chart(
        labelled,
        "service_line",
        "cases",
        t("throughput.volume_chart"),
        "throughput_volume",
        unit="count",
        filters=filters,
        color="channel",
        y_label=t("throughput.cases"),
        sort=True,
    )
with right:
    backlog = data.query("page_throughput_backlog_ageing", filters)
    if components.is_empty(backlog, "cases"):
        st.subheader(t("throughput.backlog_chart"))
        components.empty_state("throughput.no_backlog")
    else:
        labelled = components.with_labels(backlog, {"age_band": "age_band", "past_due": "past_due"})
        components.bar_chart(
            labelled,
            "age_band",
            "cases",
            t("throughput.backlog_chart"),
            "throughput_backlog",
            unit="count",
            color="past_due",
            y_label=t("throughput.cases"),
        )

left, right = st.columns(2)
with left:
    histogram = data.query("page_throughput_cycle_histogram", filters)
    if components.is_empty(histogram, "cases"):
        st.subheader(t("throughput.cycle_chart"))
        components.empty_state()
    else:
        labelled = components.with_labels(histogram, {"center": "center"})
        components.bar_chart(
            labelled,
            "band",
            "cases",
            t("throughput.cycle_chart"),
            "throughput_cycle",
            unit="count",
            color="center",
            y_label=t("throughput.cases"),
        )
with right:
    cycle = components.breakdown(CYCLE_TIMES, filters, by="service_line")
    if components.is_empty(cycle, "n"):
        st.subheader(t("throughput.cycle_by_line_chart"))
        components.empty_state()
    else:
        components.bar_chart(
            cycle,
            "group",
            "value",
            t("throughput.cycle_by_line_chart"),
            "throughput_cycle_by_line",
            unit="working_days",
            filters=filters,
            color="kpi",
            y_label=t("throughput.working_days"),
            stacked=False,
            sort=True,
        )

by_team = components.breakdown([*RATES, "handoff_time"], filters, by="team")
rates = by_team[by_team["kpi_id"].isin(RATES)]
if not components.is_empty(rates, "n"):
    components.bar_chart(
        rates,
        "group",
        "value",
        t("throughput.rates_by_team_chart"),
        "throughput_rates_by_team",
        unit="ratio",
        filters=filters,
        color="kpi",
        rate=True,
        stacked=False,
        sort=True,
    )

handoff = by_team[by_team["kpi_id"] == "handoff_time"]
if not components.is_empty(handoff, "n"):
    components.bar_chart(
        handoff,
        "group",
        "value",
        t("throughput.handoff_chart"),
        "throughput_handoff",
        unit="hours",
        filters=filters,
        y_label=t("throughput.hours"),
        sort=True,
    )
components.small_n_note()
