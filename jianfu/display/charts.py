"""Plotly figure builders. They take tidy frames that already hold every number (from the engine or a page
query) and only draw: no aggregation here, and no Streamlit (the report draws them on paper). Colours come from
`palette`; fonts and backgrounds from the Streamlit theme when a page shows them (`components.show_chart`)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from jianfu.display import palette
from jianfu.display.i18n import t

_MARGIN = dict(l=8, r=8, t=40, b=8)


def _layout(fig: go.Figure, title: str | None, height: int, **extra) -> go.Figure:
    fig.update_layout(
        title=title, height=height, margin=_MARGIN, legend_title_text="", legend=dict(orientation="h", y=-0.15), **extra
    )
    return fig


RATE_FORMAT = ".0%"


def single_bar(frame: pd.DataFrame, x: str, color: str | None = None) -> bool:
    """True when a bar chart would hold one bar only: the page shows the number instead (st.metric)."""
    return frame[x].nunique() <= 1 and (color is None or frame[color].nunique() <= 1)


def _rate_range(values: list[pd.Series]) -> list[float]:
    """A rate axis that never passes 100% (or 0%): the data's span with a little room, clipped to [0, 1]."""
    numbers = pd.concat([pd.to_numeric(v, errors="coerce") for v in values]).dropna()
    if numbers.empty:
        return [0.0, 1.0]
    pad = max((numbers.max() - numbers.min()) * 0.1, 0.01)
    return [max(0.0, float(numbers.min()) - pad), min(1.0, float(numbers.max()) + pad)]


def control_chart(
    series: pd.DataFrame, title: str, value_label: str, tickformat: str | None = None, height: int = 320
) -> go.Figure:
    """XmR chart: the KPI per period, its mean and natural process limits, signal points marked.
    `series` is the engine's `kpi_series` frame (period_start, value, mean, ucl, lcl, signal)."""
    fig = go.Figure()
    fig.add_scatter(
        x=series["period_start"],
        y=series["value"],
        mode="lines+markers",
        name=value_label,
        line=dict(color=palette.primary()),
    )
    for column, dash in (("mean", "solid"), ("ucl", "dash"), ("lcl", "dash")):
        if column in series and series[column].notna().any():
            fig.add_scatter(
                x=series["period_start"],
                y=series[column],
                mode="lines",
                name=t(f"chart.{column}"),
                line=dict(color=palette.neutral(), dash=dash, width=1),
                hoverinfo="skip",
            )
    if "signal" in series:
        flagged = series[series["signal"].fillna(False).astype(bool)]
        if not flagged.empty:
            fig.add_scatter(
                x=flagged["period_start"],
                y=flagged["value"],
                mode="markers",
                name=t("chart.signal"),
                marker=dict(color=palette.bad(), size=11, symbol="circle-open", line=dict(width=2)),
            )
    fig.update_xaxes(tickformat="%Y-%m")
    fig.update_yaxes(tickformat=tickformat)
    if tickformat and tickformat.endswith("%"):
        fig.update_yaxes(range=_rate_range([series[c] for c in ("value", "mean", "ucl", "lcl") if c in series]))
    return _layout(fig, title, height)


def diverging_ratings(
    frame: pd.DataFrame, group: str, level_names: dict[int, str], title: str, height: int = 360
) -> go.Figure:
    """好差评 as a diverging stacked bar: bad levels left of zero, good levels right, the middle level split
    across zero. `frame` has columns [group, rating (1–5), share] with shares summing to 1 per group."""
    wide = frame.pivot_table(index=group, columns="rating", values="share", aggfunc="sum").fillna(0.0)
    wide = wide.reindex(columns=[1, 2, 3, 4, 5], fill_value=0.0)
    colours = palette.rating_levels()
    fig = go.Figure()
    # Left side, drawn from the middle outward so 基本满意's half sits next to zero.
    for level in (3, 2, 1):
        share = wide[level] / (2 if level == 3 else 1)
        fig.add_bar(
            y=wide.index.astype(str),
            x=-share,
            orientation="h",
            name=level_names[level],
            marker_color=colours[level],
            customdata=wide[level],
            showlegend=level != 3,
            legendrank=level,
            hovertemplate="%{y}: %{customdata:.1%}<extra>" + level_names[level] + "</extra>",
        )
    for level in (3, 4, 5):
        share = wide[level] / (2 if level == 3 else 1)
        fig.add_bar(
            y=wide.index.astype(str),
            x=share,
            orientation="h",
            name=level_names[level],
            marker_color=colours[level],
            customdata=wide[level],
            legendrank=level,
            hovertemplate="%{y}: %{customdata:.1%}<extra>" + level_names[level] + "</extra>",
        )
    fig.update_xaxes(tickformat=".0%", zeroline=True)
    fig.update_yaxes(autorange="reversed", type="category")
    return _layout(fig, title, height, barmode="relative")


