"""The satisfaction page's pieces: charts and tables built from engine results and page queries."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from jianfu.display import charts, format
from jianfu.display.i18n import code_label, current_lang, t
from jianfu.metrics import Filters
from jianfu.metrics.filters import add_months
from jianfu.ui import components, data

RATING_LEVELS = (1, 2, 3, 4, 5)
COMMENTS_SHOWN = 50  # the latest ones; the query counts all that match


def ratings_filters(filters: Filters, by: str) -> Filters:
    """By month the chart shows the twelve months up to the window's end (one month alone is one bar)."""
    if by != "month":
        return filters
    start = add_months(filters.end.replace(day=1), -11)
    return filters.with_window(min(start, filters.start), filters.end)


def ratings_chart(frame: pd.DataFrame, by: str):
    labelled = frame if by == "month" else components.with_labels(frame, {"group_key": "eval_source"})
    names = {level: code_label("rating", level) for level in RATING_LEVELS}
    return charts.diverging_ratings(labelled, "group_key", names, t("satisfaction.ratings_chart"))


def overdue_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The overdue 差评 with labelled codes and dates; ids are system case/rating numbers, no personal data."""
    grids = data.filter_options().grids
    lang = current_lang()
    return pd.DataFrame(
        {
            t("satisfaction.col_eval_id"): frame["eval_id"],
            t("satisfaction.col_case_id"): frame["case_id"],
            t("satisfaction.col_rated_at"): [format.day(d, lang) for d in frame["rated_at"]],
            t("satisfaction.col_rating"): [code_label("rating", r) for r in frame["rating"]],
            t("filter.line"): [code_label("service_line", c) for c in frame["service_line"]],
            t("filter.grid"): [grids.get(g, g) if isinstance(g, str) else format.DASH for g in frame["grid_id"]],
            t("satisfaction.col_rectify_due"): [
                format.day(d, lang) if pd.notna(d) else format.DASH for d in frame["rectify_due_at"]
            ],
            t("satisfaction.col_missing"): [
                _missing_steps(r, c) for r, c in zip(frame["rectify_overdue"], frame["callback_overdue"])
            ],
            t("satisfaction.col_days_past_due"): frame["days_past_due"],
        }
    )


def _missing_steps(rectify: bool, callback: bool) -> str:
    steps = [t("satisfaction.step_rectify")] * bool(rectify) + [t("satisfaction.step_callback")] * bool(callback)
    return " · ".join(steps)


def funnel_chart(by_grid: pd.DataFrame):
    """Survey index per grid (value vs effective n) inside the engine's funnel limits."""
    grids = data.filter_options().grids
    shown = by_grid.dropna(subset=["value", "lo95"]).copy()
    shown["label"] = [grids.get(g, g) for g in shown["group"]]
    shown["n"] = shown["effective_n"].fillna(shown["n"])
    shown = shown.rename(columns={"funnel_centre": "centre"})
    return charts.funnel_plot(
        shown, t("satisfaction.funnel_chart"), t("satisfaction.effective_n"), t("satisfaction.index_axis")
    )


def _dimension_labels(frame: pd.DataFrame) -> dict[str, str]:
    return dict(zip(frame["dimension"], frame["dimension"] if current_lang() == "zh" else frame["label_en"]))


def dimensions_chart(frame: pd.DataFrame):
    labelled = frame.assign(dimension=frame["dimension"].map(_dimension_labels(frame)))
    return charts.bars(
        labelled,
        "dimension",
        "performance",
        t("satisfaction.dimensions_chart"),
        horizontal=True,
        y_label=t("satisfaction.index_axis"),
    )


def drivers(filters: Filters, dimensions: pd.DataFrame) -> pd.DataFrame | None:
    """The engine's relative-weights drivers (importance, performance per dimension), labelled; None when the
    window has too few complete responses for the model."""
    result = data.kpis(filters, ["driver_importance"]).get("driver_importance")
    rows = (result.detail or {}).get("dimensions") if result is not None else None
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    labels = _dimension_labels(dimensions) if not dimensions.empty else {}
    return frame.assign(label=[labels.get(d, d) for d in frame["dimension"]])


def drivers_chart(frame: pd.DataFrame):
    return charts.quadrant(
        frame, t("satisfaction.drivers_chart"), t("satisfaction.importance"), t("satisfaction.index_axis")
    )


def comments(frame: pd.DataFrame) -> None:
    """The latest scrubbed comments, only when at least `suppress_below_n` ratings/responses match the filters
    (so that a comment cannot point to one resident)."""
    matching = int(frame["matching_total"].iloc[0]) if not frame.empty else 0
    if matching < format.suppress_below_n():
        st.info(t("satisfaction.comments_hidden", n=format.suppress_below_n()), icon=":material/lock:")
        return
    lang = current_lang()
    st.caption(t("satisfaction.comments_caption", shown=len(frame), matching=format.count(matching)))
    st.dataframe(
        pd.DataFrame(
            {
                t("satisfaction.col_date"): [format.day(d, lang) for d in frame["said_at"]],
                t("satisfaction.col_origin"): [t(f"satisfaction.origin_{o}") for o in frame["origin"]],
                t("satisfaction.col_rating"): [
                    code_label("rating", int(r)) if pd.notna(r) else format.DASH for r in frame["rating"]
                ],
                t("satisfaction.col_comment"): frame["comment"],
            }
        ),
        key="satisfaction_comments",
        hide_index=True,
        width="stretch",
    )
