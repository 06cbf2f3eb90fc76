"""The report as an Excel workbook: the same numbers as the PDF at full precision (fractions stay fractions, shown
with a % format; other decimals rounded by the cell format), so an analyst can check and reuse them. Headers and
labels are in the report's language; internal codes (pillar keys, unit codes, chart keys) stay out; the KPI id
column is the one link to the definitions on the first sheet. Written by `jianfu.export.to_xlsx`: its first sheet names the filters, the
data-as-of date and the KPI definitions; text cells are formula-neutralised.

Suppressed values (the engine's n < 10 rule) are the text "n<10" and their row carries no other number.
"""

from __future__ import annotations

import pandas as pd

from jianfu.display import format as fmt
from jianfu.display.i18n import code_label, has, t
from jianfu.export import to_xlsx
from jianfu.metrics import league
from jianfu.report.content import CHARTS, Report

KPI_NUMBERS = (
    "value",
    "numerator",
    "denominator",
    "n",
    "ci_low",
    "ci_high",
    "previous",
    "last_year",
    "reference",
    "score",
)
# Columns that hold the KPI's own value: a rate where the KPI is a proportion (the % format goes by row).
KPI_VALUES = ("value", "ci_low", "ci_high", "previous", "last_year", "reference")
TREND_VALUES = ("value", "mean", "ucl", "lcl")
OVERDUE_CODES = {"source": "eval_source", "service_line": "service_line", "team": "team"}


def _h(report: Report, key: str) -> str:
    return t(f"report.xlsx.{key}", report.lang)


def _scores(report: Report) -> pd.DataFrame:
    rows = [
        {
            _h(report, "pillar"): t("report.scores.overall", report.lang)
            if s.key == "overall"
            else code_label("pillar", s.key, report.lang),
            _h(report, "score"): s.score,
            _h(report, "previous"): s.previous,
            _h(report, "last_year"): s.last_year,
        }
        for s in report.scores
    ]
    return pd.DataFrame(rows)


def _kpis(report: Report) -> pd.DataFrame:
    rows = []
    for line in report.kpis:
        r = line.result
        numbers = {name: getattr(r, name) for name in KPI_NUMBERS}
        if line.suppressed:
            numbers = {name: None for name in KPI_NUMBERS} | {"value": fmt.suppressed_text()}
        rows.append(
            {
                _kpi_id(report): line.kpi.id,
                _h(report, "kpi"): line.kpi.label(report.lang),
                _h(report, "unit"): code_label("unit", line.kpi.unit, report.lang),
                **{_h(report, name): value for name, value in numbers.items()},
                _h(report, "signal_rule"): line.signal_rule if line.signal else "",
                _h(report, "off_target"): line.off_target,
                _h(report, "sentence"): line.sentence,
            }
        )
    return pd.DataFrame(rows)


def _kpi_id(report: Report) -> str:
    return t("export.kpi_id", report.lang)


def _is_rate(report: Report, kpi_id: str) -> bool:
    return report.catalogue[kpi_id].unit in fmt.PROPORTION_UNITS


def _trends(report: Report) -> pd.DataFrame:
    parts = []
    for chart in CHARTS:
        series = report.charts.get(chart.key)
        if series is None or series.empty:
            continue
        shown = (
            series[
                ["period_start", "period_end", "value", "n", "mean", "ucl", "lcl", "signal", "suppressed", "partial"]
            ]
            .copy()
            .astype(object)
        )
        hidden = shown["suppressed"].astype(bool)
        shown.loc[hidden, "value"] = fmt.suppressed_text()
        shown.loc[hidden, "n"] = None
        shown.insert(0, "kpi", report.catalogue[chart.kpi_id].label(report.lang))
        shown.insert(0, "kpi_id", chart.kpi_id)
        parts.append(shown.drop(columns=["suppressed"]))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    headers = {
        c: _kpi_id(report) if c == "kpi_id" else _h(report, "period_value" if c == "value" else c)
        for c in frame.columns
    }
    return frame.rename(columns=headers)


def _grids(report: Report) -> pd.DataFrame:
    frame = (
        report.grids[["grid_id", "name", "kpi_id", "value", "numerator", "denominator", "n", "suppressed"]]
        .copy()
        .astype(object)
    )
    hidden = frame["suppressed"].astype(bool)
    frame.loc[hidden, ["numerator", "denominator", "n"]] = None
    frame.loc[hidden, "value"] = fmt.suppressed_text()
    frame.insert(3, "kpi", [report.catalogue[k].label(report.lang) for k in frame["kpi_id"]])
    frame = frame.drop(columns=["suppressed"])
    return frame.rename(
        columns={"kpi_id": _kpi_id(report)}
        | {c: _h(report, c) for c in ("grid_id", "name", "kpi", "value", "numerator", "denominator", "n")}
    )