def funnel_plot(
    frame: pd.DataFrame, title: str, x_label: str, y_label: str, tickformat: str | None = None, height: int = 380
) -> go.Figure:
    """Groups as points (value vs n) inside control limits that narrow as n grows: a fair comparison instead of
    a league table. `frame` has group, label, value, n, centre, lo95, hi95, lo998, hi998 (limits at each n)."""
    ordered = frame.sort_values("n")
    fig = go.Figure()
    for low, high, dash, name in (
        ("lo95", "hi95", "dot", t("chart.limit_95")),
        ("lo998", "hi998", "dash", t("chart.limit_998")),
    ):
        for column in (low, high):
            fig.add_scatter(
                x=ordered["n"],
                y=ordered[column],
                mode="lines",
                name=name,
                showlegend=column == low,
                legendgroup=name,
                hoverinfo="skip",
                line=dict(color=palette.neutral(), dash=dash, width=1, shape="spline"),
            )
    fig.add_scatter(
        x=ordered["n"],
        y=ordered["centre"],
        mode="lines",
        name="—",
        showlegend=False,
        line=dict(color=palette.neutral(), width=1),
        hoverinfo="skip",
    )
    outside = (ordered["value"] < ordered["lo998"]) | (ordered["value"] > ordered["hi998"])
    # Only the groups that stand out are named on the chart; every point names itself on hover.
    noted = (ordered["value"] < ordered["lo95"]) | (ordered["value"] > ordered["hi95"])
    fig.add_scatter(
        x=ordered["n"],
        y=ordered["value"],
        mode="markers+text",
        text=[label if n else "" for label, n in zip(ordered["label"], noted)],
        hovertext=ordered["label"],
        hoverinfo="text+y",
        textposition="top center",
        name=y_label,
        showlegend=False,
        marker=dict(size=10, color=[palette.bad() if o else palette.primary() for o in outside]),
    )
    fig.update_xaxes(title_text=x_label)
    fig.update_yaxes(title_text=y_label, tickformat=tickformat)
    if tickformat and tickformat.endswith("%"):
        fig.update_yaxes(range=_rate_range([ordered[c] for c in ("value", "lo998", "hi998")]))
    return _layout(fig, title, height)


def bars(
    frame: pd.DataFrame,
    x: str,
    y: str,
    title: str,
    color: str | None = None,
    y_label: str | None = None,
    tickformat: str | None = None,
    horizontal: bool = False,
    stacked: bool = True,
    height: int | None = None,
    rate: bool = False,
    sort: bool = False,
    drill: list[str] | None = None,
) -> go.Figure:
    """Bars by category, optionally split by `color` (stacked or grouped). Categories are sorted by their total,
    largest first (top of a horizontal chart), when `sort` (never for ordered bands such as ages or months).
    A `rate` axis runs from 0 to 100%. `drill` names the columns (kpi_id, split, group code) each bar carries as customdata,
    so a click can open its rows (drill_view.bar_rows). A horizontal chart grows with its categories and keeps
    its labels whole (automargin)."""
    fig = go.Figure()
    colours = palette.categorical()
    categories = list(dict.fromkeys(frame[x]))
    if sort:
        totals = frame.groupby(x, sort=False)[y].sum()
        categories = sorted(categories, key=lambda c: -float(totals.get(c, 0) or 0))
    groups = [(None, frame)] if color is None else list(frame.groupby(color, sort=False))
    for i, (name, part) in enumerate(groups):
        xs, ys = (part[y], part[x]) if horizontal else (part[x], part[y])
        fig.add_bar(
            x=xs,
            y=ys,
            name=str(name) if name is not None else y_label or y,
            orientation="h" if horizontal else "v",
            marker_color=colours[i % len(colours)],
            customdata=part[drill].to_numpy() if drill else None,
        )
    value_axis = fig.update_xaxes if horizontal else fig.update_yaxes
    value_axis(title_text=y_label, tickformat=RATE_FORMAT if rate and not tickformat else tickformat)
    if rate:
        value_axis(range=[0, 1])
    category_axis = fig.update_yaxes if horizontal else fig.update_xaxes
    category_axis(type="category", categoryorder="array", categoryarray=[str(c) for c in categories], automargin=True)
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    height = height or (max(240, 90 + 28 * len(categories)) if horizontal else 340)
    return _layout(fig, title, height, barmode="stack" if stacked else "group", showlegend=color is not None)


def quadrant(frame: pd.DataFrame, title: str, x_label: str, y_label: str, height: int = 380) -> go.Figure:
    """Key-driver quadrant: importance (x) × performance (y) per dimension, split at the means. Bottom-right
    (important, performing poorly) is where effort pays."""
    fig = go.Figure(
        go.Scatter(
            x=frame["importance"],
            y=frame["performance"],
            mode="markers+text",
            text=frame["label"],
            textposition="top center",
            marker=dict(size=12, color=palette.primary()),
        )
    )
    fig.add_vline(x=frame["importance"].mean(), line=dict(color=palette.neutral(), dash="dot", width=1))
    fig.add_hline(y=frame["performance"].mean(), line=dict(color=palette.neutral(), dash="dot", width=1))
    fig.update_xaxes(title_text=x_label, tickformat=".0%")
    fig.update_yaxes(title_text=y_label)
    return _layout(fig, title, height, showlegend=False)
