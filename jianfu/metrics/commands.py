"""`jianfu kpis`: every KPI for a window as a table, JSON (keys documented in README.md) or CSV.

The engine is imported inside the command so `jianfu --help` and other commands stay fast.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date

import click

from jianfu import settings
from jianfu.export_safety import neutralise

FORMATS = ("table", "json", "csv")
CSV_COLUMNS = (
    "id",
    "label",
    "unit",
    "value",
    "numerator",
    "denominator",
    "n",
    "effective_n",
    "ci_low",
    "ci_high",
    "previous",
    "last_year",
    "to_date_current",
    "to_date_previous",
    "baseline",
    "reference",
    "score",
    "flags",
    "missing",
)


def _window(period, start, end, today, con):
    from jianfu.metrics import PRESETS, data_window, parse_period
    from jianfu.metrics.sql import data_coverage

    if period and (start or end):
        raise click.UsageError("give either --period or --from/--to, not both")
    if (start is None) != (end is None):
        raise click.UsageError("--from and --to go together")
    if start:
        return start.date(), end.date(), None
    period = period or "last_month"
    data_from, _, through = data_coverage(con)
    if today is not None or period not in PRESETS or through is None:
        first, last = parse_period(period, today.date() if today is not None else date.today())
    else:  # as the dashboard: counted back from the day the data runs to (an old export opens on its data)
        first, last = data_window(period, through.date(), data_from.date(), today=date.today())
    return first, last, period


def build_report(con, filters, period: str | None) -> dict:
    """The JSON document `jianfu kpis --format json` prints."""
    from jianfu.metrics import load_catalogue
    from jianfu.metrics.results import evaluate_window

    cat = load_catalogue()
    window_results = evaluate_window(con, filters, catalogue=cat)
    results, comp = window_results.results, window_results.comparison
    data_from, as_of = window_results.data_from, window_results.data_as_of
    kpis = []
    for kpi_id, result in results.items():
        kpi = cat[kpi_id]
        kpis.append(
            {
                "id": kpi_id,
                "label_zh": kpi.label_zh,
                "label_en": kpi.label_en,
                "pillar": kpi.pillar,
                "unit": kpi.unit,
                "direction": kpi.direction,
                "kind": kpi.kind,
                "target": kpi.target,
                "target_source": kpi.target_source,
                **result.to_dict(),
            }
        )
    window = lambda p: {"start": p.start.isoformat(), "end": p.end.isoformat()}  # noqa: E731
    composite = results["city_score"].to_dict()["detail"] if "city_score" in results else None
    return {
        "window": {**window(comp.current), "period": period, "partial": comp.partial},
        "filters": {
            name: list(getattr(filters, name))
            for name in ("grids", "teams", "service_lines", "channels", "centers", "districts", "streets")
        },
        "data_from": data_from.isoformat() if data_from else None,
        "data_as_of": as_of.isoformat() if as_of else None,
        "comparisons": {
            "previous": window(comp.previous),
            "last_year": window(comp.last_year),
            "baseline": window(comp.baseline),
        },
        "kpis": kpis,
        "composite": composite,
    }


def _csv_rows(report: dict, lang: str):
    for k in report["kpis"]:
        to_date = k["to_date"] or {}
        row = {
            **k,
            "label": k[f"label_{lang}"],
            "to_date_current": to_date.get("current"),
            "to_date_previous": to_date.get("previous"),
            "flags": ";".join(k["flags"]),
            "missing": ";".join(k["missing"]),
        }
        yield {c: neutralise(row.get(c)) for c in CSV_COLUMNS}


def _table(report: dict, lang: str) -> str:
    from jianfu.display import format as fmt

    def show(value, unit, flags=()):
        return fmt.value(value, unit, 0 if "suppressed" in flags else None, lang=lang)

    lines = [
        f"{report['window']['start']} … {report['window']['end']}"
        f"{' (partial)' if report['window']['partial'] else ''} · data as of {report['data_as_of']}",
        "  ".join(
            [
                "kpi".ljust(24),
                "value".rjust(12),
                "n".rjust(8),
                "95% interval".rjust(22),
                "previous".rjust(12),
                "last year".rjust(12),
                "to date".rjust(22),
                "score".rjust(6),
                "flags",
            ]
        ),
    ]
    for k in report["kpis"]:
        unit, flags = k["unit"], k["flags"]
        interval = f"{show(k['ci_low'], unit)} – {show(k['ci_high'], unit)}" if k["ci_low"] is not None else ""
        to_date = k["to_date"]
        to_date_text = f"{show(to_date['current'], unit)} vs {show(to_date['previous'], unit)}" if to_date else ""
        lines.append(
            "  ".join(
                [
                    k["id"].ljust(24),
                    show(k["value"], unit, flags).rjust(12),
                    fmt.number(k["n"], 1).rjust(8),
                    interval.rjust(22),
                    show(k["previous"], unit).rjust(12),
                    show(k["last_year"], unit).rjust(12),
                    to_date_text.rjust(22),
                    fmt.score(k["score"]).rjust(6),
                    ",".join(flags + [m.removeprefix("missing input: ") for m in k["missing"]]),
                ]
            )
        )
    return "\n".join(lines)


def _connection(engine: str, parquet_dir: str | None, spark_master: str | None):
    """A DuckDB cursor on the warehouse, or a Spark executor over a Parquet export (jianfu.spark)."""
    from jianfu import warehouse

    if engine == "duckdb":
        if parquet_dir or spark_master:
            raise click.UsageError("--parquet and --spark-master go with --engine spark")
        return warehouse.read_connection().cursor()
    if not parquet_dir:
        raise click.UsageError("--engine spark reads a Parquet export: give --parquet DIR")
    from jianfu.parquet_export import ExportError
    from jianfu.spark.session import SparkMissing

    try:
        from jianfu.spark.executor import open_executor
    except ImportError:  # sqlglot
        raise click.ClickException(str(SparkMissing.NEEDS)) from None
    try:
        return open_executor(parquet_dir, spark_master)
    except (ExportError, SparkMissing) as exc:
        raise click.ClickException(str(exc)) from None


@click.command()
@click.option(
    "--period",
    default=None,
    help="last_month (default), this_month_to_date, last_quarter, year_to_date, last_12_months, "
    "or YYYY, YYYY-Qn, YYYY-MM.",
)
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), default=None, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last day, inclusive.")
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Day the presets count back from (default: the day the data runs to, at most today).",
)
@click.option("--district", "districts", multiple=True, help="District name (repeatable).")
@click.option("--street", "streets", multiple=True, help="Street name, e.g. 横塘街道 (repeatable).")
@click.option("--grid", "grids", multiple=True, help="Grid id (repeatable).")
@click.option("--team", "teams", multiple=True, help="Team code (repeatable).")
@click.option("--service-line", "service_lines", multiple=True, help="Service line code (repeatable).")
@click.option("--channel", "channels", multiple=True, help="Channel code (repeatable).")
@click.option("--center", "centers", multiple=True, help="Centre code (repeatable).")
@click.option("--format", "output", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Label language (default: setting).")
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="duckdb: the warehouse; spark: a `jianfu export parquet` folder (--parquet) on Spark.",
)
@click.option("--parquet", "parquet_dir", default=None, help="Export folder or URI the Spark engine reads.")
@click.option("--spark-master", default=None, help="local[N], a cluster master or sc:// URL (default: setting).")
def kpis(
    period,
    start,
    end,
    today,
    districts,
    streets,
    grids,
    teams,
    service_lines,
    channels,
    centers,
    output,
    lang,
    engine,
    parquet_dir,
    spark_master,
) -> None:
    """Every KPI for a window: value, n, interval, comparisons, score, flags. 指标一览。"""
    from jianfu import warehouse
    from jianfu.metrics import FilterError, Filters

    lang = lang or settings.get("lang")
    try:
        con = _connection(engine, parquet_dir, spark_master)
    except warehouse.WarehouseMissing as exc:
        raise click.ClickException(str(exc)) from None
    try:
        first, last, period_name = _window(period, start, end, today, con)
        filters = Filters(
            first,
            last,
            grids=grids,
            teams=teams,
            service_lines=service_lines,
            channels=channels,
            centers=centers,
            districts=districts,
            streets=streets,
        )
        report = build_report(con, filters, period_name)
    except FilterError as exc:
        raise click.ClickException(str(exc)) from None
    if output == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    elif output == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(_csv_rows(report, lang))
    else:
        click.echo(_table(report, lang))


COMMANDS = [kpis]
