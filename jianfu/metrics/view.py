"""The metrics view: base models (row-level queries in queries/model_*.sql) and the KPI measures declared in the
catalogue, compiled to the SQL the engine, the drill-down and the pages run.

A base model returns one row per counted record per period: its `period_key`, its dimension columns (named as
the catalogue's dimensions: grid_id, team, …, street, district) and its row-level columns (on_time,
is_closed, …). This module writes everything that used to be copied by hand around those rows:

- `filter_clause(dims)`: THE filter clause, `(len($grids) = 0 or list_contains($grids, grid_id)) and …` for
  the filter dimensions a model has, parameters left bound. No file under queries/ writes it (a test checks).
- `group_key(dims)`: the `case $by when 'grid_id' then grid_id … end` switch.
- `kpi_query_text(model)`: the model's rows under the filters, grouped by period_key × group_key, with each of
  its KPIs' parts (`<kpi_id>__num`, `__den`, `__value`, `__n`, …) written from the KPI's measure: `numerator`
  and `denominator` are predicates over the model's columns, `value` (and `per`, `weight`) expressions.
- `compose(text)`: a query (hand-written, a page's, or a model reading another model) that names a relation
  `filtered_<model>` gets it defined in front: that model's rows under the filters; `grouped_<model>` adds the
  `$by` switch's group_key (for a hand-written KPI query, which the engine binds $by for).
- `drill_predicates(kpi)`: the drill-down's rows, from the same measure.
"""

from __future__ import annotations

import re

from jianfu.metrics.catalogue import KIND_PARTS, Kpi, Model, load_catalogue
from jianfu.metrics.filters import FILTER_DIMENSIONS

_FILTERED = re.compile(r"\b(filtered|grouped)_([a-z][a-z0-9_]*)\b")
_FINAL = re.compile(r"\n\s*select\s+\*\s+from\s+final\s*;?\s*$", re.IGNORECASE)
_WITH = re.compile(r"\A((?:\s*--[^\n]*\n)*\s*)with\s", re.IGNORECASE)
_CTE_NAME = re.compile(r"^(?:with\s+)?([a-z_][a-z0-9_]*) as \(", re.IGNORECASE | re.MULTILINE)
# How each kind's value parts are aggregated from `value` over the rows of `denominator`.
VALUE_PARTS = {
    "sum": {"value": "sum({v})", "n": "count({v})"},
    "mean": {"value": "avg({v})", "n": "count({v})", "sd": "stddev_samp({v})"},
    "median": {"n": "count({v})"},
    "quantile": {"n": "count({v})"},
    "ratio": {
        "num": "sum({v})",
        "den": "sum({x})",
        "n": "count(*)",
        "syy": "sum(({v}) * ({v}))",
        "sxx": "sum(({x}) * ({x}))",
        "sxy": "sum(({v}) * ({x}))",
    },
    "weighted_mean": {
        "num": "sum(({w}) * ({v}))",
        "den": "sum({w})",
        "sumw2": "sum(({w}) * ({w}))",
        "sumwx2": "sum(({w}) * ({v}) * ({v}))",
        "n": "count(*)",
    },
    "weighted_proportion": {
        "num": "sum(({w}) * ({v}))",
        "den": "sum({w})",
        "sumw2": "sum(({w}) * ({w}))",
        "n": "count(*)",
    },
}
# Kinds whose parts count rows: of `numerator` and of `denominator`.
ROW_COUNT_KINDS = ("count", "stock", "proportion", "rate_per_1000", "share")
QUANTILE_KINDS = ("median", "quantile")


def filter_clause(dims) -> str:
    """The chosen filters on the dimensions `dims` has, as one predicate over columns of those names."""
    clauses = [
        f"(len(${field}) = 0 or list_contains(${field}, {dim}))"
        for field, dim in FILTER_DIMENSIONS.items()
        if dim in dims
    ]
    return "\n    and ".join(clauses) or "true"


