"""compute_kpis: every KPI for one window and filters, with comparisons, score and flags; and the composite.

Comparisons (README.md): the previous window of equal length, the same window last year, and for a window
reaching past the end of the data (a partial period) only the days it covers are compared — previous and last
year shift that covered part, and `to_date` compares this month's days 1..k with days 1..k of the month before.
A comparison window that starts before the month of the warehouse's first event is not compared (None): two
months of data in a "previous year" would read as a collapse.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

from jianfu import calendar, settings
from jianfu.metrics.catalogue import Catalogue, Kpi, load_catalogue
from jianfu.metrics.engine import Evaluation, Period, evaluate
from jianfu.metrics.estimates import hidden, suppression_flags
from jianfu.metrics.facts import WarehouseFacts, facts_for
from jianfu.metrics.filters import Filters, to_date_windows
from jianfu.metrics.stats import score as capped_score

FLAGS = (
    "suppressed",
    "not_rankable",
    "partial_period",
    "missing_input",
    "no_target",
    "unfiltered",
    "workdays_unknown",
    "no_baseline_data",
    "not_enough_to_score",
)
PILLAR_ORDER = ("gov", "resident", "micro", "record_keeping")
FLOW_KINDS = ("count", "sum")  # their baseline is scaled to the days the window covers
TOP_N = 5
# The composite is a number only when it rests on at least this many scored KPIs: one or two capped ratios
# would read as a verdict on the whole reform.
MIN_SCORED_KPIS = 3


@dataclass(frozen=True)
class KpiResult:
    kpi_id: str
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    n: float = 0
    ci_low: float | None = None
    ci_high: float | None = None
    effective_n: float | None = None
    previous: float | None = None
    last_year: float | None = None
    to_date: dict | None = None
    score: float | None = None
    flags: frozenset = frozenset()
    missing: list = field(default_factory=list)
    baseline: float | None = None
    reference: float | None = None  # what the score compares with: the policy target, else the baseline
    detail: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready, with the keys documented in jianfu/metrics/README.md (NaN becomes None)."""
        return {
            "id": self.kpi_id,
            "value": _clean(self.value),
            "numerator": _clean(self.numerator),
            "denominator": _clean(self.denominator),
            "n": _clean(self.n),
            "effective_n": _clean(self.effective_n),
            "ci_low": _clean(self.ci_low),
            "ci_high": _clean(self.ci_high),
            "previous": _clean(self.previous),
            "last_year": _clean(self.last_year),
            "to_date": {k: _clean(v) for k, v in self.to_date.items()} if self.to_date else None,
            "baseline": _clean(self.baseline),
            "reference": _clean(self.reference),
            "score": _clean(self.score),
            "flags": sorted(self.flags),
            "missing": list(self.missing),
            "detail": _clean(self.detail),
        }


def _clean(value):
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item())
    return value


@dataclass(frozen=True)
class Comparison:
    """The periods compute_kpis evaluates for one window."""

    current: Period
    previous: Period
    last_year: Period
    baseline: Period
    to_date: tuple[Period, Period] | None
    partial: bool
    days_covered: int  # days of the window the data reaches (all of them unless it is partial)
    uncovered: frozenset[str] = frozenset()  # comparison periods starting before the data does or after it ends
    within_data: bool = True  # the window overlaps the data's span (a count of 0 there is a true zero)

    @property
    def periods(self) -> list[Period]:
        extra = list(self.to_date) if self.to_date else []
        return [self.current, self.previous, self.last_year, self.baseline, *extra]


def coverage_start(data_from: datetime | None) -> date | None:
    """The first day the data covers: the first of the month of the earliest event (exports come by month, and
    the first case of a month need not arrive on its first day)."""
    return None if data_from is None else data_from.date().replace(day=1)


def within_data(start: date, end: date, data_from: datetime | None, as_of: datetime | None) -> bool:
    """True when [start, end] overlaps the span the data covers (from the month of its first event to its last);
    also True when the data has no dated events to tell (ledgers alone)."""
    if data_from is None or as_of is None:
        return True
    return start <= as_of.date() and end >= coverage_start(data_from)


