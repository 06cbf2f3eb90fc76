"""The ranking page's pieces: the league table with rank and change, 红榜/黑榜, and the three rates' funnel plots
(the fair view of the same numbers: a small unit's rate swings more, and the limits say how much is noise)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from jianfu import kpi_frames
from jianfu.display import charts, format
from jianfu.display.i18n import current_lang, t
from jianfu.metrics import league as league_rules
from jianfu.ui import components, data

RATE_COLUMNS = [*league_rules.RATES, "on_time_rate"]


def unit_labels(level: str) -> dict:
    """Display names of the units: grids by their name, the other levels as the data writes them."""
    return dict(data.filter_options().grids) if level == "grid_id" else {}


def table(result, labels: dict) -> pd.DataFrame:
    """The league as shown and exported: rank, change, unit, n, the three rates, composite (two decimals, the
    precision ties are judged on), on-time, 差评 per 1,000 and the list it is on."""
    frame = result.table
    lists = {"red": t("ranking.red"), "black": t("ranking.black")}
    return pd.DataFrame(
        {
            "rank": frame["rank"],
            "rank_change": [league_rules.change_text(c, format.DASH) for c in frame["rank_change"]],
            "unit": [labels.get(u, u) for u in frame["unit"]],
            "n": frame["n"],
            **{kpi_id: frame[kpi_id].astype(float) for kpi_id in league_rules.KPIS},
            "composite": [format.DASH if pd.isna(c) else f"{c:.2f}" for c in frame["composite"]],
            "list": [lists.get(v, "") if isinstance(v, str) else "" for v in frame["list"]],
        }
    )


def lists(result, labels: dict) -> None:
    """红榜 and 黑榜 side by side, each unit with its rank and composite."""
    if not result.top and not result.bottom:
        st.caption(t("ranking.no_lists"))
        return
    by_unit = result.table.set_index("unit")
    for column, key, units, colour in zip(
        st.columns(2), ("ranking.red", "ranking.black"), (result.top, result.bottom), ("red", "gray")
    ):
        with column.container(border=True):
            st.markdown(f"**:{colour}[{t(key)}]**")
            for unit in units:
                row = by_unit.loc[unit]
                line = t(
                    "ranking.list_line",
                    rank=int(row["rank"]),
                    unit=labels.get(unit, unit),
                    score=f"{row['composite']:.2f}",
                )
                st.markdown(f"- {line}")


def funnels(result, labels: dict, catalogue) -> None:
    """One funnel plot per rate, in tabs; units too small to rank are left out (not ranked, not coloured)."""
    lang = current_lang()
    tabs = st.tabs([catalogue[kpi_id].label(lang) for kpi_id in RATE_COLUMNS])
    for tab, kpi_id in zip(tabs, RATE_COLUMNS):
        with tab:
            frame = result.frames.get(kpi_id)
            rankable = frame[~frame["not_rankable"].astype(bool)] if frame is not None and not frame.empty else None
            points = (
                kpi_frames.funnel_points(rankable, labels, bounds=(0, 1)) if rankable is not None else pd.DataFrame()
            )
            if points.empty:
                st.caption(t("common.empty_filters"))
                continue
            title = t("ranking.funnel_title", kpi=catalogue[kpi_id].label(lang))
            figure = charts.funnel_plot(
                points, title, t("ranking.funnel_x"), catalogue[kpi_id].label(lang), tickformat=".0%"
            )
            components.show_chart(figure, key=f"ranking_funnel_{kpi_id}")
    st.caption(t("ranking.funnel_caption", n=format.rank_below_n()))
