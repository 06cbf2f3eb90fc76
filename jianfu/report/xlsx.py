"""The report as an Excel workbook: the same numbers as the PDF, unformatted (fractions stay fractions), so an
analyst can check and reuse them. Written by `jianfu.export.to_xlsx`: its first sheet names the filters, the
data-as-of date and the KPI definitions; text cells are formula-neutralised.

Suppressed values (the engine's n < 10 rule) are the text "n<10" and their row carries no other number.
"""
from __future__ import annotations

import pandas as pd

from jianfu.export import to_xlsx
from jianfu.report.content import CHARTS, Report
from jianfu.ui import format as fmt
from jianfu.ui.i18n import code_label, t

KPI_NUMBERS = ("value", "numerator", "denominator", "n", "ci_low", "ci_high", "previous", "last_year",
               "reference", "score")


def _h(report: Report, key: str) -> str:
    return t(f"report.xlsx.{key}", report.lang)


def _scores(report: Report) -> pd.DataFrame:
    rows = [{"key": s.key,
             _h(report, "pillar"): t("report.scores.overall", report.lang) if s.key == "overall"
             else code_label("pillar", s.key, report.lang),
             _h(report, "score"): s.score, _h(report, "previous"): s.previous, _h(report, "last_year"): s.last_year}
            for s in report.scores]
    return pd.DataFrame(rows)


def _kpis(report: Report) -> pd.DataFrame:
    rows = []
    for line in report.kpis:
        r = line.result
        numbers = {name: getattr(r, name) for name in KPI_NUMBERS}
        if line.suppressed:
            numbers = {name: None for name in KPI_NUMBERS} | {"value": fmt.suppressed_text()}
        rows.append({"kpi_id": line.kpi.id, _h(report, "kpi"): line.kpi.label(report.lang),
                     _h(report, "unit"): line.kpi.unit,
                     **{_h(report, name): value for name, value in numbers.items()},
                     _h(report, "signal_rule"): line.signal_rule if line.signal else "",
                     _h(report, "off_target"): line.off_target, _h(report, "sentence"): line.sentence})
    return pd.DataFrame(rows)


def _trends(report: Report) -> pd.DataFrame:
    parts = []
    for chart in CHARTS:
        series = report.charts.get(chart.key)
        if series is None or series.empty:
            continue
        shown = series[["period_start", "period_end", "value", "n", "mean", "ucl", "lcl", "signal",
                        "suppressed", "partial"]].copy().astype(object)
        hidden = shown["suppressed"].astype(bool)
        shown.loc[hidden, "value"] = fmt.suppressed_text()
        shown.loc[hidden, "n"] = None
        shown.insert(0, "kpi_id", chart.kpi_id)
        shown.insert(0, "chart", chart.key)
        parts.append(shown.drop(columns=["suppressed"]))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    headers = {c: _h(report, "period_value" if c == "value" else c) for c in frame.columns
               if c not in ("chart", "kpi_id")}
    return frame.rename(columns=headers)


def _grids(report: Report) -> pd.DataFrame:
    frame = report.grids[["grid_id", "name", "kpi_id", "value", "numerator", "denominator", "n",
                          "suppressed"]].copy().astype(object)
    hidden = frame["suppressed"].astype(bool)
    frame.loc[hidden, ["numerator", "denominator", "n"]] = None
    frame.loc[hidden, "value"] = fmt.suppressed_text()
    frame.insert(3, "kpi", [report.catalogue[k].label(report.lang) for k in frame["kpi_id"]])
    frame = frame.drop(columns=["suppressed"])
    return frame.rename(columns={c: _h(report, c) for c in ("name", "kpi", "value", "numerator", "denominator", "n")})


def _overdue(report: Report) -> pd.DataFrame:
    columns = ["eval_id", "case_id", "rated_at", "rating", "source", "service_line", "grid_id", "team",
               "rectify_due_at", "rectified_at", "callback_at", "rectify_overdue", "callback_overdue",
               "days_past_due"]
    frame = report.overdue[[c for c in columns if c in report.overdue.columns]]
    return frame.rename(columns={c: _h(report, c) for c in frame.columns if c not in ("eval_id", "case_id")})


def _sources(report: Report) -> pd.DataFrame:
    return report.sources.rename(columns={c: _h(report, c) for c in report.sources.columns if c != "import_id"})


def render_xlsx(report: Report) -> bytes:
    frames = {
        _h(report, "sheet_scores"): _scores(report),
        _h(report, "sheet_kpis"): _kpis(report),
        _h(report, "sheet_trends"): _trends(report),
        _h(report, "sheet_grids"): _grids(report),
        _h(report, "sheet_overdue"): _overdue(report),
        _h(report, "sheet_sources"): _sources(report),
    }
    kpis = [report.catalogue["city_score"], *[line.kpi for line in report.kpis]]
    return to_xlsx(frames, filters=report.filters, as_of=report.data_as_of, kpis=kpis, lang=report.lang)