def comparison_periods(
    filters: Filters, cat: Catalogue, as_of: datetime | None, data_from: datetime | None = None
) -> Comparison:
    current = Period("current", filters.start, filters.end)
    covered_from = coverage_start(data_from)
    partial = current.is_partial(as_of) or (covered_from is not None and filters.start < covered_from)
    covered = filters
    to_date = None
    if as_of is not None and current.is_partial(as_of) and as_of.date() >= filters.start:
        covered = filters.with_window(filters.start, as_of.date())
        (cs, ce), (ps, pe) = to_date_windows(filters.start, as_of.date())
        to_date = (Period("to_date", cs, ce), Period("to_date_previous", ps, pe))
    previous, last_year = covered.previous(), covered.last_year()
    comp = Comparison(
        current=current,
        previous=Period("previous", previous.start, previous.end),
        last_year=Period("last_year", last_year.start, last_year.end),
        baseline=Period("baseline", *cat.baseline),
        to_date=to_date,
        partial=partial,
        days_covered=covered.days,
    )
    uncovered = frozenset(
        p.key
        for p in comp.periods
        if p.key != "current" and covered_from is not None and (p.start < covered_from or p.start > as_of.date())
    )
    return Comparison(
        **{
            **comp.__dict__,
            "uncovered": uncovered,
            "within_data": within_data(filters.start, filters.end, data_from, as_of),
        }
    )


def _shown(kpi: Kpi, evaluation: Evaluation, comp: Comparison, period_key: str) -> float | None:
    """A comparison value, or None when its own n is too small to show or the data does not cover it."""
    if period_key in comp.uncovered:
        return None
    est = evaluation.get(kpi.id, period_key)
    flags = suppression_flags(kpi.kind, est)
    return None if "suppressed" in flags else est.value


def _baseline_value(kpi: Kpi, evaluation: Evaluation, comp: Comparison) -> float | None:
    value = _shown(kpi, evaluation, comp, "baseline")
    if value is not None and kpi.kind in FLOW_KINDS:
        value *= comp.days_covered / ((comp.baseline.end - comp.baseline.start).days + 1)
    return value


def kpi_result(kpi: Kpi, evaluation: Evaluation, comp: Comparison) -> KpiResult:
    if evaluation.missing.get(kpi.id):
        missing = evaluation.missing[kpi.id]
        return KpiResult(
            kpi.id,
            flags=frozenset({"missing_input", "no_target"} if kpi.target_source != "policy" else {"missing_input"}),
            missing=[f"missing input: {m}" for m in missing],
        )
    est = evaluation.get(kpi.id, "current")
    flags = suppression_flags(kpi.kind, est, comp.within_data)
    if "suppressed" in flags:
        est = hidden(est)
    if comp.partial:
        flags.add("partial_period")
    if kpi.id in evaluation.unfiltered:
        flags.add("unfiltered")
    if kpi.working_days and calendar.uncovered_years(comp.current.start, comp.current.end):
        flags.add("workdays_unknown")  # counted Monday–Friday: no holiday data for part of the window
    if kpi.target_source != "policy":
        flags.add("no_target")
    if kpi.target_source == "baseline" and "baseline" in comp.uncovered:
        flags.add("no_baseline_data")  # the baseline year lies outside the data: nothing to score against
    baseline = _baseline_value(kpi, evaluation, comp)
    reference = kpi.target if kpi.target_source == "policy" else baseline if kpi.target_source else None
    cap = float(settings.get("score_cap"))
    to_date = None
    if comp.to_date:
        cur, prev = comp.to_date
        to_date = {
            "current": _shown(kpi, evaluation, comp, cur.key),
            "previous": _shown(kpi, evaluation, comp, prev.key),
            "current_start": cur.start,
            "current_end": cur.end,
            "previous_start": prev.start,
            "previous_end": prev.end,
        }
    return KpiResult(
        kpi.id,
        value=est.value,
        numerator=est.numerator,
        denominator=est.denominator,
        n=est.n,
        ci_low=est.ci_low,
        ci_high=est.ci_high,
        effective_n=est.effective_n,
        previous=_shown(kpi, evaluation, comp, "previous"),
        last_year=_shown(kpi, evaluation, comp, "last_year"),
        to_date=to_date,
        score=capped_score(est.value, reference, kpi.direction, cap) if kpi.scored else None,
        flags=frozenset(flags),
        baseline=baseline,
        reference=reference,
        detail=est.detail,
    )


def composite_scores(results: dict[str, KpiResult], cat: Catalogue) -> dict:
    """Mean capped score by pillar and overall (the mean of the pillar means, so a pillar with many KPIs does
    not outweigh the others), over KPIs that have a score and enough data to rank; top and bottom KPIs.
    Not enough to score ("enough": False, overall and pillars None) below MIN_SCORED_KPIS scored KPIs or when
    the baseline lies outside the data (a KPI flagged no_baseline_data): what is left would not be the reform's
    composite but one or two KPIs against their policy floor."""
    usable = {
        kpi_id: r.score
        for kpi_id, r in results.items()
        if kpi_id in cat
        and cat[kpi_id].scored
        and r.score is not None
        and not r.flags & {"suppressed", "not_rankable", "missing_input"}
    }
    no_baseline = any(
        "no_baseline_data" in r.flags for kpi_id, r in results.items() if kpi_id in cat and cat[kpi_id].scored
    )
    enough = len(usable) >= MIN_SCORED_KPIS and not no_baseline
    pillars = {}
    for pillar in PILLAR_ORDER:
        scores = [s for kpi_id, s in usable.items() if cat[kpi_id].pillar == pillar]
        pillars[pillar] = sum(scores) / len(scores) if scores and enough else None
    present = [v for v in pillars.values() if v is not None]
    order = list(cat)
    ranked = sorted(usable, key=lambda k: (-usable[k], order.index(k)))
    return {
        "overall": sum(present) / len(present) if present else None,
        "pillars": pillars,
        "top": ranked[:TOP_N],
        "bottom": sorted(usable, key=lambda k: (usable[k], order.index(k)))[:TOP_N],
        "n": len(usable),
        "enough": enough,
    }