def group_key(dims) -> str:
    """The `$by` switch: the column named by $by ('all', or one of `dims`: anything else was refused before)."""
    if not dims:
        return "null::varchar"
    return "case $by " + " ".join(f"when '{dim}' then {dim}" for dim in dims) + " end"


def filtered_rows(model: Model) -> str:
    """The model's rows under the filters, as a select."""
    return f"select * from (\n{_model_text(model)}\n) as m\nwhere {filter_clause(model.dims)}"


def compose(text: str) -> str:
    """`text` with every `filtered_<model>` it reads defined in front of its own CTEs. The model's own CTEs join
    the same WITH list under names of their own (`<model>__<cte>`): one flat list, as the Spark translation
    (which hoists nested CTEs) needs, where a `final` or `periods` of the model cannot meet the query's."""
    models = load_catalogue().models
    found = [(kind, name) for kind, name in _FILTERED.findall(_code(text)) if name in models]
    names = list(dict.fromkeys(name for _, name in found))
    if not names:
        return text
    grouped = {name for kind, name in found if kind == "grouped"}
    ctes = ",\n\n".join(_filtered_ctes(models[name], name in grouped) for name in names)
    match = _WITH.match(text)
    if match:
        return f"{match.group(1)}with {ctes},\n\n{text[match.end() :]}"
    return f"with {ctes}\n\n{text}"


def _filtered_ctes(model: Model, grouped: bool) -> str:
    """The model's CTEs, renamed `<model>__<cte>`, then `filtered_<model>`: its final rows under the filters, and
    when asked `grouped_<model>`: those rows with the `$by` switch's group_key (for queries the engine runs)."""
    text = _model_text(model)
    prefix = f"{model.name}__"
    for name in _CTE_NAME.findall(_code(text)):
        text = re.sub(rf"(?<![$.\w]){name}\b", prefix + name, text)
    body = _final_of(prefix).sub("", text)
    match = _WITH.match(body)
    if body == text or not match:
        raise ValueError(f"queries/{model.rows}.sql must be a CTE pipeline ending in `select * from final`")
    ctes = (
        f"{body[match.end() :].strip()},\n\n"
        f"filtered_{model.name} as (\n    select * from {prefix}final\n    where {filter_clause(model.dims)}\n)"
    )
    if grouped:
        ctes += (
            f",\n\ngrouped_{model.name} as (\n    select *, {group_key(model.dims)} as group_key\n"
            f"    from filtered_{model.name}\n)"
        )
    return ctes


def _final_of(prefix: str) -> re.Pattern:
    return re.compile(rf"\n\s*select\s+\*\s+from\s+{prefix}final\s*;?\s*$", re.IGNORECASE)


def _code(text: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in text.splitlines())


def _model_text(model: Model) -> str:
    from jianfu.metrics.sql import query_text  # sql.py composes through this module: imported when used

    return query_text(model.rows)


def _where(predicate: str | None) -> str:
    return "" if predicate in (None, "true") else f" filter (where {predicate})"


def kpi_parts(kpi: Kpi) -> dict[str, str]:
    """part -> aggregate SQL for the KPI's parts other than the quantiles (added by kpi_query_text)."""
    parts: dict[str, str] = {}
    rows = kpi.denominator or "true"
    if kpi.kind in ROW_COUNT_KINDS:
        counted = f"count(*){_where(rows)}"
        if kpi.kind in ("count", "stock"):
            parts["value"] = f"count(*){_where(kpi.numerator or rows)}"
            if kpi.kind == "stock":
                parts["n"] = counted
        else:
            parts["num"] = f"count(*){_where(kpi.numerator)}"
            parts["den"] = counted
    elif kpi.kind in VALUE_PARTS:
        for part, template in VALUE_PARTS[kpi.kind].items():
            parts[part] = template.format(v=kpi.value, x=kpi.per, w=kpi.weight) + _where(rows)
    parts.update(dict(kpi.parts))
    return parts


