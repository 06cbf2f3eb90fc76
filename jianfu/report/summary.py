"""本月要点: three improvements and three problems in sentences, from the engine's numbers, naming the grid or team
that stands out. The overview and the report both call this, so the two say the same thing.

- An improvement is a change vs the previous period in the KPI's good direction; the largest first, measured
  as a share of the KPI's reference (target or baseline). A problem is first a KPI short of its reference
  (furthest first, as `ranking.best_and_worst`), then a change in the bad direction. A change that rounds to nothing on the page is no change.
- KPIs the engine flags suppressed, not rankable (n < rank_below_n) or missing an input are never picked.
- A grid or team is named when it lies outside the 95% funnel limits around the overall value on the side the
  sentence is about, with at least rank_below_n observations (a group on n < 30 is never named); of several,
  the one furthest beyond its limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from jianfu import settings
from jianfu.display import format as fmt
from jianfu.display.i18n import t
from jianfu.metrics import ranking
from jianfu.metrics.catalogue import Catalogue
from jianfu.report import sentences

SHOWN = 3  # sentences per list
SPLITS = {"grid_id": "grid", "team": "team"}  # the breakdowns a sentence may name a group from


@dataclass(frozen=True)
class Pick:
    kpi_id: str
    kind: str  # "improved", "off_target" or "worsened"


def _change(result, direction: str) -> float | None:
    """The change vs the previous period as a share of the KPI's reference (of the previous value when it has
    none), positive when it is better: a move of 0.1 pp on a rate near 0 is not the month's news."""
    if result.value is None or result.previous is None:
        return None
    scale = result.reference if result.reference else result.previous
    if not scale:
        return None
    size = (float(result.value) - float(result.previous)) / abs(float(scale))
    return size if direction == "up" else -size


def _candidates(results: dict, cat: Catalogue) -> dict[str, float]:
    """{kpi_id: relative change, better > 0} over the KPIs a summary may speak of, with a visible change."""
    out = {}
    for kpi_id, result in results.items():
        if kpi_id not in cat or not cat[kpi_id].scored or result.flags & ranking.UNRANKED_FLAGS:
            continue
        kpi = cat[kpi_id]
        change = _change(result, kpi.direction)
        if change is not None and not fmt.no_visible_change(result.value, result.previous, kpi.unit):
            out[kpi_id] = change
    return out


def pick(results: dict, cat: Catalogue, shown: int = SHOWN) -> tuple[list[Pick], list[Pick]]:
    """(improvements, problems), up to `shown` each; ties keep catalogue order."""
    order = list(cat)
    changes = _candidates(results, cat)
    improved = sorted((k for k, c in changes.items() if c > 0), key=lambda k: (-changes[k], order.index(k)))
    _, short = ranking.best_and_worst(results, cat, shown=len(cat))
    worsened = sorted(
        (k for k, c in changes.items() if c < 0 and k not in short), key=lambda k: (changes[k], order.index(k))
    )
    problems = [Pick(k, "off_target") for k in short] + [Pick(k, "worsened") for k in worsened]
    return [Pick(k, "improved") for k in improved[:shown]], problems[:shown]


def standout(
    frames: dict[str, pd.DataFrame], names: dict[str, dict], direction: str, side: str
) -> tuple[str, str, float] | None:
    """(split, group name, value) of the group furthest beyond its 95% funnel limit on `side` ("good"/"bad"),
    among groups with n ≥ rank_below_n; None when none stands out. `frames` is {split: compute_by frame}."""
    rank_below = int(settings.get("rank_below_n"))
    high = (direction == "up") == (side == "good")
    best = None
    for split, frame in frames.items():
        if frame is None or frame.empty:
            continue
        for row in frame.itertuples(index=False):
            n = row.effective_n if row.effective_n is not None and not _nan(row.effective_n) else row.n
            if row.suppressed or row.not_rankable or _nan(row.value) or _nan(n) or n < rank_below:
                continue
            limit = row.hi95 if high else row.lo95
            if _nan(limit) or _nan(row.funnel_centre):
                continue
            beyond = (row.value - limit) if high else (limit - row.value)
            if beyond <= 0:
                continue
            width = abs(limit - row.funnel_centre) or 1.0
            if best is None or beyond / width > best[0]:
                best = (beyond / width, split, names.get(split, {}).get(row.group, str(row.group)), float(row.value))
    return None if best is None else best[1:]


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def sentence(item: Pick, result, kpi, frames: dict[str, pd.DataFrame], names: dict[str, dict], lang: str) -> str:
    """One summary sentence: value, what changed or what it misses, and the group that stands out."""
    label, unit = kpi.label(lang), kpi.unit
    clauses = [t("report.sentence.value", lang, label=label, value=fmt.value(result.value, unit, lang=lang))]
    if item.kind == "off_target":
        kind = "baseline" if kpi.target_source == "baseline" else "target"
        clauses.append(
            t(
                f"report.sentence.misses_{kind}_{kpi.direction}",
                lang,
                target=fmt.value(result.reference, unit, lang=lang),
            )
        )
    else:
        facts = sentences.Facts(label=label, unit=unit, value=result.value, previous=result.previous)
        clauses.append(sentences.change_clause(facts, lang))
    group = standout(frames, names, kpi.direction, "good" if item.kind == "improved" else "bad")
    if group is not None:
        split, name, value = group
        high = (kpi.direction == "up") == (item.kind == "improved")
        clauses.append(
            t(
                f"report.summary.{'highest' if high else 'lowest'}_{SPLITS[split]}",
                lang,
                name=name,
                value=fmt.value(value, unit, lang=lang),
            )
        )
    return t("report.sentence.joiner", lang).join(clauses) + t("report.sentence.end", lang)


def summary(
    results: dict, cat: Catalogue, breakdowns: dict[str, dict[str, pd.DataFrame]], names: dict[str, dict], lang: str
) -> tuple[list[str], list[str]]:
    """(improvement sentences, problem sentences). `breakdowns` is {kpi_id: {split: compute_by frame}} for the
    picked KPIs (a KPI without a split simply names no group); `names` is {split: {code: label}}."""
    improved, problems = pick(results, cat)

    def write(item: Pick) -> str:
        return sentence(item, results[item.kpi_id], cat[item.kpi_id], breakdowns.get(item.kpi_id, {}), names, lang)

    return [write(p) for p in improved], [write(p) for p in problems]


def splits_for(kpi) -> list[str]:
    """The breakdowns a summary sentence about `kpi` looks at (those its query can split by)."""
    return [split for split in SPLITS if split in kpi.dims]
