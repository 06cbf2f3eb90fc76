"""The metric catalogue page's pieces: search, the summary table and one KPI's full definition."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from jianfu.display import format
from jianfu.display.i18n import code_label, t
from jianfu.ui import data

PILLARS = ("gov", "resident", "micro", "record_keeping", "composite")


def select(kpis: list, search: str, pillars: list[str] | None, lang: str) -> list:
    """KPIs of the chosen pillars whose id, label or description contains the search text."""
    needle = (search or "").strip().lower()
    return [
        k
        for k in kpis
        if (not pillars or k.pillar in pillars)
        and (not needle or needle in f"{k.id} {k.label(lang)} {k.description(lang)}".lower())
    ]


def _target(kpi, lang: str) -> str:
    if kpi.target_source == "policy":
        return format.value(kpi.target, kpi.unit, lang=lang)
    return t("catalogue.no_target" if kpi.target_source == "baseline" else "catalogue.no_reference", lang)


def summary(kpis: list, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("catalogue.col_label", lang): [k.label(lang) for k in kpis],
            t("catalogue.col_id", lang): [k.id for k in kpis],
            t("catalogue.pillar", lang): [code_label("pillar", k.pillar, lang) for k in kpis],
            t("catalogue.unit", lang): [t(f"catalogue.unit_{k.unit}", lang) for k in kpis],
            t("catalogue.direction", lang): [t(f"catalogue.direction_{k.direction}", lang) for k in kpis],
            t("catalogue.target", lang): [_target(k, lang) for k in kpis],
        }
    )


def _formula(kpi, lang: str) -> str:
    return getattr(kpi, f"formula_{lang}", None) or kpi.formula_zh


def definition(kpi, lang: str) -> None:
    """Description, formula, unit, direction, target with its source, inputs and the query's SQL text."""
    st.markdown(kpi.description(lang))
    left, right = st.columns(2)
    left.markdown(f"**{t('catalogue.formula', lang)}**  \n{_formula(kpi, lang)}")
    target = _target(kpi, lang)
    if kpi.target_source == "policy":
        target = f"{target} ({t('catalogue.target_source_policy', lang)})"
    right.markdown(
        "  \n".join(
            [
                f"**{t('catalogue.unit', lang)}**: {t(f'catalogue.unit_{kpi.unit}', lang)}",
                f"**{t('catalogue.direction', lang)}**: {t(f'catalogue.direction_{kpi.direction}', lang)}",
                f"**{t('catalogue.target', lang)}**: {target}",
                f"**{t('catalogue.inputs', lang)}**: {', '.join(f'`{i}`' for i in kpi.inputs) or format.DASH}",
            ]
        )
    )
    if kpi.query_name:
        st.caption(t("catalogue.sql_file", lang, file=kpi.query))
        st.code(data.sql_text(kpi.query_name), language="sql")
