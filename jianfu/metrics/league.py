"""The monthly 接诉即办 ranking (排名): every unit one level below the scope (the streets of a district, the
communities of a street …) on the three rates, on-time and 差评 per 1,000, ranked by a weighted composite.

The values are the catalogue's KPIs split by the unit (compute_by_many), never redefined here. The rules, as
the monthly 12345 bulletins apply them:
- composite = the weighted mean of the three rates in percent (settings `league_weights`, 30/35/35 for
  响应率/解决率/满意率); a rate a unit lacks (no work orders recording it, or too few to show) drops out and
  the other weights are rescaled, so a unit is compared on what it has;
- a unit with fewer than `rank_below_n` work orders (the largest n of its three rates) is shown but neither
  ranked nor coloured, and neither is a unit without a composite;
- competition ranking on the composite rounded to 2 decimals: equal composites share a rank and the next rank
  skips (1, 2, 2, 4);
- the change is the previous month's rank minus this month's (+2: up two places), None when the unit was not
  ranked in one of the two months;
- 红榜 / 黑榜: the top and the bottom `league_list_size` ranked units (ties at the edge included), each list at
  most half of the ranked units so the two never overlap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from jianfu import settings
from jianfu.metrics import units
from jianfu.metrics.series import compute_by_many
from jianfu.metrics.sql import run_rows

RATES = ("hotline_responded_rate", "hotline_resolved_rate", "hotline_satisfied_rate")  # 响应率, 解决率, 满意率
SHOWN = ("on_time_rate", "bad_per_1000")  # in the table, not in the composite
KPIS = (*RATES, *SHOWN)
# 差评 per 1,000 needs ratings: a unit none of whose cases was rated has no 差评 rate (—), not a perfect 0
RATED = "rating_coverage"
COLUMNS = [
    "unit",
    "n",
    *KPIS,
    "composite",
    "rankable",
    "rank",
    "previous_rank",
    "rank_change",
    "list",
]


def weights() -> dict[str, float]:
    """The composite's weights by rate from `league_weights` ("30/35/35": 响应率/解决率/满意率)."""
    text = str(settings.get("league_weights"))
    try:
        parts = [float(p) for p in text.replace(",", "/").split("/")]
    except ValueError:
        parts = []
    if len(parts) != len(RATES) or any(p < 0 for p in parts) or sum(parts) <= 0:
        raise ValueError(f"JIANFU_LEAGUE_WEIGHTS={text!r}: give three non-negative weights such as 30/35/35")
    return dict(zip(RATES, parts))


def weight_shares() -> dict[str, str]:
    """The weights as percentages for the notes that state them ({"responded": "30", "resolved": "35", …})."""
    weight = weights()
    total = sum(weight.values())
    return {k.removeprefix("hotline_").removesuffix("_rate"): f"{100 * w / total:g}" for k, w in weight.items()}


@dataclass(frozen=True)
class League:
    level: str  # "district", "street", "community" or "grid_id"
    table: pd.DataFrame  # COLUMNS, ranked units first (by rank), then the others by name
    top: list[str]  # 红榜
    bottom: list[str]  # 黑榜, worst first
    # This month's compute_by frames by KPI (values, n and funnel limits per unit), for the funnel plots.
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def ranked(self) -> int:
        return int(self.table["rankable"].sum())


def composite(rates: dict[str, float | None], weight: dict[str, float]) -> float | None:
    """The weighted mean in percent of the rates a unit has (None values drop out, the weights rescale)."""
    have = {k: v for k, v in rates.items() if v is not None and not pd.isna(v) and weight.get(k, 0) > 0}
    total = sum(weight[k] for k in have)
    if not have or total <= 0:
        return None
    return 100 * sum(weight[k] * v for k, v in have.items()) / total


def competition_ranks(scores: dict[str, float]) -> dict[str, int]:
    """1-2-2-4 ranking, higher first, on the scores rounded to 2 decimals."""
    rounded = {unit: round(score, 2) for unit, score in scores.items()}
    return {unit: 1 + sum(1 for other in rounded.values() if other > mine) for unit, mine in rounded.items()}


