"""总览 Overview: the leadership cockpit — composite and pillar scores, headline KPI cards, top and bottom KPIs."""
import streamlit as st

from jianfu.ui import components, data, filter_bar
from jianfu.ui import overview_view as view
from jianfu.ui.i18n import t

printing = components.print_mode()
components.page_header("page.overview", "overview.intro")
components.require_warehouse()
filters = filter_bar.render()
if components.nothing_matches(filters):
    components.empty_state()
    st.stop()
if printing:
    st.caption(filter_bar.describe(filters))
else:
    view.print_link()

composite = data.composite(filters)
view.composite_row(composite)
view.pillar_cards(filters, columns=3 if printing else 4, results=composite["results"])
view.control_chart(filters, printing)

top, bottom = st.columns(2)
with top:
    st.subheader(t("overview.top_title"))
    st.dataframe(view.ranked_table(composite["top"], composite["results"]), key="overview_top", hide_index=True,
                 width="stretch")
with bottom:
    st.subheader(t("overview.bottom_title"))
    st.dataframe(view.ranked_table(composite["bottom"], composite["results"]), key="overview_bottom",
                 hide_index=True, width="stretch")
components.small_n_note()
