"""The KPI catalogue (catalogue.toml) as validated, ordered data: `load_catalogue()["on_time_rate"]` is a Kpi.

Validation collects every problem and raises one CatalogueError listing them, so a broken edit is fixed in one
pass: unknown unit/direction/pillar/kind, a missing label or description, an input that is not a canonical
table.column, a query whose SQL file is missing or undeclared, a measure the view cannot compile, a duplicate
id. A `[model.<name>]` is a base model (queries/model_<name>.sql, row-level) that generates the KPI query it
names (jianfu/metrics/view.py) from its KPIs' measures.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from jianfu.schema import TABLES
from jianfu.settings import ROOT

CATALOGUE_FILE = Path(__file__).resolve().parent / "catalogue.toml"
QUERY_DIR = ROOT / "queries"

UNITS = ("ratio", "count", "days", "hours", "per_1000", "index", "score", "per_worker_week")
DIRECTIONS = ("up", "down", "context")
PILLARS = ("gov", "resident", "micro", "record_keeping", "composite")
TARGET_SOURCES = ("policy", "baseline")
# kind -> the parts its query must return as columns named <kpi_id>__<part> (see README.md).
KIND_PARTS: dict[str, tuple[str, ...]] = {
    "count": ("value",),
    "sum": ("value", "n"),
    "stock": ("value", "n"),
    "pace": ("num", "den"),
    "proportion": ("num", "den"),
    "rate_per_1000": ("num", "den"),
    "share": ("num", "den"),
    "reduction": ("num", "den"),
    "weighted_proportion": ("num", "den", "sumw2", "n"),
    "weighted_mean": ("num", "den", "sumw2", "sumwx2", "n"),
    "ratio": ("num", "den", "n", "syy", "sxx", "sxy"),
    "mean": ("value", "n", "sd"),
    "median": ("value", "n"),
    "quantile": ("value", "n"),
    "drivers": (),  # computed by the query's reducer from rows
    "composite": (),  # computed from the other KPIs' scores
}
# Filter dimensions a query may support (Filters fields map onto the first five).
DIMENSIONS = ("grid_id", "team", "service_line", "channel", "center", "matter", "community", "street", "district")
TEXT_FIELDS = ("label_zh", "label_en", "description_zh", "description_en", "formula_zh", "formula_en")
# A KPI's measure over its model's rows (jianfu/metrics/view.py): predicates (numerator, denominator) and
# expressions (value, per, weight) over the model's columns; `parts` gives aggregates written out by hand.
MEASURE_FIELDS = ("numerator", "denominator", "value", "per", "weight")
# kind -> the measure fields the view needs to generate its parts (kinds not listed need `parts` for them all).
MEASURE_NEEDS: dict[str, tuple[str, ...]] = {
    "count": (),
    "stock": (),
    "proportion": ("numerator",),
    "rate_per_1000": ("numerator",),
    "share": ("numerator",),
    "sum": ("value",),
    "mean": ("value",),
    "median": ("value",),
    "quantile": ("value", "quantile"),
    "ratio": ("value", "per"),
    "weighted_mean": ("value", "weight"),
    "weighted_proportion": ("value", "weight"),
}


class CatalogueError(ValueError):
    pass


@dataclass(frozen=True)
class Model:
    """A base model: queries/<rows>.sql returns one row per counted record per period (period_key, the
    dimension columns `dims`, row-level columns); `query` is the KPI query generated from it, `table` + `key`
    the canonical table its rows carry the key of (the drill-down joins back to show the record's columns)."""

    name: str
    rows: str
    query: str | None
    dims: tuple[str, ...]
    table: str | None = None
    key: str | None = None


@dataclass(frozen=True)
class Kpi:
    id: str
    label_zh: str
    label_en: str
    description_zh: str
    description_en: str
    formula_zh: str
    formula_en: str
    unit: str
    direction: str
    pillar: str
    kind: str
    target: float | None
    target_source: str | None
    inputs: tuple[str, ...]
    query: str | None  # path under the repo: the model rows ("queries/model_cases.sql") or the query file
    query_name: str | None  # e.g. "kpi_cases"
    dims: tuple[str, ...]
    reducer: str | None
    working_days: bool = False  # counts working days on the Chinese calendar (jianfu/calendar.py)
    # Dates of the steps the reform is meant to cause (README.md): control limits restart at each one.
    step_at: tuple[date, ...] = ()
    model: str | None = None  # the base model generating its query (None: a hand-written query file)
    # The measure (MEASURE_FIELDS): predicates and expressions over the model's (or the drill CTE's) rows.
    numerator: str | None = None
    denominator: str | None = None
    value: str | None = None
    per: str | None = None
    weight: str | None = None
    quantile: float | None = None
    # (part, aggregate SQL) written out by hand: details x_…, or what the view cannot say.
    parts: tuple[tuple[str, str], ...] = ()

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def description(self, lang: str = "zh") -> str:
        return self.description_zh if lang == "zh" else self.description_en

    def formula(self, lang: str = "zh") -> str:
        return self.formula_zh if lang == "zh" else self.formula_en

    @property
    def scored(self) -> bool:
        return self.direction != "context" and self.kind != "composite"


@dataclass(frozen=True)
class Catalogue(Mapping):
    """KPIs by id, in catalogue order; `baseline` is the (start, end) of the baseline period."""

    kpis: dict[str, Kpi]
    baseline: tuple[date, date]
    baseline_label_zh: str
    baseline_label_en: str
    models: dict[str, Model] = field(default_factory=dict)
    queries: dict[str, dict] = field(default_factory=dict)  # hand-written KPI queries: dims, reducer, rows CTE

    def __getitem__(self, kpi_id: str) -> Kpi:
        try:
            return self.kpis[kpi_id]
        except KeyError:
            raise KeyError(f"unknown KPI {kpi_id!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.kpis)

    def __len__(self) -> int:
        return len(self.kpis)

    def baseline_label(self, lang: str = "zh") -> str:
        return self.baseline_label_zh if lang == "zh" else self.baseline_label_en

    def by_pillar(self, pillar: str) -> list[Kpi]:
        return [k for k in self.kpis.values() if k.pillar == pillar]


def _check_input(kpi_id: str, spec: str, problems: list[str]) -> None:
    table, _, column = spec.partition(".")
    if table not in TABLES or column not in TABLES[table].column_names:
        problems.append(f"{kpi_id}: input {spec!r} is not a canonical table.column (jianfu/schema.py)")


def _parse_steps(kpi_id: str, raw, problems: list[str]) -> tuple[date, ...]:
    """`step_at` is a date or a list of dates (TOML dates or "YYYY-MM-DD"), each once."""
    if raw is None:
        return ()
    steps = []
    for item in raw if isinstance(raw, list) else [raw]:
        if isinstance(item, str):
            try:
                item = date.fromisoformat(item)
            except ValueError:
                pass
        if not isinstance(item, date) or isinstance(item, datetime):
            problems.append(f'{kpi_id}: step_at {item!r} is not a date (write "YYYY-MM-DD")')
            continue
        steps.append(item)
    if len(set(steps)) != len(steps):
        problems.append(f"{kpi_id}: step_at lists a date twice")
    return tuple(sorted(set(steps)))


def _check_measure(raw: dict, kpi_id: str, generated: bool, problems: list[str]) -> None:
    for name in (*MEASURE_FIELDS, "quantile"):
        if name in raw and not isinstance(raw[name], (float, int) if name == "quantile" else str):
            problems.append(f"{kpi_id}: {name} must be {'a number' if name == 'quantile' else 'SQL text'}")
    if "quantile" in raw and not 0 < float(raw["quantile"]) < 1:
        problems.append(f"{kpi_id}: quantile must lie between 0 and 1")
    if not generated:
        return
    kind, given = raw.get("kind"), set(raw.get("parts", {}))
    if set(KIND_PARTS.get(kind, ())) <= given:
        return
    if kind not in MEASURE_NEEDS:
        problems.append(f"{kpi_id}: the view cannot generate kind {kind!r}: give its parts or a query file")
        return
    lacking = [name for name in MEASURE_NEEDS[kind] if name not in raw]
    if lacking:
        problems.append(f"{kpi_id}: kind {kind!r} needs {', '.join(lacking)} in its measure")


def _parse_kpi(raw: dict, queries: dict[str, dict], models: dict[str, Model], problems: list[str]) -> Kpi | None:
    kpi_id = raw.get("id")
    if not kpi_id or not isinstance(kpi_id, str) or not kpi_id.isidentifier() or kpi_id.lower() != kpi_id:
        problems.append(f"a KPI has a missing or invalid id: {kpi_id!r}")
        return None
    for name in TEXT_FIELDS:
        if not str(raw.get(name, "")).strip():
            problems.append(f"{kpi_id}: missing {name}")
    for name, allowed in (("unit", UNITS), ("direction", DIRECTIONS), ("pillar", PILLARS), ("kind", KIND_PARTS)):
        if raw.get(name) not in allowed:
            problems.append(f"{kpi_id}: unknown {name} {raw.get(name)!r} (allowed: {', '.join(allowed)})")
    target, source = raw.get("target"), raw.get("target_source")
    if source is not None and source not in TARGET_SOURCES:
        problems.append(f"{kpi_id}: unknown target_source {source!r} (allowed: policy, baseline)")
    if (target is not None) != (source == "policy"):
        problems.append(f'{kpi_id}: a target needs target_source = "policy" and a policy target needs a target')
    if source is not None and raw.get("direction") == "context":
        problems.append(f"{kpi_id}: a context KPI has no target")
    for spec in raw.get("inputs", []):
        _check_input(kpi_id, spec, problems)
    query_name = raw.get("query")
    query_path, dims, reducer, model = None, (), None, None
    by_query = {m.query: m for m in models.values() if m.query}
    if raw.get("kind") == "composite":
        if query_name:
            problems.append(f"{kpi_id}: a composite KPI has no query")
    elif not query_name:
        problems.append(f"{kpi_id}: missing query")
    elif query_name in by_query:
        model = by_query[query_name]
        query_path, dims = f"queries/{model.rows}.sql", model.dims
    elif query_name not in queries:
        problems.append(
            f"{kpi_id}: query {query_name!r} is not declared (under [query.{query_name}], or as a model's query)"
        )
    else:
        query_path = f"queries/{query_name}.sql"
        if not (QUERY_DIR / f"{query_name}.sql").is_file():
            problems.append(f"{kpi_id}: query file {query_path} is missing")
        dims = tuple(queries[query_name].get("dims", ()))
        reducer = queries[query_name].get("reducer")
        if (raw.get("kind") == "drivers") != (reducer is not None):
            problems.append(f"{kpi_id}: kind 'drivers' goes with a query that has a reducer, and only it")
    _check_measure(raw, kpi_id, model is not None, problems)
    parts = raw.get("parts", {})
    if not isinstance(parts, dict) or not all(isinstance(v, str) for v in parts.values()):
        problems.append(f"{kpi_id}: parts must map part names to SQL aggregates")
        parts = {}
    try:
        target_value = float(target) if target is not None else None
    except (TypeError, ValueError):
        problems.append(f"{kpi_id}: target {target!r} is not a number")
        target_value = None
    return Kpi(
        id=kpi_id,
        **{name: str(raw.get(name, "")) for name in TEXT_FIELDS},
        unit=raw.get("unit"),
        direction=raw.get("direction"),
        pillar=raw.get("pillar"),
        kind=raw.get("kind"),
        target=target_value,
        target_source=source,
        inputs=tuple(raw.get("inputs", ())),
        query=query_path,
        query_name=query_name or None,
        dims=dims,
        reducer=reducer,
        working_days=raw.get("working_days", False) is True,
        step_at=_parse_steps(kpi_id, raw.get("step_at"), problems),
        model=model.name if model else None,
        **{name: raw.get(name) for name in MEASURE_FIELDS},
        quantile=float(raw["quantile"]) if isinstance(raw.get("quantile"), (int, float)) else None,
        parts=tuple(parts.items()),
    )


def _parse_models(raw: dict, problems: list[str]) -> dict[str, Model]:
    models = {}
    for name, spec in raw.items():
        rows = f"model_{name}"
        if not (QUERY_DIR / f"{rows}.sql").is_file():
            problems.append(f"model {name}: query file queries/{rows}.sql is missing")
        unknown = [d for d in spec.get("dims", []) if d not in DIMENSIONS]
        if unknown:
            problems.append(f"model {name}: unknown dims {unknown} (allowed: {', '.join(DIMENSIONS)})")
        table, key = spec.get("table"), spec.get("key")
        if table is not None and (table not in TABLES or key not in TABLES[table].column_names):
            problems.append(f"model {name}: table {table!r} with key {key!r} is not a canonical table and column")
        models[name] = Model(name, rows, spec.get("query"), tuple(spec.get("dims", ())), table, key)
    return models


def parse_catalogue(raw: dict) -> Catalogue:
    problems: list[str] = []
    queries = raw.get("query", {})
    for name, spec in queries.items():
        unknown = [d for d in spec.get("dims", []) if d not in DIMENSIONS]
        if unknown:
            problems.append(f"query {name}: unknown dims {unknown} (allowed: {', '.join(DIMENSIONS)})")
    models = _parse_models(raw.get("model", {}), problems)
    kpis: dict[str, Kpi] = {}
    for entry in raw.get("kpi", []):
        kpi = _parse_kpi(entry, queries, models, problems)
        if kpi is None:
            continue
        if kpi.id in kpis:
            problems.append(f"{kpi.id}: defined twice")
        kpis[kpi.id] = kpi
    base = raw.get("baseline", {})
    start, end = base.get("start"), base.get("end")
    if not isinstance(start, date) or not isinstance(end, date) or end < start:
        problems.append("[baseline] needs start and end dates with start ≤ end")
    if not kpis:
        problems.append("the catalogue defines no KPI")
    if problems:
        raise CatalogueError("KPI catalogue is invalid:\n  - " + "\n  - ".join(problems))
    return Catalogue(kpis, (start, end), base.get("label_zh", ""), base.get("label_en", ""), models, queries)


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """The validated catalogue (the shipped one unless a path is given)."""
    if path is None:
        return _default_catalogue()
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{Path(path).name} is not valid TOML: {exc}") from None
    return parse_catalogue(raw)


@lru_cache(maxsize=1)
def _default_catalogue() -> Catalogue:
    return load_catalogue(CATALOGUE_FILE)
