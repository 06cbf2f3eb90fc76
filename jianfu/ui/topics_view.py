"""The hot-topics page's pieces: the month analysed, the terms per month (segmented once per warehouse version and
filters), the top and rising topics, repeat requests by month and street, masked excerpts. The request text stays
in here: what the page draws are counts and topics.excerpts()."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from jianfu import warehouse
from jianfu.display import charts, format
from jianfu.display.i18n import t
from jianfu.metrics import topics
from jianfu.metrics.filters import add_months
from jianfu.ui import data

TOP_SHOWN = 10
EXCERPT_TOPICS = 3  # the top topics whose excerpts are shown
HISTORY_MONTHS = 12  # the repeat-share chart's months


@dataclass(frozen=True)
class Analysis:
    month: date  # first day of the month analysed
    requests: int  # requests that month
    monthly: pd.DataFrame  # topics.monthly_terms over the month and its baseline
    texts: tuple[str, ...]  # the month's (scrubbed) texts, for excerpts only


def analysed_month(filters) -> date:
    """The month holding the window's end: a month preset analyses that month, a longer window its last one."""
    return filters.end.replace(day=1)


def _window(filters, first: date, month: date):
    return filters.with_window(first, add_months(month, 1) - timedelta(days=1))


def analysis(filters) -> Analysis:
    month = analysed_month(filters)
    window = data.scoped(_window(filters, add_months(month, -topics.BASELINE_MONTHS), month))
    return _analysis(warehouse.version_key(), window, month)


@st.cache_data(show_spinner=False, max_entries=64)
def _analysis(version: str, window, month: date) -> Analysis:
    rows = data.query("page_topics_requests", window)
    mine = rows[rows["month"] == month]
    return Analysis(month, len(mine), topics.monthly_terms(rows), tuple(mine["request_text"]))


def repeats(filters) -> pd.DataFrame:
    """Repeat requests per (month, street) over the HISTORY_MONTHS up to the month analysed."""
    month = analysed_month(filters)
    return data.query("page_topics_repeats", _window(filters, add_months(month, 1 - HISTORY_MONTHS), month))


def rising(result: Analysis) -> pd.DataFrame:
    return topics.rising_topics(result.monthly, result.month)


def candidates(rising_terms: pd.DataFrame) -> list[dict]:
    """每月一题 candidates: the rising terms grouped by category, strongest category first (its best term's
    requests), each with its terms in order of requests."""
    found = []
    for category, part in rising_terms.groupby("matter", sort=False):
        part = part.sort_values(["docs", "term"], ascending=[False, True])
        best = part.iloc[0]
        found.append(
            {
                "category": category or t("common.unknown"),
                "terms": "、".join(part["term"].head(5)),
                "docs": int(best["docs"]),
                "share": float(best["share"]),
                "baseline": float(best["baseline_share"]),
            }
        )
    return sorted(found, key=lambda c: -c["docs"])


def top_chart(top: pd.DataFrame, rising_terms: pd.DataFrame):
    frame = top.assign(
        kind=[
            t("topics.candidate_badge") if term in set(rising_terms["term"]) else t("topics.other_topic")
            for term in top["term"]
        ]
    )
    return charts.bars(
        frame,
        "term",
        "docs",
        t("topics.top_title", n=TOP_SHOWN),
        color="kind",
        horizontal=True,
        sort=True,
    )


def repeat_month_chart(frame: pd.DataFrame):
    by_month = topics.repeat_shares(frame, "month")
    by_month["label"] = [format.month(m) for m in by_month["month"]]
    return charts.bars(
        by_month, "label", "share", t("topics.repeats_by_month"), y_label=t("topics.share_axis"), tickformat=".0%"
    )


def street_table(frame: pd.DataFrame, month: date) -> tuple[pd.DataFrame, list[str]]:
    """This month's repeat share per street: compared streets (≥ rank_below_n requests) by share, largest
    first, then the small ones by name; and the names of the small ones."""
    mine = frame[pd.to_datetime(frame["month"]).dt.date == month]
    by_street = topics.repeat_shares(mine.fillna({"street": t("topics.unknown_street")}), "street")
    small = by_street["requests"] < format.rank_below_n()
    ordered = pd.concat([by_street[~small].sort_values(["share", "street"], ascending=[False, True]), by_street[small]])
    # a share of fewer than suppress_below_n requests is not shown (a gap, "—")
    shares = ordered["share"].where(ordered["requests"] >= format.suppress_below_n())
    shown = ordered.assign(share=shares)[["street", "requests", "repeats", "share"]].reset_index(drop=True)
    return shown, by_street.loc[small, "street"].tolist()


def excerpts(result: Analysis, top: pd.DataFrame) -> dict[str, list[str]]:
    """Masked excerpts of the top topics that reach topics.MIN_EXCERPT_DOCS requests."""
    found = {}
    for term in top["term"].head(EXCERPT_TOPICS):
        shown = topics.excerpts(result.texts, term)
        if shown:
            found[term] = shown
    return found
