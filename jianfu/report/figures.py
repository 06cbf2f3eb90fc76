"""The report's charts: the dashboard's figure builders (`jianfu.display.charts`) fed the engine's series, then set
up for paper (fixed size, white background, the CJK font, labels from the report strings)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from jianfu.display import charts
from jianfu.display import format as fmt
from jianfu.display.i18n import t
from jianfu.report.content import CHARTS, Report

FONT = "Noto Sans CJK SC, Noto Sans CJK, Noto Sans, sans-serif"
WIDTH_PX, HEIGHT_PX = 680, 250  # the A4 text width at 96 dpi


def _tickformat(unit: str) -> str:
    return ".0%" if unit in fmt.PROPORTION_UNITS else ",~g"  # 10,000 rather than plotly's SI "10k"


def _for_paper(fig: go.Figure, lang: str) -> go.Figure:
    names = {
        "MEAN": t("report.chart.mean", lang),
        "UCL": t("report.chart.ucl", lang),
        "LCL": t("report.chart.lcl", lang),
        "signal": t("report.chart.signal", lang),
    }
    fig.for_each_trace(lambda trace: trace.update(name=names.get(trace.name, trace.name)))
    fig.update_layout(
        template="plotly_white",
        width=WIDTH_PX,
        height=HEIGHT_PX,
        title=None,
        font=dict(family=FONT, size=11),
        margin=dict(l=50, r=10, t=10, b=40),
        legend=dict(orientation="h", y=-0.2, x=0),
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    return fig


def chart_figure(report: Report, key: str) -> go.Figure | None:
    """The figure for one of content.CHARTS, or None when the engine has no value to draw."""
    chart = next(c for c in CHARTS if c.key == key)
    series = report.charts.get(key)
    if series is None or series["value"].dropna().empty:
        return None
    kpi = report.catalogue[chart.kpi_id]
    label = kpi.label(report.lang)
    if chart.style == "control":
        fig = charts.control_chart(series, title="", value_label=label, tickformat=_tickformat(kpi.unit))
    else:
        frame = pd.DataFrame({"period": pd.to_datetime(series["period_start"]), "value": series["value"].astype(float)})
        fig = charts.bars(frame, "period", "value", title="", y_label=label, tickformat=_tickformat(kpi.unit))
    # Plotly's own date ticks are English ("Jan 2025"): months are written the report's way instead.
    fig.update_xaxes(type="date", tickformat=t("report.chart.month_ticks", report.lang))
    return _for_paper(fig, report.lang)


def figures_json(report: Report) -> list[tuple[str, str, str]]:
    """(chart key, dom id, plotly JSON) for every chart that has data, in report order."""
    out = []
    for chart in CHARTS:
        fig = chart_figure(report, chart.key)
        if fig is not None:
            out.append((chart.key, f"chart-{chart.key}", pio.to_json(fig, validate=False)))
    return out
