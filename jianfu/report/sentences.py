"""One plain-language sentence per KPI, generated from its numbers, e.g.
"按时办结率96.2%，较上月提高1.4个百分点，连续7个月高于均值。" /
"On-time completion 96.2%, up 1.4 pp on last month, above its average for 7 months in a row."

Every number goes through `jianfu.display.format`; the words come from the `report.sentence.*` strings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from jianfu.display import format as fmt
from jianfu.display.i18n import t

# A run this long is worth a clause even when it is not (yet) a signal; 7 in a row is the XmR run rule.
RUN_WORTH_SAYING = 3


@dataclass(frozen=True)
class Facts:
    """What a sentence may say about one KPI in the report month."""

    label: str
    unit: str | None
    value: float | None
    suppressed: bool = False  # the engine's small-n rule (flag "suppressed"): the value is never shown
    previous: float | None = None  # last month's value
    target: float | None = None  # the score's reference: a policy target, else the KPI's own baseline
    target_is_baseline: bool = False
    direction: str = "up"  # "up" (higher is better), "down", or "context"
    limit_side: str | None = None  # "above" / "below" when the month is outside the control limits
    limit: float | None = None  # the limit it crossed
    run_months: int = 0  # months in a row (ending with this one) on the same side of the mean
    run_side: str | None = None  # "above" / "below"


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def off_target(value, target, direction: str) -> bool:
    """True when a value with a target misses it (below for ↑ KPIs, above for ↓ KPIs)."""
    if _missing(value) or _missing(target) or direction not in ("up", "down"):
        return False
    return value < target if direction == "up" else value > target


def change_clause(facts: Facts, lang: str) -> str:
    if _missing(facts.previous):
        return t("report.sentence.no_previous", lang)
    diff = float(facts.value) - float(facts.previous)
    if facts.unit in fmt.PROPORTION_UNITS:
        size, kind = abs(diff) * 100, "pp"
        shown = fmt.percent(abs(diff)).rstrip("%")  # points are written like the percentages they separate
    elif float(facts.previous) != 0:
        size, kind = abs(diff / float(facts.previous)), "relative"
        shown = fmt.percent(size)
        size *= 100
    else:
        size, kind = abs(diff), "relative"
        shown = fmt.value(abs(diff), facts.unit, lang=lang)
    if round(size, 1) == 0:
        return t("report.sentence.flat", lang)
    way = "up" if diff > 0 else "down"
    return t(f"report.sentence.{way}_{kind}", lang, value=shown)


def _pattern_clause(facts: Facts, lang: str) -> str | None:
    if facts.limit_side in ("above", "below") and not _missing(facts.limit):
        return t(f"report.sentence.{facts.limit_side}_limit", lang, limit=fmt.value(facts.limit, facts.unit, lang=lang))
    if facts.run_side in ("above", "below") and facts.run_months >= RUN_WORTH_SAYING:
        return t(f"report.sentence.run_{facts.run_side}", lang, months=facts.run_months)
    return None


def _target_clause(facts: Facts, lang: str) -> str | None:
    if not off_target(facts.value, facts.target, facts.direction):
        return None
    kind = "baseline" if facts.target_is_baseline else "target"
    return t(
        f"report.sentence.misses_{kind}_{facts.direction}", lang, target=fmt.value(facts.target, facts.unit, lang=lang)
    )


def sentence(facts: Facts, lang: str) -> str:
    """The sentence for one KPI; a value on too few observations is never shown, only "n<10"."""
    if facts.suppressed:
        return t("report.sentence.suppressed", lang, label=facts.label, n=fmt.suppressed_text())
    if _missing(facts.value):
        return t("report.sentence.no_value", lang, label=facts.label)
    clauses = [
        t("report.sentence.value", lang, label=facts.label, value=fmt.value(facts.value, facts.unit, lang=lang)),
        change_clause(facts, lang),
        _pattern_clause(facts, lang),
        _target_clause(facts, lang),
    ]
    text = t("report.sentence.joiner", lang).join(c for c in clauses if c)
    return text + t("report.sentence.end", lang)


def run_of_months(values: list[float], means: list[float]) -> tuple[int, str | None]:
    """How many points in a row, ending with the last, lie on one side of the mean. Months without a value
    (suppressed, no data) are skipped, as the engine's run rule skips them; a point on the mean breaks the run.
    Returns (length, "above" | "below" | None)."""
    length, side = 0, None
    for value, mean in zip(reversed(values), reversed(means)):
        if _missing(value):
            continue
        if _missing(mean) or value == mean:
            break
        this = "above" if value > mean else "below"
        if side not in (None, this):
            break
        side, length = this, length + 1
    return length, side