COMPARISONS = {
    "previous": lambda r: r.previous,
    "last_year": lambda r: r.last_year,
    "to_date_current": lambda r: (r.to_date or {}).get("current"),
    "to_date_previous": lambda r: (r.to_date or {}).get("previous"),
}


def comparison_composite(results: dict[str, KpiResult], cat: Catalogue, comparison: str) -> dict:
    """The composite of a comparison ('previous', 'last_year', 'to_date_current', 'to_date_previous'): each KPI's
    comparison value scored against the same reference as its current value."""
    value_of = COMPARISONS[comparison]
    cap = float(settings.get("score_cap"))
    shifted = {}
    for kpi_id, r in results.items():
        if kpi_id not in cat or not cat[kpi_id].scored:
            continue
        value = value_of(r)
        shifted[kpi_id] = KpiResult(
            kpi_id,
            score=capped_score(value, r.reference, cat[kpi_id].direction, cap),
            flags=r.flags - {"suppressed", "not_rankable"} if value is not None else r.flags,
        )
    return composite_scores(shifted, cat)


def city_score_result(kpi: Kpi, results: dict[str, KpiResult], cat: Catalogue, partial: bool) -> KpiResult:
    composite = composite_scores(results, cat)
    overall = lambda comparison: comparison_composite(results, cat, comparison)["overall"]  # noqa: E731
    to_date = None
    if any(r.to_date for r in results.values()):
        to_date = {"current": overall("to_date_current"), "previous": overall("to_date_previous")}
    flags = {"no_target"} | ({"partial_period"} if partial else set())
    if composite["overall"] is None:
        flags.add("suppressed")
    if not composite["enough"]:
        flags.add("not_enough_to_score")
    return KpiResult(
        kpi.id,
        value=composite["overall"],
        n=composite["n"],
        effective_n=composite["n"],
        previous=overall("previous"),
        last_year=overall("last_year"),
        to_date=to_date,
        flags=frozenset(flags),
        detail=composite,
    )


@dataclass(frozen=True)
class WindowResults:
    """compute_kpis' results with the comparison windows and data span they were computed over."""

    results: dict[str, KpiResult]
    comparison: Comparison
    data_from: datetime | None
    data_as_of: datetime | None


def evaluate_window(
    con, filters: Filters, ids=None, *, catalogue: Catalogue | None = None, facts: WarehouseFacts | None = None
) -> WindowResults:
    cat = catalogue or load_catalogue()
    facts = facts_for(con, facts)
    filters.validate(con, facts.known_values)
    unknown = set(ids or ()) - set(cat)
    if unknown:
        raise KeyError(f"unknown KPI ids: {', '.join(sorted(unknown))}")
    wanted = list(cat) if ids is None else [i for i in cat if i in set(ids)]
    composite_ids = [i for i in wanted if cat[i].kind == "composite"]
    # the composite needs every scored KPI, asked for or not
    needed = [cat[i] for i in cat if cat[i].kind != "composite" and (i in wanted or (composite_ids and cat[i].scored))]
    data_from, as_of = facts.data_from, facts.data_as_of
    comp = comparison_periods(filters, cat, as_of, data_from)
    evaluation = evaluate(con, cat, needed, filters, comp.periods, as_of, presence=facts.presence)
    results = {kpi.id: kpi_result(kpi, evaluation, comp) for kpi in needed}
    for kpi_id in composite_ids:
        results[kpi_id] = city_score_result(cat[kpi_id], results, cat, comp.partial)
    return WindowResults({kpi_id: results[kpi_id] for kpi_id in wanted}, comp, data_from, as_of)


def compute_kpis(
    con, filters: Filters, ids=None, *, catalogue: Catalogue | None = None, facts: WarehouseFacts | None = None
) -> dict[str, KpiResult]:
    """Every KPI (or those in ids, in catalogue order) for the window and filters. Raises FilterError for a
    filter value the warehouse does not know, KeyError for an unknown KPI id. `facts`: the warehouse's
    WarehouseFacts when the caller keeps them (else they are looked up)."""
    return evaluate_window(con, filters, ids, catalogue=catalogue, facts=facts).results
