"""The one module that turns numbers into text. No page or component formats a number on its own.

Conventions
- Proportions are stored as fractions (0.953) and shown as percentages ("95.3%").
- Counts: zh groups by 万/亿 from 10,000 up ("1.3万", "2.1亿"); en uses thousands separators, then "1.2 M".
- A change of a proportion is shown in percentage points; a change of anything else as a relative change,
  except a composite score's, which is in score points ("-0.01", `score_change`), on every page and the report.
- A value backed by fewer than `suppress_below_n` observations is never shown: it reads "n<10".
"""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd

from jianfu import settings
from jianfu.display.i18n import current_lang, t

DASH = "—"  # no value (missing input or nothing to compare)
PROPORTION_UNITS = ("ratio", "percent")  # stored as fractions


def _missing(x) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def suppress_below_n() -> int:
    return int(settings.get("suppress_below_n"))


def rank_below_n() -> int:
    return int(settings.get("rank_below_n"))


def is_suppressed(n) -> bool:
    """True when a value rests on too few observations to be shown at all."""
    return n is not None and not _missing(n) and int(n) < suppress_below_n()


def suppressed_text() -> str:
    return f"n<{suppress_below_n()}"


def number(x, digits: int = 1) -> str:
    if _missing(x):
        return DASH
    text = f"{float(x):,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def count(x, lang: str | None = None) -> str:
    """A count of things: 9,876 / 1.3万 / 2.1亿 (zh), 9,876 / 1,234,567 → 1.23 M (en)."""
    if _missing(x):
        return DASH
    value = float(x)
    lang = lang or current_lang()
    size = abs(value)
    if lang == "zh" and size >= 1e8:
        return f"{number(value / 1e8, 2)}亿"
    if lang == "zh" and size >= 1e4:
        return f"{number(value / 1e4, 1 if size < 1e6 else 0)}万"
    if lang != "zh" and size >= 1e6:
        return f"{number(value / 1e6, 2)} M"
    return number(value, 0 if value == round(value) else 1)


def percent(x, digits: int = 1) -> str:
    """A fraction as a percentage: 0.9534 → 95.3%."""
    return DASH if _missing(x) else f"{float(x) * 100:.{digits}f}%"


def _amount(x, lang: str | None) -> str:
    """A measured amount: one decimal while small, then grouped like a count (12,243 / 1.2万)."""
    return number(x, 1) if abs(float(x)) < 1000 else count(round(float(x)), lang)


def working_days(x, lang: str | None = None) -> str:
    return DASH if _missing(x) else t("unit.working_days_value", lang, value=_amount(x, lang))


def days(x, lang: str | None = None) -> str:
    return DASH if _missing(x) else t("unit.days_value", lang, value=_amount(x, lang))


def hours(x, lang: str | None = None) -> str:
    return DASH if _missing(x) else t("unit.hours_value", lang, value=_amount(x, lang))


def per_1000(x, lang: str | None = None) -> str:
    return DASH if _missing(x) else t("unit.per_1000_value", lang, value=number(x, 2))


def yuan(x, lang: str | None = None) -> str:
    return DASH if _missing(x) else t("unit.yuan_value", lang, value=count(x, lang))


def score(x) -> str:
    """A CityScore-style score (actual/target, capped): 0.93."""
    return DASH if _missing(x) else f"{float(x):.2f}"


def score_change(current, previous) -> str | None:
    """The change of a composite or pillar score, in score points with the score's two decimals: "-0.01". The
    overview and the report both write it with this one function. None when there is nothing to compare."""
    if _missing(current) or _missing(previous):
        return None
    return f"{round(float(current) - float(previous), 2) + 0.0:+.2f}"


def day(d, lang: str | None = None) -> str:
    """A calendar date: 2025年3月31日 (zh), 2025-03-31 (en)."""
    if d is None:
        return DASH
    if isinstance(d, datetime):
        d = d.date()
    if not isinstance(d, date):
        d = date.fromisoformat(str(d)[:10])
    lang = lang or current_lang()
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else d.isoformat()