def rank_units(frames: dict[str, pd.DataFrame], weight: dict[str, float], below_n: int) -> pd.DataFrame:
    """One row per unit from compute_by frames ({kpi_id: frame with group, value, n, suppressed}): its KPI
    values, n, composite, whether it is ranked and its rank."""
    values: dict[object, dict] = {}
    for kpi_id in KPIS:
        frame = frames.get(kpi_id)
        if frame is None or frame.empty:
            continue
        for row in frame.itertuples(index=False):
            if row.group is None or pd.isna(row.group):
                continue  # cases the hierarchy cannot place (no grid, no street): no unit to rank
            entry = values.setdefault(row.group, {"unit": row.group, "n": 0})
            shown = not bool(row.suppressed) and row.value is not None and not pd.isna(row.value)
            entry[kpi_id] = float(row.value) if shown else None
            if kpi_id in RATES and row.n is not None and not pd.isna(row.n):
                entry["n"] = max(entry["n"], int(row.n))
    rated = frames.get(RATED)
    if rated is not None and not rated.empty:
        unrated = {r.group for r in rated.itertuples(index=False) if not r.numerator or pd.isna(r.numerator)}
        for unit in unrated & values.keys():
            values[unit]["bad_per_1000"] = None
    rows = []
    for entry in values.values():
        score = composite({k: entry.get(k) for k in RATES}, weight)
        rows.append(
            {
                **{k: None for k in KPIS},
                **entry,
                "composite": score,
                "rankable": score is not None and entry["n"] >= below_n,
            }
        )
    table = pd.DataFrame(rows, columns=["unit", "n", *KPIS, "composite", "rankable"])
    ranks = competition_ranks({r.unit: r.composite for r in table.itertuples() if r.rankable})
    table["rank"] = table["unit"].map(ranks).astype("Int64")
    return table


def red_and_black(table: pd.DataFrame, size: int) -> tuple[list[str], list[str]]:
    """(红榜 best first, 黑榜 worst first): ranked units within `size` of the top or the bottom, ties at the
    edge included, each list at most half of the ranked units."""
    ranked = table[table["rankable"]]
    size = min(size, len(ranked) // 2)
    if size <= 0:
        return [], []
    scores = ranked.set_index("unit")["composite"].round(2)
    top = [u for u, s in scores.items() if (scores > s).sum() < size]
    bottom = [u for u, s in scores.items() if (scores < s).sum() < size and u not in top]
    return (sorted(top, key=lambda u: (-scores[u], str(u))), sorted(bottom, key=lambda u: (scores[u], str(u))))


def build(
    current: pd.DataFrame, previous: pd.DataFrame | None, size: int, level: str, frames: dict | None = None
) -> League:
    """The league from this month's and the previous month's rank_units tables."""
    table = current.copy()
    before = {} if previous is None else {r.unit: r.rank for r in previous.itertuples() if r.rankable}
    table["previous_rank"] = table["unit"].map(before).astype("Int64")
    table["rank_change"] = (table["previous_rank"] - table["rank"]).astype("Int64")
    top, bottom = red_and_black(table, size)
    table["list"] = table["unit"].map({**{u: "red" for u in top}, **{u: "black" for u in bottom}})
    table = table.assign(_unranked=~table["rankable"], _name=table["unit"].astype(str))
    table = table.sort_values(["_unranked", "rank", "_name"], na_position="last").drop(columns=["_unranked", "_name"])
    return League(level, table.reset_index(drop=True)[COLUMNS], top, bottom, frames or {})


def change_text(change, none: str = "—") -> str:
    """↑2 (up two places), ↓1, = (same rank), `none` when the unit was not ranked in one of the two months."""
    if change is None or pd.isna(change):
        return none
    change = int(change)
    return f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "="


def level_below(con, filters) -> str | None:
    """The level ranked for these filters: the one under the deepest chosen level (a chosen district ranks its
    streets, a chosen street its communities; nothing chosen, the districts), going further down while that
    level has fewer than two units. None when no level has two units to compare."""
    start = 2 if filters.streets else 1 if filters.districts else 0
    tree = run_rows(con, "unit_tree", {})
    inside = [
        r
        for r in tree
        if (not filters.districts or r["district"] in filters.districts)
        and (not filters.streets or r["street"] in filters.streets)
        and (not filters.grids or r["grid_id"] in filters.grids)
    ]
    for level in units.LEVELS[start:]:
        if len({r[level] for r in inside if r[level] is not None}) >= 2:
            return level
    return None


def league(con, filters, level: str | None = None, *, facts=None, catalogue=None) -> League | None:
    """The ranking of the units at `level` (default level_below) for the filters' window, with the change
    against the previous window; None when there are fewer than two units (League.ranked says how many of
    them are large enough to rank)."""
    level = level or level_below(con, filters)
    if level is None:
        return None
    weight, below_n, size = weights(), int(settings.get("rank_below_n")), int(settings.get("league_list_size"))
    frames = [
        compute_by_many(con, (*KPIS, RATED), f, by=level, catalogue=catalogue, facts=facts)
        for f in (filters, filters.previous())
    ]
    tables = [rank_units(f, weight, below_n) for f in frames]
    result = build(tables[0], tables[1], size, level, frames[0])
    return result if len(result.table) >= 2 else None
