"""Two figure builders for flows (a waterfall of changes, a stage funnel), in the style of `charts`: they only
draw frames that already hold every number, with colours from `palette`. Pages show them with `components.show_chart`."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from jianfu.display import palette
from jianfu.display.charts import _layout


def waterfall(
    frame: pd.DataFrame, step: str, value: str, step_labels: dict[str, str], title: str, y_label: str, height: int = 340
) -> go.Figure:
    """First and last rows are levels (drawn from zero), the rows between are signed changes. Rows whose value
    is missing are left out (a step that does not apply)."""
    rows = frame[frame[value].notna()]
    measures = ["absolute" if i in (0, len(rows) - 1) else "relative" for i in range(len(rows))]
    fig = go.Figure(
        go.Waterfall(
            x=[step_labels.get(s, s) for s in rows[step]],
            y=rows[value],
            measure=measures,
            increasing=dict(marker=dict(color=palette.bad())),
            decreasing=dict(marker=dict(color=palette.good())),
            totals=dict(marker=dict(color=palette.neutral())),
            connector=dict(line=dict(color=palette.neutral())),
        )
    )
    fig.update_yaxes(title_text=y_label)
    fig.update_xaxes(type="category")
    return _layout(fig, title, height, showlegend=False)


def stage_funnel(
    frame: pd.DataFrame, stage: str, value: str, stage_labels: dict[str, str], title: str | None, height: int = 340
) -> go.Figure:
    """How many items reached each stage, widest first, with the share of the first stage."""
    fig = go.Figure(
        go.Funnel(
            y=[stage_labels.get(s, s) for s in frame[stage]],
            x=frame[value],
            textinfo="value+percent initial",
            marker=dict(color=palette.primary()),
        )
    )
    return _layout(fig, title, height, showlegend=False)
