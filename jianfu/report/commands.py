"""`jianfu report --month 2026-10 [--grid G …] [--lang zh|en] --out DIR`: the monthly report as
`<DIR>/jianfu_report_2026-10.pdf` and `.xlsx`. Bad input ends with one sentence and exit code 1, no traceback.

The report package (engine, plotly, Playwright) is imported inside the command so `jianfu --help` stays fast.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from jianfu.display.i18n import LANGS, default_lang, t


def output_paths(out_dir: Path, month: str) -> tuple[Path, Path]:
    stem = f"jianfu_report_{month}"
    return out_dir / f"{stem}.pdf", out_dir / f"{stem}.xlsx"


@click.command()
@click.option("--month", required=True, help="Calendar month to report on, as YYYY-MM (e.g. 2026-10).")
@click.option("--grid", "grids", multiple=True, help="Only this grid (grid_id); repeat for several. Default: all.")
@click.option("--district", "districts", multiple=True, help="Only this district; repeatable. Default: all.")
@click.option("--street", "streets", multiple=True, help="Only this street (街道); repeatable. Default: all.")
@click.option("--lang", type=click.Choice(LANGS), default=None, help="Report language (default: the lang setting).")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the PDF and XLSX into (created if missing).",
)
def report(
    month: str,
    grids: tuple[str, ...],
    districts: tuple[str, ...],
    streets: tuple[str, ...],
    lang: str | None,
    out_dir: Path,
) -> None:
    """Write the monthly leadership report (PDF + Excel). 生成月度工作报告。"""
    from jianfu import warehouse
    from jianfu.report import RendererMissing, ReportError, build_report, render_pdf, render_xlsx
    from jianfu.report.content import parse_month

    lang = lang or default_lang()
    started = time.perf_counter()
    try:
        first_day = parse_month(month, lang)
        con = warehouse.read_connection()
        content = build_report(
            con, first_day.strftime("%Y-%m"), grids=grids, lang=lang, districts=districts, streets=streets
        )
        pdf = render_pdf(content)
    except warehouse.WarehouseMissing:
        raise click.ClickException(t("report.error.no_warehouse", lang)) from None
    except ReportError as exc:
        raise click.ClickException(str(exc)) from None
    except RendererMissing as exc:
        raise click.ClickException(t("report.error.no_renderer", lang, reason=exc)) from None
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf_path, xlsx_path = output_paths(out_dir, first_day.strftime("%Y-%m"))
    pdf_path.write_bytes(pdf)
    xlsx_path.write_bytes(render_xlsx(content))
    click.echo(f"{pdf_path}\n{xlsx_path}\n({time.perf_counter() - started:.1f} s)")


COMMANDS = [report]
