"""民生微实事 Micro-projects & partners: the stage funnel, turnout, on-time delivery and acceptance of the
resident-voted projects, and the three alliances' activity."""

import streamlit as st

from jianfu import kpi_frames
from jianfu.display import charts, flow_charts
from jianfu.display.i18n import code_label, t
from jianfu.ui import components, data, filter_bar
from jianfu.ui.components import with_labels
from jianfu.ui.export_buttons import show_table

KPIS = [
    "proposal_funnel",
    "vote_turnout",
    "project_on_time",
    "project_acceptance",
    "proposal_lead_time",
    "partner_hours",
]

components.page_header("page.micro_projects", "micro_projects.intro")
components.require_warehouse()
filters = filter_bar.render()
as_of = data.data_as_of()
catalogue = data.catalogue()
results = components.kpi_grid(KPIS, filters, columns=3)

# Projects come a few a month: each section shows the latest period with data when the window has too few.
proposed, fell_back = data.section_filters("proposal_funnel", filters)
st.subheader(t("micro_projects.funnel_title"))
if fell_back:
    components.latest_note(proposed)
funnel = kpi_frames.stage_funnel(
    data.kpis(proposed, ["proposal_funnel"])["proposal_funnel"] if fell_back else results.get("proposal_funnel")
)
if components.is_empty(funnel, "projects"):
    components.empty_state()
else:
    stages = {stage: code_label("project_stage", stage) for stage in funnel["stage"]}
    components.show_chart(
        flow_charts.stage_funnel(funnel, "stage", "projects", stages, None), key="micro_projects_funnel"
    )
    show_table(
        with_labels(funnel, {"stage": "project_stage"}),
        key="micro_projects_funnel",
        name=t("micro_projects.funnel_title"),
        labels="micro_projects.column",
        percent=["share_of_proposed"],
        filters=proposed,
        as_of=as_of,
        kpis=[catalogue["proposal_funnel"]],
    )

st.subheader(t("micro_projects.projects_title"))
if fell_back:
    components.latest_note(proposed)
projects = with_labels(
    data.query("page_micro_projects", proposed), {"stage": "project_stage", "category": "project_category"}
)
if components.is_empty(projects):
    components.empty_state()
else:
    show_table(
        projects,
        key="micro_projects_projects",
        name=t("micro_projects.projects_title"),
        labels="micro_projects.column",
        percent=["turnout"],
        filters=proposed,
        as_of=as_of,
        kpis=[catalogue[k] for k in ("vote_turnout", "project_on_time", "project_acceptance")],
    )

st.subheader(t("micro_projects.alliances_title"))
active, active_fell_back = data.section_filters("partner_hours", filters)
if active_fell_back:
    components.latest_note(active)
alliances = with_labels(data.query("page_micro_alliances", active), {"alliance": "alliance", "kind": "partner_kind"})
if components.is_empty(alliances, "activities"):
    components.empty_state()
else:
    components.show_chart(
        charts.bars(
            alliances,
            "alliance",
            "activities",
            t("micro_projects.alliance_activities_chart"),
            color="kind",
            y_label=t("micro_projects.column.activities"),
        ),
        key="micro_projects_alliances",
    )
    show_table(
        alliances,
        key="micro_projects_alliances",
        name=t("micro_projects.alliances_title"),
        labels="micro_projects.column",
        filters=active,
        as_of=as_of,
        kpis=[catalogue["partner_hours"]],
    )