def _overdue(report: Report) -> pd.DataFrame:
    columns = [
        "eval_id",
        "case_id",
        "rated_at",
        "rating",
        "source",
        "service_line",
        "grid_id",
        "team",
        "rectify_due_at",
        "rectified_at",
        "callback_at",
        "rectify_overdue",
        "callback_overdue",
        "days_past_due",
    ]
    frame = report.overdue[[c for c in columns if c in report.overdue.columns]].copy()
    for column, kind in OVERDUE_CODES.items():
        if column in frame.columns:
            frame[column] = frame[column].map(
                lambda code, kind=kind: None if pd.isna(code) else code_label(kind, code, report.lang)
            )
    return frame.rename(columns={c: _h(report, c) for c in frame.columns})


def _sources(report: Report) -> pd.DataFrame:
    frame = report.sources.copy()
    if "target" in frame.columns:  # the canonical table an export went to, by its name in the explorer
        frame["target"] = frame["target"].map(
            lambda name: t(f"explorer.table.{name}", report.lang) if has(f"explorer.table.{name}") else name
        )
    return frame.rename(columns={c: _h(report, c) for c in frame.columns})


RANKING_COLUMNS = (
    "rank",
    "rank_change",
    "previous_rank",
    "unit",
    "n",
    *league.RATES,
    "composite",
    *league.SHOWN,
    "list",
)


def _ranking(report: Report) -> pd.DataFrame:
    """The 排名 sheet: the league as the report's section shows it, with full precision and the previous rank."""
    result = report.ranking
    names = dict(zip(report.grids["grid_id"], report.grids["name"])) if result.level == "grid_id" else {}
    lists = {"red": t("ranking.red", report.lang), "black": t("ranking.black", report.lang)}
    frame = result.table.assign(
        unit=[names.get(u, u) for u in result.table["unit"]],
        rank_change=[league.change_text(c, "") for c in result.table["rank_change"]],
        composite=result.table["composite"].round(2),
        list=[lists.get(v, "") if isinstance(v, str) else "" for v in result.table["list"]],
    )[list(RANKING_COLUMNS)]
    return frame.rename(columns={c: t(f"ranking.column.{c}", report.lang) for c in RANKING_COLUMNS})


def _rate_rows(report: Report, frame: pd.DataFrame) -> list[bool]:
    ids = frame[_kpi_id(report)] if len(frame.columns) else []
    return [_is_rate(report, kpi_id) for kpi_id in ids]


def render_xlsx(report: Report) -> bytes:
    sheet = {name: _h(report, f"sheet_{name}") for name in ("scores", "kpis", "trends", "grids", "overdue", "sources")}
    kpis_frame, trends_frame, grids_frame = _kpis(report), _trends(report), _grids(report)
    frames = {
        sheet["scores"]: _scores(report),
        sheet["kpis"]: kpis_frame,
        sheet["trends"]: trends_frame,
        sheet["grids"]: grids_frame,
        sheet["overdue"]: _overdue(report),
        sheet["sources"]: _sources(report),
    }
    percent = {
        sheet["kpis"]: [_h(report, c) for c in KPI_VALUES],
        sheet["trends"]: [_h(report, "period_value" if c == "value" else c) for c in TREND_VALUES],
        sheet["grids"]: [_h(report, "value")],
    }
    percent_rows = {
        sheet["kpis"]: _rate_rows(report, kpis_frame),
        sheet["trends"]: _rate_rows(report, trends_frame),
        sheet["grids"]: _rate_rows(report, grids_frame),
    }
    if report.ranking is not None:  # only when at least two units are ranked; placed after the grids sheet
        items = list(frames.items())
        at = [name for name, _ in items].index(sheet["grids"]) + 1
        frames = dict([*items[:at], (_h(report, "sheet_ranking"), _ranking(report)), *items[at:]])
        percent[_h(report, "sheet_ranking")] = [
            t(f"ranking.column.{k}", report.lang) for k in (*league.RATES, "on_time_rate")
        ]
    kpis = [report.catalogue["city_score"], *[line.kpi for line in report.kpis]]
    return to_xlsx(
        frames,
        filters=report.filters,
        as_of=report.data_as_of,
        kpis=kpis,
        lang=report.lang,
        percent=percent,
        percent_rows=percent_rows,
    )
