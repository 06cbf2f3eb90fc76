"""指标说明 Metric catalogue: every KPI's definition, formula, SQL, unit, direction, target and inputs."""

import streamlit as st

from jianfu.display.i18n import code_formatter, current_lang, t
from jianfu.ui import catalogue_view, components, data

components.page_header("page.catalogue", "catalogue.intro")
kpis = list(data.catalogue().values())
lang = current_lang()

search_col, pillar_col = st.columns([2, 3])
search = search_col.text_input(t("catalogue.search"), key="catalogue_search", placeholder=t("catalogue.search_hint"))
pillars = pillar_col.pills(
    t("catalogue.pillar"),
    catalogue_view.PILLARS,
    key="catalogue_pillar",
    selection_mode="multi",
    format_func=code_formatter("pillar"),
)
shown = catalogue_view.select(kpis, search, pillars, lang)

st.dataframe(
    catalogue_view.summary(shown, lang), key="catalogue_table", hide_index=True, width="stretch", on_select="ignore"
)
if not shown:
    components.empty_state("catalogue.no_match")
for kpi in shown:
    with st.expander(f"{kpi.label(lang)} · `{kpi.id}`"):
        catalogue_view.definition(kpi, lang)
