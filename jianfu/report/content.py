"""What the monthly report says, assembled from the metric engine (every number) and three list queries (the
grids, the overdue 差评, the imports). Rendering (HTML/PDF, XLSX) only lays out what is here.

Invariants (see README.md beside this file):
- Every KPI number is the engine's `compute_kpis` / `kpi_series` / `compute_by` value for the month and filters;
  a value the engine flags "suppressed" (n < 10) is never carried, only the flag.
- "Moved significantly" means the engine's control chart flags the report month (`kpi_series(...).signal`);
  "off target" means a rankable value misses its reference (a policy target, else the KPI's baseline).
- Pillar changes are the engine's `comparison_composite`: last month's (last year's) values scored against
  this month's references, so the overall line equals the engine's `city_score` previous/last_year.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from jianfu.display.i18n import code_label, t
from jianfu.metrics import (
    Catalogue,
    FilterError,
    Filters,
    Kpi,
    KpiResult,
    comparison_composite,
    composite_scores,
    compute_by,
    compute_kpis,
    data_as_of,
    kpi_series,
    league,
    load_catalogue,
    units,
)
from jianfu.metrics.filters import month_end
from jianfu.metrics.league import League
from jianfu.metrics.results import PILLAR_ORDER
from jianfu.metrics.series import CONTROL_CHART_MONTHS, compute_by_many
from jianfu.metrics.sql import run_query
from jianfu.metrics.stats import signal_size
from jianfu.report import sentences, summary

# The figures on the key-figures strip after the composite score (a test finds them in the PDF's text).
HEADLINE_KPIS = ("on_time_rate", "satisfaction_rate", "good_rating_rate", "hours_saved", "ledger_reduction")
GRID_KPIS = ("case_volume", "on_time_rate", "good_rating_rate", "satisfaction_rate", "bad_per_1000")
SERIES_MONTHS = CONTROL_CHART_MONTHS  # the control charts' window, as on the pages
SIGNALS_SHOWN = 5  # significant changes listed; the rest are counted and found in the full table
# Kinds that are not one number per month (no series, no sentence).
NOT_A_NUMBER = ("composite", "drivers")


@dataclass(frozen=True)
class Chart:
    key: str  # report.chart.<key> is its title
    kpi_id: str
    grain: str
    periods: int
    style: str  # "control" (XmR chart) or "bars"


CHARTS = (
    Chart("satisfaction", "satisfaction_index", "quarter", 8, "control"),
    Chart("throughput", "on_time_rate", "month", SERIES_MONTHS, "control"),
    Chart("volume", "case_volume", "month", SERIES_MONTHS, "bars"),
    Chart("hours_saved", "hours_saved", "month", SERIES_MONTHS, "bars"),
    Chart("ledgers", "ledger_reduction", "month", SERIES_MONTHS, "bars"),
)


class ReportError(ValueError):
    """A report that cannot be made (bad month, unknown grid, no data): one sentence for the user."""


@dataclass(frozen=True)
class KpiLine:
    kpi: Kpi
    result: KpiResult
    signal_rule: str  # the control-chart rule the month breaks ("" when none)
    sentence: str
    signal_size: float = 0.0  # how far the month is from its mean in σ̂ (stats.signal_size): the signal's impact

    @property
    def suppressed(self) -> bool:
        return "suppressed" in self.result.flags

    @property
    def signal(self) -> bool:
        return bool(self.signal_rule) and not self.suppressed

    @property
    def off_target(self) -> bool:
        if self.result.flags & {"suppressed", "not_rankable", "missing_input"}:
            return False
        return sentences.off_target(self.result.value, self.result.reference, self.kpi.direction)


@dataclass(frozen=True)
class ScoreLine:
    key: str  # "overall" or a pillar code
    score: float | None
    previous: float | None
    last_year: float | None


@dataclass(frozen=True)
class Report:
    month: date  # first day of the report month
    filters: Filters
    lang: str
    community: str
    data_as_of: datetime | None
    generated_at: datetime
    catalogue: Catalogue
    scores: tuple[ScoreLine, ...]
    kpis: tuple[KpiLine, ...]  # catalogue order, one number per KPI
    charts: dict  # chart key → the engine's series frame
    grids: pd.DataFrame  # one row per grid × GRID_KPIS: compute_by columns plus grid name
    overdue: pd.DataFrame  # the overdue 差评 list (no personal data)
    sources: pd.DataFrame  # the imports behind the data
    improvements: tuple[str, ...] = ()  # 本月要点 (summary.py), the same sentences as the overview's
    problems: tuple[str, ...] = ()
    # The month's ranking of the units one level below the report's scope; None unless ≥ 2 units are ranked.
    ranking: League | None = None

    @property
    def partial(self) -> bool:
        return any("partial_period" in line.result.flags for line in self.kpis)

    @property
    def signals(self) -> list[KpiLine]:
        """Every KPI the control chart flags this month, largest impact first (beyond the limits before a run
        of 7, then by distance from the mean in σ̂; ties in catalogue order)."""
        flagged = [line for line in self.kpis if line.signal]
        return sorted(flagged, key=lambda line: (line.signal_rule != "outside_limits", -line.signal_size))

    @property
    def off_target(self) -> list[KpiLine]:
        return [line for line in self.kpis if line.off_target]


def parse_month(text: str, lang: str | None = None) -> date:
    """ "2026-10" → 2026-10-01; anything else is a ReportError."""
    try:
        year, month = (int(part) for part in str(text).strip().split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ReportError(t("report.error.bad_month", lang, value=text)) from None


def _month_filters(con, month: date, grids, districts=(), streets=()) -> Filters:
    try:
        return Filters(
            month,
            month_end(month.year, month.month),
            grids=tuple(grids),
            districts=tuple(districts),
            streets=tuple(streets),
        ).validate(con)
    except FilterError as exc:
        raise ReportError(str(exc)) from None


def _series_by_kpi(con, filters: Filters, kpi_ids: list[str]) -> dict[str, pd.DataFrame]:
    """Monthly series (with signals) for many KPIs; two threads, each engine query on its own cursor."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        frames = pool.map(lambda kpi_id: kpi_series(con, kpi_id, filters, periods=SERIES_MONTHS), kpi_ids)
        return dict(zip(kpi_ids, frames))


