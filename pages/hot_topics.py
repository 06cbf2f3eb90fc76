"""热点诉求 Hot topics: the month's top topics in the 12345 request text, the rising ones (每月一题 candidates),
repeat requests by month and street, and masked excerpts (topics with n >= 10 only)."""

import streamlit as st

from jianfu.display import format
from jianfu.display.i18n import t
from jianfu.metrics import topics
from jianfu.ui import components, filter_bar
from jianfu.ui import topics_view as view
from jianfu.ui.export_buttons import show_table

components.page_header("page.hot_topics", "topics.intro")
components.require_warehouse()
filters = filter_bar.render()
result = view.analysis(filters)
st.caption(t("topics.month", month=format.month(result.month)))
if result.requests == 0:
    components.empty_state("topics.no_requests")
    st.stop()

top = topics.top_topics(result.monthly, result.month, view.TOP_SHOWN)
rising = view.rising(result)
candidates = view.candidates(rising)
repeats = view.repeats(filters)
month_repeats = topics.repeat_shares(repeats[repeats["month"] == result.month], "month")

cards = st.columns(4)
cards[0].metric(t("topics.requests"), format.count(result.requests))
cards[1].metric(
    t("topics.topics_found", n=topics.MIN_DOCS),
    format.count(int((top["docs"] >= topics.MIN_DOCS).sum()) if not top.empty else 0),
)
cards[2].metric(t("topics.candidates"), format.count(len(candidates)))
share = month_repeats["share"].iloc[0] if not month_repeats.empty else None
cards[3].metric(t("topics.repeat_share"), format.percent(share) if share is not None else format.DASH)

left, right = st.columns([3, 2])
with left:
    components.show_chart(view.top_chart(top, rising), key="topics_top")
with right:
    st.subheader(t("topics.rising_title"))
    st.caption(
        t(
            "topics.rising_caption",
            months=topics.BASELINE_MONTHS,
            ratio=topics.RISING_RATIO,
            n=topics.MIN_DOCS,
            alpha=topics.RISING_ALPHA,
        )
    )
    if not candidates:
        st.info(t("topics.no_rising"), icon=":material/trending_flat:")
    for candidate in candidates:
        st.markdown(
            ":material/trending_up: "
            + t(
                "topics.candidate_line",
                category=candidate["category"],
                terms=candidate["terms"],
                docs=format.count(candidate["docs"]),
                share=format.percent(candidate["share"]),
                months=topics.BASELINE_MONTHS,
                baseline=format.percent(candidate["baseline"]),
            )
        )

st.subheader(t("topics.repeats_title"))
st.caption(t("topics.repeats_caption"))
left, right = st.columns(2)
with left:
    components.show_chart(view.repeat_month_chart(repeats), key="topics_repeats_month")
with right:
    st.markdown(f"**{t('topics.repeats_by_street')}**")
    table, small = view.street_table(repeats, result.month)
    show_table(
        table,
        key="topics_repeats_street",
        name=t("topics.repeats_by_street"),
        labels="topics.column",
        percent=["share"],
        filters=filters,
    )
    if small:
        st.caption(t("topics.small_street", n=format.rank_below_n()) + " " + "、".join(small))

st.subheader(t("topics.excerpts_title"))
st.caption(t("topics.excerpts_caption", n=topics.MIN_EXCERPT_DOCS))
shown = view.excerpts(result, top)
if not shown:
    st.info(t("topics.no_excerpts", n=topics.MIN_EXCERPT_DOCS), icon=":material/visibility_off:")
for term, lines in shown.items():
    with st.expander(term):
        for line in lines:
            st.text(line)