def kpi_query_text(model: Model, kpis: list[Kpi]) -> str:
    """The aggregate query of a model's KPIs: one row per period_key × group_key, columns <kpi_id>__<part>.
    Quantiles of one expression over the same rows share one sort (`quantile_cont(x, [0.5, 0.9])`)."""
    aggregates: list[str] = []
    outputs: list[str] = []
    sorts: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for kpi in kpis:
        for part, sql in kpi_parts(kpi).items():
            if part != "value" or kpi.kind not in QUANTILE_KINDS:
                aggregates.append(f"{sql} as {kpi.id}__{part}")
                outputs.append(f"{kpi.id}__{part}")
        if kpi.kind in QUANTILE_KINDS and "value" not in dict(kpi.parts):
            level = 0.5 if kpi.kind == "median" else kpi.quantile
            sorts.setdefault((kpi.value, kpi.denominator or "true"), []).append((kpi.id, level))
    for i, ((value, rows), wanted) in enumerate(sorts.items(), start=1):
        if len(wanted) == 1 and wanted[0][1] == 0.5:
            aggregates.append(f"median({value}){_where(rows)} as {wanted[0][0]}__value")
            outputs.append(f"{wanted[0][0]}__value")
            continue
        levels = ", ".join(repr(level) for _, level in wanted)
        aggregates.append(f"quantile_cont({value}, [{levels}]){_where(rows)} as view_quantiles_{i}")
        outputs.extend(f"view_quantiles_{i}[{j}] as {kpi_id}__value" for j, (kpi_id, _) in enumerate(wanted, 1))
    text = _model_text(model)
    body = _FINAL.sub("", text)
    if body == text or not _WITH.match(body):
        raise ValueError(f"queries/{model.rows}.sql must be a CTE pipeline ending in `select * from final`")
    select_aggregates = ",\n        ".join(aggregates)
    select_outputs = ",\n        ".join(outputs)
    return f"""{body},

view_rows as (
    select
        *,
        {group_key(model.dims)} as group_key
    from final
    where {filter_clause(model.dims)}
),

view_aggregates as (
    select
        period_key,
        group_key,
        {select_aggregates}
    from view_rows
    group by period_key, group_key
),

view_parts as (
    select
        period_key,
        group_key,
        {select_outputs}
    from view_aggregates
)

select * from view_parts
"""


def query_text(name: str) -> str | None:
    """The generated text of the KPI query `name`, or None when no model generates it (a file in queries/)."""
    cat = load_catalogue()
    for model in cat.models.values():
        if model.query == name:
            return kpi_query_text(model, [k for k in cat.values() if k.query_name == name])
    return None


def drill_predicates(kpi: Kpi) -> dict[str, str]:
    """The drill-down's row sets: "denominator" (the rows the KPI counts or computes its value over) and
    "numerator" (the rows its condition counts), as predicates over its rows; {} when it has no such rows."""
    out = {}
    if kpi.model is not None:
        rows = kpi.denominator or "true"
        if kpi.kind in ROW_COUNT_KINDS or kpi.kind in ("ratio", "weighted_mean", "weighted_proportion"):
            out["denominator"] = rows
        elif kpi.kind in VALUE_PARTS:
            out["denominator"] = (
                f"({rows}) and ({kpi.value}) is not null" if rows != "true" else f"{kpi.value} is not null"
            )
        if kpi.numerator and kpi.kind != "count":
            out["numerator"] = kpi.numerator
        # Parts written out as aggregates (visit coverage: sums over grids) are not counts of rows.
        return {} if set(dict(kpi.parts)) & set(KIND_PARTS[kpi.kind]) else out
    # A hand-written query declares its row-level CTE (`rows`); its KPIs' predicates are read over it.
    for part in ("denominator", "numerator"):
        predicate = getattr(kpi, part)
        if predicate:
            out[part] = predicate
    return out
