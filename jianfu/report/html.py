"""The report as one self-contained HTML page (plotly.js and the figures inlined, no network) that chromium prints.

Every number is formatted by `jianfu.display.format`; every word comes from the string catalogue; every value the
engine flags suppressed prints "n<10" and nothing else.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from string import Template

import pandas as pd
from plotly.offline import get_plotlyjs

from jianfu import settings
from jianfu.display import format as fmt
from jianfu.display.i18n import code_label, t
from jianfu.metrics import league
from jianfu.report.content import CHARTS, HEADLINE_KPIS, SIGNALS_SHOWN, KpiLine, Report
from jianfu.report.figures import figures_json
from jianfu.schema import TABLES

TEMPLATE = Path(__file__).resolve().parent / "template.html"
OVERDUE_SHOWN = 40  # rows of the overdue 差评 list printed; the XLSX has them all


def _e(text) -> str:
    return html.escape("" if text is None else str(text))


def _or_dash(value) -> str:
    return fmt.DASH if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _table(headers: list[tuple[str, bool]], rows: list[tuple[str, list[str]]]) -> str:
    """headers: (label, numeric); rows: (css class, cells already formatted)."""
    head = "".join(f'<th class="num">{_e(h)}</th>' if num else f"<th>{_e(h)}</th>" for h, num in headers)
    body = []
    for css, cells in rows:
        tds = "".join(
            f'<td class="num">{_e(c)}</td>' if num else f"<td>{_e(c)}</td>" for c, (_, num) in zip(cells, headers)
        )
        body.append(f'<tr class="{css}">{tds}</tr>' if css else f"<tr>{tds}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _label(report: Report, key: str, **fmt_args) -> str:
    return t(f"report.{key}", report.lang, **fmt_args)


def _heading(report: Report, section: str, page_break: bool = False) -> str:
    css = ' class="page-break"' if page_break else ""
    return f'<h2 id="{section}"{css}>{_e(_label(report, f"section.{section}"))}</h2>'


def _note(report: Report, key: str, **fmt_args) -> str:
    return f'<p class="note">{_e(_label(report, key, **fmt_args))}</p>'


def _grid_names(report: Report) -> dict:
    return dict(zip(report.grids["grid_id"], report.grids["name"])) if not report.grids.empty else {}


def _grids_text(report: Report) -> str:
    chosen = report.filters.grids
    if not chosen:
        return _label(report, "cover.all_grids")
    names = _grid_names(report)
    return _label(report, "list_joiner").join(str(names.get(g, g)) for g in chosen)


def _cover(report: Report) -> str:
    lang = report.lang
    as_of = fmt.day(report.data_as_of, lang) if report.data_as_of else fmt.DASH
    partial = _note(report, "cover.partial") if report.partial else ""
    items = [
        ("cover.grids", _grids_text(report)),
        ("cover.data_as_of", as_of),
        ("cover.generated_at", fmt.day(report.generated_at, lang)),
    ]
    rows = "".join(f"<dt>{_e(_label(report, k))}</dt><dd>{_e(v)}</dd>" for k, v in items)
    return (
        f'<section class="cover"><div class="community">{_e(report.community)}</div>'
        f"<h1>{_e(_label(report, 'title'))}</h1>"
        f'<div class="month">{_e(fmt.month(report.month, lang))}</div><dl>{rows}</dl>{partial}</section>'
    )


def _value(line: KpiLine, value, lang: str) -> str:
    if line.suppressed:
        return fmt.suppressed_text()
    return fmt.value(value, line.kpi.unit, lang=lang)


def _change_text(report: Report, current, reference, unit: str, key: str) -> str:
    change = fmt.change(current, reference, unit, report.lang)
    return _label(report, key, change=change) if change is not None else ""


def _score_change_text(report: Report, current, reference, key: str) -> str:
    change = fmt.score_change(current, reference)
    return _label(report, key, change=change) if change is not None else ""


def _summary(report: Report) -> str:
    """本月要点: three improvements and three problems (summary.py), the overview's sentences, on the first page
    under the cover block: what a director reads before the meeting."""
    parts = [_heading(report, "summary")]
    for key, lines, empty in (
        ("improvements", report.improvements, "none_improved"),
        ("problems", report.problems, "none_problem"),
    ):
        parts.append(f"<h3>{_e(_label(report, f'summary.{key}'))}</h3>")
        parts.append(
            '<ul class="sentences">' + "".join(f"<li>{_e(x)}</li>" for x in lines) + "</ul>"
            if lines
            else _note(report, f"summary.{empty}")
        )
    parts.append(_note(report, "summary.note", n=settings.get("rank_below_n")))
    return "".join(parts)


def _card(label: str, value: str, changes: list[str]) -> str:
    lines = "".join(f'<div class="change">{_e(c)}</div>' for c in changes if c)
    return f'<div class="card"><div class="label">{_e(label)}</div><div class="value">{_e(value)}</div>{lines}</div>'


def _headline(report: Report) -> str:
    cards = []
    overall = report.scores[0]
    score_text = fmt.score(overall.score) if overall.score is not None else t("kpi.not_enough_to_score", report.lang)
    cards.append(
        _card(
            report.catalogue["city_score"].label(report.lang),
            score_text,
            [
                _score_change_text(report, overall.score, overall.previous, "vs_previous"),
                _score_change_text(report, overall.score, overall.last_year, "vs_last_year"),
            ],
        )
    )
    for kpi_id in HEADLINE_KPIS:
        line = next((x for x in report.kpis if x.kpi.id == kpi_id), None)
        if line is None:
            continue
        r, unit = line.result, line.kpi.unit
        changes = (
            []
            if line.suppressed
            else [
                _change_text(report, r.value, r.previous, unit, "vs_previous"),
                _change_text(report, r.value, r.last_year, unit, "vs_last_year"),
            ]
        )
        cards.append(_card(line.kpi.label(report.lang), _value(line, r.value, report.lang), changes))
    return _heading(report, "headline", page_break=True) + f'<div class="cards">{"".join(cards)}</div>'


def _scores(report: Report) -> str:
    lang = report.lang
    headers = [
        (_label(report, "col.pillar"), False),
        (_label(report, "col.score"), True),
        (_label(report, "col.previous"), True),
        (_label(report, "col.change"), True),
        (_label(report, "col.last_year"), True),
        (_label(report, "col.change"), True),
    ]
    rows = []
    for s in report.scores:
        name = _label(report, "scores.overall") if s.key == "overall" else code_label("pillar", s.key, lang)
        rows.append(
            (
                "pillar" if s.key == "overall" else "",
                [
                    name,
                    fmt.score(s.score),
                    fmt.score(s.previous),
                    fmt.score_change(s.score, s.previous) or fmt.DASH,
                    fmt.score(s.last_year),
                    fmt.score_change(s.score, s.last_year) or fmt.DASH,
                ],
            )
        )
    definition = f'<p class="definition">{_e(t("common.composite_definition", lang))}</p>'
    return (
        _heading(report, "scores")
        + definition
        + _table(headers, rows)
        + _note(report, "scores.note")
        + _note(report, "scores.change_note")
    )


def _sentence_list(report: Report, lines: list[KpiLine], empty_key: str) -> str:
    if not lines:
        return _note(report, empty_key)
    return '<ul class="sentences">' + "".join(f"<li>{_e(line.sentence)}</li>" for line in lines) + "</ul>"


def _highlights(report: Report) -> str:
    signals = report.signals
    more = len(signals) - SIGNALS_SHOWN
    more_note = (
        f'<p class="note"><a href="#kpis">{_e(_label(report, "signals.more", n=more))}</a></p>' if more > 0 else ""
    )
    return (
        _heading(report, "highlights")
        + f"<h3>{_e(_label(report, 'section.signals'))}</h3>"
        + _note(report, "signals.note")
        + _sentence_list(report, signals[:SIGNALS_SHOWN], "signals.none")
        + more_note
        + f"<h3>{_e(_label(report, 'section.off_target'))}</h3>"
        + _sentence_list(report, report.off_target, "off_target.none")
    )


def _charts(report: Report, figures: list[tuple[str, str, str]]) -> str:
    drawn = {key: dom_id for key, dom_id, _ in figures}
    parts = [_heading(report, "charts", page_break=True)]
    for chart in CHARTS:
        caption = _e(_label(report, f"chart.{chart.key}"))
        if chart.key in drawn:
            parts.append(
                f'<div class="figure"><div class="caption">{caption}</div>'
                f'<div class="plot" id="{drawn[chart.key]}"></div></div>'
            )
        else:
            parts.append(
                f'<div class="figure"><div class="caption">{caption}</div>{_note(report, "chart.no_data")}</div>'
            )
    parts.append(_note(report, "chart.note"))
    return "".join(parts)


def _kpi_table(report: Report) -> str:
    lang = report.lang
    headers = [
        (_label(report, "col.kpi"), False),
        (_label(report, "col.value"), True),
        ("n", True),
        (_label(report, "col.previous"), True),
        (_label(report, "col.last_year"), True),
        (_label(report, "col.reference"), True),
        (_label(report, "col.score"), True),
    ]
    rows, pillar = [], None
    for line in report.kpis:
        if line.kpi.pillar != pillar:
            pillar = line.kpi.pillar
            rows.append(("pillar", [code_label("pillar", pillar, lang), "", "", "", "", "", ""]))
        r, unit = line.result, line.kpi.unit
        if line.suppressed:
            cells = [fmt.suppressed_text()] + [fmt.DASH] * 5
        else:
            cells = [
                fmt.value(r.value, unit, lang=lang),
                fmt.count(r.n, lang),
                fmt.value(r.previous, unit, lang=lang),
                fmt.value(r.last_year, unit, lang=lang),
                fmt.value(r.reference, unit, lang=lang),
                fmt.score(r.score),
            ]
        rows.append(("", [line.kpi.label(lang), *cells]))
    return (
        _heading(report, "kpis", page_break=True)
        + _table(headers, rows)
        + _note(report, "kpis.note", n=fmt.suppressed_text())
    )


def _overdue(report: Report) -> str:
    lang, frame = report.lang, report.overdue
    title = _heading(report, "overdue")
    if frame.empty:
        return title + _note(report, "overdue.none")
    names = _grid_names(report)
    headers = [
        (_label(report, f"col.{c}"), c == "days_past_due")
        for c in ("eval_id", "case_id", "rated_at", "rating", "service_line", "grid", "overdue_step", "days_past_due")
    ]
    rows = []
    for r in frame.head(OVERDUE_SHOWN).itertuples(index=False):
        steps = [
            _label(report, f"overdue.{step}")
            for step, late in (("rectify", r.rectify_overdue), ("callback", r.callback_overdue))
            if late
        ]
        rows.append(
            (
                "",
                [
                    r.eval_id,
                    _or_dash(r.case_id),
                    fmt.day(r.rated_at, lang),
                    code_label("rating", str(int(r.rating)), lang),
                    code_label("service_line", r.service_line, lang),
                    names.get(r.grid_id, _or_dash(r.grid_id)),
                    _label(report, "list_joiner").join(steps),
                    fmt.count(r.days_past_due, lang),
                ],
            )
        )
    more = len(frame) - OVERDUE_SHOWN
    tail = _note(report, "overdue.more", n=fmt.count(more, lang)) if more > 0 else ""
    note = _note(report, "overdue.note", n=fmt.count(len(frame), lang))
    return title + note + _table(headers, rows) + tail


def _grid_table(report: Report) -> str:
    lang, long = report.lang, report.grids
    title = _heading(report, "grids")
    if long.empty:
        return title + _note(report, "grids.none")
    kpi_ids = list(dict.fromkeys(long["kpi_id"]))
    headers = [(_label(report, "col.grid"), False)] + [(report.catalogue[k].label(lang), True) for k in kpi_ids]
    rows = []
    for grid_id, part in long.groupby("grid_id", sort=True):
        by_kpi = {row.kpi_id: row for row in part.itertuples(index=False)}
        cells = []
        for kpi_id in kpi_ids:
            row = by_kpi.get(kpi_id)
            if row is None:
                cells.append(fmt.DASH)
            elif row.suppressed:
                cells.append(fmt.suppressed_text())
            else:
                cells.append(fmt.value(row.value, report.catalogue[kpi_id].unit, lang=lang))
        rows.append(("", [part["name"].iloc[0] or grid_id, *cells]))
    note = _note(report, "grids.note", n=fmt.suppressed_text())
    return title + _table(headers, rows) + note


def _ranking(report: Report) -> str:
    """The month's ranking of the units one level down (only when ≥ 2 are ranked): rank, change, the three
    rates, the composite, on-time, 差评 per 1,000, then 红榜 and 黑榜."""
    result = report.ranking
    if result is None:
        return ""
    lang, cat = report.lang, report.catalogue
    names = _grid_names(report) if result.level == "grid_id" else {}
    columns = ("rank", "rank_change", "unit", "n", *league.RATES, "composite", *league.SHOWN)
    headers = [(t(f"ranking.column.{c}", lang), c != "unit") for c in columns]
    rows = []
    for r in result.table.itertuples(index=False):
        cells = [
            _or_dash(None if pd.isna(r.rank) else int(r.rank)),
            league.change_text(r.rank_change, fmt.DASH),
            str(names.get(r.unit, r.unit)),
            fmt.count(r.n, lang),
            *[fmt.value(getattr(r, k), cat[k].unit, lang=lang) for k in league.RATES],
            fmt.DASH if pd.isna(r.composite) else f"{r.composite:.2f}",
            *[fmt.value(getattr(r, k), cat[k].unit, lang=lang) for k in league.SHOWN],
        ]
        rows.append(("" if r.rankable else "muted", cells))
    joiner = _label(report, "list_joiner")
    lists = [
        _note(report, f"ranking.{key}", units=joiner.join(str(names.get(u, u)) for u in units) or fmt.DASH)
        for key, units in (("red", result.top), ("black", result.bottom))
    ]
    share = league.weight_shares()
    note = _note(report, "ranking.note", n=fmt.count(int(settings.get("rank_below_n")), lang), **share)
    return _heading(report, "ranking") + note + _table(headers, rows) + "".join(lists)


def _definitions(report: Report) -> str:
    lang, cat = report.lang, report.catalogue
    headers = [(_label(report, f"col.{c}"), False) for c in ("kpi", "definition", "formula", "reference_kind")]
    rows = []
    for kpi_id in ["city_score", *[line.kpi.id for line in report.kpis]]:
        kpi = cat[kpi_id]
        if kpi.target_source == "policy":
            reference = _label(report, "appendix.policy_target", target=fmt.value(kpi.target, kpi.unit, lang=lang))
        elif kpi.target_source == "baseline":
            reference = cat.baseline_label_zh if lang == "zh" else cat.baseline_label_en
        else:
            reference = fmt.DASH
        rows.append(("", [kpi.label(lang), kpi.description(lang), kpi.formula(lang), reference]))
    return _heading(report, "definitions", page_break=True) + _table(headers, rows)


def _table_label(name: str, lang: str) -> str:
    """A canonical table by its Chinese label in zh, by its name otherwise ("survey" fills several tables)."""
    return TABLES[name].label_zh if lang == "zh" and name in TABLES else name


def _sources(report: Report) -> str:
    lang, frame = report.lang, report.sources
    title = _heading(report, "sources")
    if frame.empty:
        return title + _note(report, "sources.none")
    headers = [
        (_label(report, "col.file"), False),
        (_label(report, "col.table"), False),
        (_label(report, "col.rows_loaded"), True),
        (_label(report, "col.imported_at"), True),
    ]
    rows = [
        ("", [r.file_name, _table_label(r.target, lang), fmt.count(r.rows_loaded, lang), fmt.day(r.finished_at, lang)])
        for r in frame.itertuples(index=False)
    ]
    return title + _table(headers, rows)


def render_html(report: Report) -> str:
    figures = figures_json(report)
    body = "".join(
        [
            _cover(report),
            _summary(report),
            _headline(report),
            _scores(report),
            _highlights(report),
            _charts(report, figures),
            _kpi_table(report),
            _overdue(report),
            _grid_table(report),
            _ranking(report),
            _definitions(report),
            _sources(report),
        ]
    )
    figures_js = "[" + ",".join(f'{{"id": {json.dumps(dom_id)}, "figure": {fig}}}' for _, dom_id, fig in figures) + "]"
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        html_lang="zh-CN" if report.lang == "zh" else "en",
        title=_e(_label(report, "title")),
        plotly_js=get_plotlyjs(),
        body=body,
        figures=figures_js.replace("</", "<\\/"),
    )


def footer_template(report: Report) -> str:
    """Chromium's page footer: community, month, page x / y (its own small font: it does not inherit the CSS)."""
    text = _e(_label(report, "footer", community=report.community, month=fmt.month(report.month, report.lang)))
    return (
        "<div style=\"font-family: 'Noto Sans CJK SC', sans-serif; font-size: 7.5pt; color: #7b8794; "
        'width: 100%; padding: 0 15mm; display: flex; justify-content: space-between;">'
        f'<span>{text}</span><span><span class="pageNumber"></span> / '
        '<span class="totalPages"></span></span></div>'
    )
