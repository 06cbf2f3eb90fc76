"""总览 Overview: the leadership cockpit — 本月要点, composite and pillar scores, headline KPI cards, signals by
impact, best and worst KPIs."""

import streamlit as st

from jianfu.display import format
from jianfu.display.i18n import t
from jianfu.ui import components, data, filter_bar
from jianfu.ui import overview_view as view

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
view.summary_box(filters, composite["results"])
view.composite_row(composite)
series = view.pillar_cards(filters, columns=3 if printing else 4, results=composite["results"])
view.signals(series)
view.control_chart(filters, printing)

best, worst = view.best_and_worst(composite["results"])
for column, (title_key, ids, empty_key, key) in zip(
    st.columns(2),
    (
        ("overview.top_title", best, "overview.none_best", "overview_top"),
        ("overview.bottom_title", worst, "overview.none_worst", "overview_bottom"),
    ),
):
    with column:
        st.subheader(t(title_key))
        if ids:
            st.dataframe(view.ranked_table(ids, composite["results"]), key=key, hide_index=True, width="stretch")
        else:
            st.caption(t(empty_key))
st.caption(t("overview.ranked_caption", n=format.rank_below_n()))
components.small_n_note()
