"""排名 Ranking: the monthly 接诉即办 ranking of the units one level below the scope (a district's streets, a
street's communities …) on 响应率/解决率/满意率, with on-time and 差评 per 1,000, rank change, 红榜/黑榜 and
funnel plots."""

import streamlit as st

from jianfu.display import format
from jianfu.display.i18n import t
from jianfu.metrics import league as league_rules
from jianfu.ui import components, data, filter_bar
from jianfu.ui import ranking_view as view
from jianfu.ui.export_buttons import show_table

components.page_header("page.ranking", "ranking.intro")
components.require_warehouse()
filters = filter_bar.render()
catalogue = data.catalogue()
result = data.league(filters)
if result is None:
    st.info(t("ranking.none_to_rank"), icon=":material/leaderboard:")
    st.stop()
if all(result.table[kpi_id].isna().all() for kpi_id in league_rules.RATES):
    st.info(t("ranking.no_hotline"), icon=":material/call:")
    st.stop()

labels = view.unit_labels(result.level)
previous = filters.previous()

st.subheader(t("ranking.table_title", level=t(f"ranking.level_{result.level}")))
st.caption(t("ranking.weights_note", n=format.rank_below_n(), **league_rules.weight_shares()))
st.caption(t("ranking.compared", start=format.day(previous.start), end=format.day(previous.end)))
view.lists(result, labels)
show_table(
    view.table(result, labels),
    key="ranking_table",
    name=t("ranking.table_title", level=t(f"ranking.level_{result.level}")),
    labels="ranking.column",
    percent=view.RATE_COLUMNS,
    filters=filters,
    as_of=data.data_as_of(),
    kpis=[catalogue[kpi_id] for kpi_id in league_rules.KPIS],
)
view.funnels(result, labels, catalogue)
components.small_n_note()