def _month_signal(series: pd.DataFrame, month: date) -> tuple[str, float]:
    """(rule, size in σ̂) of the month's control-chart signal; ("", 0.0) when it has none."""
    row = series[series["period_start"] == month]
    if row.empty or bool(row["suppressed"].iloc[0]) or not bool(row["signal"].iloc[0]):
        return "", 0.0
    point = row.iloc[0]
    size = signal_size(*(None if pd.isna(point[c]) else float(point[c]) for c in ("value", "mean", "ucl")))
    return str(point["signal_rule"]), size


def _summary(
    con, filters: Filters, cat: Catalogue, results: dict, grid_rows: pd.DataFrame, lang: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """本月要点: the summary's picks split by grid and team (one compute_by per split) and written out."""
    improved, problems = summary.pick(results, cat)
    picked = [p.kpi_id for p in improved + problems]
    breakdowns: dict[str, dict] = {kpi_id: {} for kpi_id in picked}
    for split in summary.SPLITS:
        ids = [k for k in picked if split in summary.splits_for(cat[k])]
        for kpi_id, frame in (compute_by_many(con, ids, filters, split, catalogue=cat) if ids else {}).items():
            breakdowns[kpi_id][split] = frame
    teams = {code for parts in breakdowns.values() if "team" in parts for code in parts["team"]["group"]}
    names = {
        "grid_id": dict(zip(grid_rows["grid_id"], grid_rows["name"])),
        "team": {code: code_label("team", code, lang) for code in teams},
    }
    ups, downs = summary.summary(results, cat, breakdowns, names, lang)
    return tuple(ups), tuple(downs)


def _facts(kpi: Kpi, result: KpiResult, series: pd.DataFrame | None, month: date, lang: str) -> sentences.Facts:
    limit_side = limit = None
    run_months, run_side = 0, None
    if series is not None and not series.empty:
        upto = series[series["period_start"] <= month]
        last = upto.iloc[-1]
        if last["period_start"] == month and last["value"] is not None and not pd.isna(last["value"]):
            if not pd.isna(last["ucl"]) and last["value"] > last["ucl"]:
                limit_side, limit = "above", float(last["ucl"])
            elif not pd.isna(last["lcl"]) and last["value"] < last["lcl"]:
                limit_side, limit = "below", float(last["lcl"])
            run_months, run_side = sentences.run_of_months(
                upto["value"].astype(float).tolist(), upto["mean"].astype(float).tolist()
            )
    return sentences.Facts(
        label=kpi.label(lang),
        unit=kpi.unit,
        value=result.value,
        suppressed="suppressed" in result.flags,
        previous=result.previous,
        target=result.reference,
        target_is_baseline=kpi.target_source == "baseline",
        direction=kpi.direction,
        limit_side=limit_side,
        limit=limit,
        run_months=run_months,
        run_side=run_side,
    )


def _score_lines(results: dict[str, KpiResult], cat: Catalogue) -> tuple[ScoreLine, ...]:
    now = composite_scores(results, cat)
    before = comparison_composite(results, cat, "previous")
    year_ago = comparison_composite(results, cat, "last_year")
    lines = [ScoreLine("overall", now["overall"], before["overall"], year_ago["overall"])]
    lines += [ScoreLine(p, now["pillars"][p], before["pillars"][p], year_ago["pillars"][p]) for p in PILLAR_ORDER]
    return tuple(lines)


def _chart_series(con, filters: Filters, cat: Catalogue, results: dict, monthly: dict) -> dict:
    """Chart key → series, reusing the monthly series already computed for the signals."""
    charts = {}
    for chart in CHARTS:
        if chart.kpi_id not in cat or "missing_input" in results[chart.kpi_id].flags:
            continue
        if (chart.grain, chart.periods) == ("month", SERIES_MONTHS) and chart.kpi_id in monthly:
            charts[chart.key] = monthly[chart.kpi_id]
        else:
            charts[chart.key] = kpi_series(
                con, chart.kpi_id, filters, grain=chart.grain, periods=chart.periods, catalogue=cat
            )
    return charts


def _grid_table(con, filters: Filters, grid_names: pd.DataFrame, cat: Catalogue) -> pd.DataFrame:
    parts = []
    for kpi_id in GRID_KPIS:
        if kpi_id in cat and "grid_id" in cat[kpi_id].dims:
            frame = compute_by(con, kpi_id, filters, by="grid_id")
            parts.append(frame.assign(kpi_id=kpi_id))
    if not parts:
        return pd.DataFrame(columns=["grid_id", "name", "kpi_id", "value", "n", "suppressed"])
    long = pd.concat(parts, ignore_index=True).rename(columns={"group": "grid_id"})
    return long.merge(grid_names[["grid_id", "name"]], on="grid_id", how="left")


def _community(grids: pd.DataFrame, lang: str) -> str:
    names = [str(c) for c in grids["community"].dropna().unique()] if "community" in grids else []
    return t("report.list_joiner", lang).join(names) if names else t("report.cover.community_unknown", lang)


def _imports(con) -> pd.DataFrame:
    log = run_query(con, "page_data_imports", {})
    live = log[(log["outcome"] == "loaded") & log["undone_at"].isna()]
    return (
        live[["import_id", "file_name", "target", "rows_loaded", "rows_updated", "rows_rejected", "finished_at"]]
        .sort_values("import_id")
        .reset_index(drop=True)
    )


def _ranking(con, filters: Filters, cat: Catalogue) -> League | None:
    """The ranking section's league, only when at least two units are large enough to rank."""
    result = league.league(con, filters, catalogue=cat)
    return result if result is not None and result.ranked >= 2 else None


def build_report(con, month: str, grids=(), lang: str = "zh", districts=(), streets=()) -> Report:
    """The report for one calendar month ("2026-10") over all grids or the chosen ones (or the chosen districts
    or streets)."""
    first_day = parse_month(month, lang)
    as_of = data_as_of(con)
    if as_of is None:
        raise ReportError(t("report.error.empty_warehouse", lang))
    if first_day > as_of.date():
        raise ReportError(
            t("report.error.after_data", lang, month=first_day.strftime("%Y-%m"), as_of=as_of.date().isoformat())
        )
    filters = _month_filters(con, first_day, grids, districts, streets)
    # The page queries below know grids, not streets: a district or street becomes its grids (units.py).
    grid_filters = units.narrow(con, filters, units.GRID_QUERY_DIMS)
    cat = load_catalogue()
    results = compute_kpis(con, filters, catalogue=cat)
    numbers = [
        kpi_id
        for kpi_id in cat
        if cat[kpi_id].kind not in NOT_A_NUMBER and not results[kpi_id].flags & {"missing_input"}
    ]
    # A suppressed month has no sentence beyond "n<10" and no signal: its series is only needed for a chart.
    wanted = {c.kpi_id for c in CHARTS} | {k for k in numbers if "suppressed" not in results[k].flags}
    monthly = _series_by_kpi(con, filters, [k for k in numbers if k in wanted])
    lines = []
    for kpi_id in numbers:
        kpi, result, series = cat[kpi_id], results[kpi_id], monthly.get(kpi_id)
        signal, size = _month_signal(series, first_day) if series is not None else ("", 0.0)
        lines.append(
            KpiLine(kpi, result, signal, sentences.sentence(_facts(kpi, result, series, first_day, lang), lang), size)
        )
    grid_rows = run_query(con, "report_grids", {"grids": list(grid_filters.grids)})
    improvements, problems = _summary(con, filters, cat, results, grid_rows, lang)
    overdue = run_query(
        con, "page_satisfaction_overdue_bad_ratings", units.page_params(con, filters, {"grids", "case_streets"})
    )
    return Report(
        month=first_day,
        filters=filters,
        lang=lang,
        community=_community(grid_rows, lang),
        data_as_of=as_of,
        generated_at=datetime.now().replace(microsecond=0),
        catalogue=cat,
        scores=_score_lines(results, cat),
        kpis=tuple(lines),
        charts=_chart_series(con, filters, cat, results, monthly),
        grids=_grid_table(con, filters, grid_rows, cat),
        overdue=overdue,
        sources=_imports(con),
        improvements=improvements,
        problems=problems,
        ranking=_ranking(con, filters, cat),
    )