def month(d, lang: str | None = None) -> str:
    if d is None:
        return DASH
    d = d if isinstance(d, date) else date.fromisoformat(str(d)[:10])
    return f"{d.year}年{d.month}月" if (lang or current_lang()) == "zh" else f"{d:%Y-%m}"


_BY_UNIT = {
    "count": count,
    "working_days": working_days,
    "days": days,
    "hours": hours,
    "per_1000": per_1000,
    "yuan": yuan,
    "score": lambda x, lang=None: score(x),
    "index": lambda x, lang=None: number(x, 1),
    "per_worker_week": lambda x, lang=None: number(x, 1),
}


def value(x, unit: str | None, n=None, lang: str | None = None) -> str:
    """A KPI value in its unit; "n<10" when it rests on too few observations."""
    if is_suppressed(n):
        return suppressed_text()
    if unit in PROPORTION_UNITS:
        return percent(x)
    formatter = _BY_UNIT.get(unit or "")
    if formatter is not None:
        return formatter(x, lang=lang)
    return number(x, 1)


def change(current, reference, unit: str | None, lang: str | None = None) -> str | None:
    """The change from `reference` to `current`, signed: "+1.2 pp" for proportions, "+8.0%" otherwise.
    None when there is nothing to compare (st.metric then shows no arrow)."""
    points = _change_points(current, reference, unit)
    if points is None:
        return None
    if unit in PROPORTION_UNITS:
        return t("unit.pp_value", lang, value=_signed(points))
    return f"{_signed(points)}%"


def no_visible_change(current, reference, unit: str | None) -> bool:
    """True when `change()` would read +0.0: such a change gets no colour (it is neither better nor worse)."""
    points = _change_points(current, reference, unit)
    return points is not None and round(points, 1) == 0


def _change_points(current, reference, unit: str | None) -> float | None:
    """The change in percentage points (proportions) or per cent of the reference (everything else)."""
    if _missing(current) or _missing(reference):
        return None
    diff = float(current) - float(reference)
    if unit in PROPORTION_UNITS:
        return diff * 100
    if float(reference) == 0:
        return None
    return diff / abs(float(reference)) * 100


def _signed(x: float) -> str:
    """+1.2 / -1.2, and +0.0 (never -0.0) for a change that rounds to nothing."""
    return f"{round(x, 1) + 0.0:+.1f}"


def n_text(n, lang: str | None = None) -> str:
    return t("common.n_value", lang, n=count(n, lang)) if not _missing(n) else DASH


def table_gaps_as_dash(frame: pd.DataFrame, percent_columns=()) -> pd.DataFrame:
    """A copy for `st.dataframe`, which draws every missing value as the English word "None": a column with gaps
    becomes text formatted here (rates as percentages, other numbers with one decimal, dates as days), its gaps
    "—"; columns without gaps are left to the table's own number formats. (Exports keep empty cells.)"""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if not values.isna().any():
            continue
        if column in percent_columns:
            out[column] = values.map(lambda v: DASH if pd.isna(v) else percent(v))
        elif values.dtype == object or pd.api.types.is_bool_dtype(values) or pd.api.types.is_string_dtype(values):
            # all text: Arrow cannot carry a column of numbers or flags mixed with "—"
            out[column] = values.map(_cell_text)
        elif pd.api.types.is_integer_dtype(values):
            out[column] = values.map(lambda v: DASH if pd.isna(v) else f"{int(v):,}")
        elif pd.api.types.is_numeric_dtype(values):
            out[column] = values.map(lambda v: DASH if pd.isna(v) else number(v, 1))
        elif pd.api.types.is_datetime64_any_dtype(values):
            out[column] = values.map(_timestamp)
        else:
            out[column] = values.map(_cell_text)
    return out


def _timestamp(value) -> str:
    return DASH if pd.isna(value) else value.strftime("%Y-%m-%d %H:%M").removesuffix(" 00:00")


def _cell_text(value) -> str:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return DASH
    if isinstance(value, (bool, np.bool_)):
        return t("common.yes") if value else t("common.no")
    return value if isinstance(value, str) else str(value)
