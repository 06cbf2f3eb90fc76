"""网格与队伍 Grids & teams: each grid per 1,000 residents (cases, visits; response and satisfaction as funnel
plots, not a league table), and each social-worker team's workload."""

import streamlit as st

from jianfu import kpi_frames
from jianfu.display import charts
from jianfu.display.i18n import current_lang, t
from jianfu.metrics import Filters
from jianfu.ui import components, data, filter_bar
from jianfu.ui.components import with_labels
from jianfu.ui.export_buttons import show_table

KPIS = ["case_volume", "response_rate", "satisfaction_rate", "visit_coverage"]
FUNNELS = (("response_rate", "grids_teams.funnel_response"), ("satisfaction_rate", "grids_teams.funnel_satisfaction"))

components.page_header("page.grids_teams", "grids_teams.intro")
components.require_warehouse()
filters = filter_bar.render()
as_of = data.data_as_of()
catalogue = data.catalogue()
components.kpi_grid(KPIS, filters, columns=4)

st.subheader(t("grids_teams.grids_title"))
st.caption(t("grids_teams.grids_caption"))
profile = with_labels(data.query("page_grids_profile", filters), {"kind": "grid_kind"})
if components.is_empty(profile, "cases") and components.is_empty(profile, "home_visits"):
    components.empty_state()
else:
    if profile["residents"].isna().all():
        st.info(t("grids_teams.no_residents"))
    # A bar per grid: a click shows that grid's cases (case_volume's rows) under the filters the chart's query
    # applies (the window and the grids; the profile is of all cases, whatever the team or channel filter).
    drill_filters = Filters(filters.start, filters.end, grids=filters.grids)
    per_grid = profile.assign(kpi_id="case_volume", split="grid_id", group_code=profile["grid_id"])
    left, right = st.columns(2)
    with left:
        components.bar_chart(
            per_grid,
            "name",
            "cases_per_1000",
            t("grids_teams.cases_chart"),
            "grids_teams_cases",
            filters=drill_filters,
            horizontal=True,
            sort=True,
            y_label=t("grids_teams.column.cases_per_1000"),
        )
    with right:
        components.bar_chart(
            per_grid,
            "name",
            "visits_per_1000_households",
            t("grids_teams.visits_chart"),
            "grids_teams_visits",
            horizontal=True,
            sort=True,
            y_label=t("grids_teams.column.visits_per_1000_households"),
        )
    show_table(
        profile,
        key="grids_teams_profile",
        name=t("grids_teams.grids_title"),
        labels="grids_teams.column",
        filters=filters,
        as_of=as_of,
        kpis=[catalogue["case_volume"], catalogue["visit_coverage"]],
    )

grid_names = data.filter_options().grids
by_grid = data.by_many([kpi_id for kpi_id, _ in FUNNELS], filters, by="grid_id")
for column, (kpi_id, title_key) in zip(st.columns(len(FUNNELS)), FUNNELS):
    with column:
        points = kpi_frames.funnel_points(by_grid[kpi_id], grid_names, bounds=(0, 1))
        if points.empty:
            st.subheader(t(title_key))
            components.empty_state()
        else:
            components.show_chart(
                charts.funnel_plot(
                    points,
                    t(title_key),
                    t("grids_teams.funnel_x"),
                    catalogue[kpi_id].label(current_lang()),
                    tickformat=".0%",
                ),
                key=f"grids_teams_funnel_{kpi_id}",
            )
components.small_n_note()

st.subheader(t("grids_teams.teams_title"))
teams = with_labels(data.query("page_grids_team_workload", filters), {"team": "team"})
if components.is_empty(teams):
    components.empty_state()
else:
    components.bar_chart(
        teams,
        "team",
        "cases_per_worker",
        t("grids_teams.teams_title"),
        "grids_teams_workload",
        horizontal=True,
        sort=True,
        y_label=t("grids_teams.column.cases_per_worker"),
    )
    show_table(
        teams,
        key="grids_teams_teams",
        name=t("grids_teams.teams_title"),
        labels="grids_teams.column",
        percent=["admin_share"],
        filters=filters,
        as_of=as_of,
        kpis=[catalogue["admin_time_share"], catalogue["field_visits"]],
    )
