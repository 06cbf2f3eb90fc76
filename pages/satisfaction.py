"""满意度 Satisfaction: 好差评 distribution, top-box, 差评 per 1,000, overdue 差评, survey index by grid (funnel),
dimension scores, key drivers, resident comments."""

import streamlit as st

from jianfu.display.i18n import formatter, t
from jianfu.ui import components, data, filter_bar
from jianfu.ui import satisfaction_view as view

KPIS = [
    "good_rating_rate",
    "top_box_rate",
    "bad_per_1000",
    "rating_coverage",
    "bad_rectified_on_time",
    "bad_callback_rate",
    "satisfaction_rate",
    "resolution_rate",
    "satisfaction_index",
    "top2_box",
]

components.page_header("page.satisfaction", "satisfaction.intro")
components.require_warehouse()
filters = filter_bar.render()
if components.nothing_matches(filters, "ratings", "responses"):
    components.empty_state()
    st.stop()
components.kpi_grid(KPIS, filters)
components.small_n_note()

st.subheader(t("satisfaction.ratings_title"))
by = (
    st.segmented_control(
        t("satisfaction.ratings_by"),
        ["month", "source"],
        key="satisfaction_ratings_by",
        default="month",
        format_func=formatter("satisfaction.by_{code}"),
    )
    or "month"
)
ratings = data.query("page_satisfaction_rating_distribution", view.ratings_filters(filters, by), by=by)
if components.is_empty(ratings, "ratings"):
    components.empty_state()
else:
    components.show_chart(view.ratings_chart(ratings, by), key="satisfaction_ratings")

st.subheader(t("satisfaction.overdue_title"))
overdue = data.query("page_satisfaction_overdue_bad_ratings", filters)
if overdue.empty:
    st.success(t("satisfaction.no_overdue"), icon=":material/task_alt:")
else:
    st.caption(t("satisfaction.overdue_caption", count=len(overdue)))
    st.dataframe(view.overdue_table(overdue), key="satisfaction_overdue", hide_index=True, width="stretch")

# The survey sections show the latest wave when the window holds none (surveys come once a quarter).
survey, fell_back = data.section_filters("satisfaction_index", filters)
dimensions = data.query("page_satisfaction_dimensions", survey)
left, right = st.columns(2)
with left:
    st.subheader(t("satisfaction.funnel_title"))
    if fell_back:
        components.latest_note(survey)
    by_grid = data.by("satisfaction_index", survey, by="grid_id")
    if components.is_empty(by_grid.dropna(subset=["value"]), "n"):
        components.empty_state("satisfaction.no_survey")
    else:
        components.show_chart(view.funnel_chart(by_grid), key="satisfaction_funnel")
        components.small_n_note()
with right:
    st.subheader(t("satisfaction.dimensions_title"))
    if fell_back:
        components.latest_note(survey)
    if components.is_empty(dimensions, "responses"):
        components.empty_state("satisfaction.no_survey")
    else:
        components.show_chart(view.dimensions_chart(dimensions), key="satisfaction_dimensions")

st.subheader(t("satisfaction.drivers_title"))
if fell_back:
    components.latest_note(survey)
drivers = view.drivers(survey, dimensions)
if drivers is None:
    components.empty_state("satisfaction.no_drivers")
else:
    components.show_chart(view.drivers_chart(drivers), key="satisfaction_drivers")
    st.caption(t("satisfaction.drivers_caption"))

st.subheader(t("satisfaction.comments_title"))
view.comments(data.query("page_satisfaction_comments", filters, limit=view.COMMENTS_SHOWN))
