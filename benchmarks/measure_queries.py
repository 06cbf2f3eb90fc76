"""Rows for the query side: first render of each page, each page's query set (cold and warm, default and narrow
filter), the single-scan floor, and the pandas peer, with the ratios between them."""

from __future__ import annotations

import math
import statistics

import pandas as pd

from benchmarks.context import FILTERS, Context
from benchmarks.page_queries import Call
from benchmarks.report import Row

COLD_LIMIT, WARM_LIMIT, FLOOR_RATIO, PEER_RATIO, RENDER_LIMIT = 1.0, 0.2, 2.0, 5.0, 1.5
PEER_PAGES = ("overview", "throughput")


def render_rows(ctx: Context) -> list[Row]:
    rows = []
    for page in ctx.pages:
        entry = ctx.recording[page]
        errors = entry["errors_default"] + entry["errors_narrow"]
        at_sample = ctx.scale == "sample"
        rows.append(
            Row(
                f"render {page} (AppTest, first)",
                ctx.scale,
                [entry["render_default"]],
                target=f"≤ {RENDER_LIMIT} s at sample scale" if at_sample else "",
                met=entry["render_default"] <= RENDER_LIMIT and not errors if at_sample else None,
                note=f"page error: {errors[0]}" if errors else "",
            )
        )
    return rows


def floor(ctx: Context) -> dict:
    """{filter: {"cold": [...], "warm": [...], "rows": …}} of the floor query."""
    if "floor" not in ctx.shared:
        result = {}
        for filter_name in FILTERS:
            params = ctx.floor_params(filter_name)
            runs = [
                ctx.spawn("floor", {"params": params, "runs": ctx.runs if i == 0 else 0}) for i in range(ctx.cold_runs)
            ]
            result[filter_name] = {
                "cold": [r["cold"] for r in runs],
                "warm": runs[0]["warm"],
                "values": runs[0]["values"],
            }
        ctx.shared["floor"] = result
    return ctx.shared["floor"]


def floor_rows(ctx: Context) -> list[Row]:
    return [
        Row(
            f"floor: one query, overview+throughput aggregates, {filter_name} {mode}",
            ctx.scale,
            floor(ctx)[filter_name][mode],
        )
        for filter_name in FILTERS
        for mode in ("cold", "warm")
    ]


def replay(ctx: Context, calls: list[Call]) -> dict:
    """The query set timed in `cold_runs` fresh processes; the first one also repeats it warm."""
    runs = [ctx.spawn("replay", {"calls": calls, "runs": ctx.runs if i == 0 else 0}) for i in range(ctx.cold_runs)]
    return {
        "cold": [r["cold"] for r in runs],
        "warm": runs[0]["warm"],
        "cold_calls": [statistics.median(c) for c in zip(*(r["cold_calls"] for r in runs))],
        "warm_calls": runs[0]["warm_calls"],
    }


def page_rows(ctx: Context) -> list[Row]:
    rows = []
    timings = ctx.shared.setdefault("page_timings", {})
    for page in ctx.pages:
        for filter_name in FILTERS:
            calls = ctx.recording[page][f"calls_{filter_name}"]
            ctx.log(f"[{ctx.scale}] query set {page} {filter_name}: {len(calls)} calls")
            timed = timings[(page, filter_name)] = replay(ctx, calls)
            for mode, limit in (("cold", COLD_LIMIT), ("warm", WARM_LIMIT)):
                row = Row(
                    f"queries {page}, {filter_name} filter, {mode}",
                    ctx.scale,
                    timed[mode],
                    target=f"≤ {limit:g} s and ≤ {FLOOR_RATIO:g}× floor",
                    note=f"{len(calls)} calls",
                )
                floor_median = statistics.median(floor(ctx)[filter_name][mode])
                row.ours_floor = row.median / floor_median if floor_median else None
                row.met = row.median <= limit and (row.ours_floor or 0) <= FLOOR_RATIO
                rows.append(row)
    return rows


def _kpi_calls(ctx: Context, filter_name: str) -> list[Call]:
    calls, seen = [], set()
    for page in PEER_PAGES:
        for call in ctx.recording.get(page, {}).get(f"calls_{filter_name}", []):
            if call.accessor == "_kpis" and repr(call) not in seen:
                seen.add(repr(call))
                calls.append(call)
    return calls


def peer_rows(ctx: Context) -> list[Row]:
    rows = []
    for filter_name in FILTERS:
        calls = _kpi_calls(ctx, filter_name)
        if not calls:
            rows.append(
                Row(
                    f"ours: overview+throughput KPIs, {filter_name}",
                    ctx.scale,
                    note="no KPI calls recorded on the overview/throughput pages",
                )
            )
            continue
        ours = replay(ctx, calls)
        ours_row = Row(
            f"ours: overview+throughput KPIs (engine), {filter_name}, warm",
            ctx.scale,
            ours["warm"],
            note=f"{len(calls)} compute_kpis calls",
        )
        result = ctx.spawn(
            "peer",
            {
                "parquet_dir": str(ctx.dataset.parquet_dir),
                "runs": max(ctx.cold_runs, 2),
                "params": ctx.floor_params(filter_name),
            },
        )
        same = _same_values(result["values"], floor(ctx)[filter_name]["values"])
        check = "same values as the floor" if same else "VALUES DIFFER from the floor query"
        excluded = Row(
            f"peer: pandas from Parquet, {filter_name}, load excluded",
            ctx.scale,
            result["compute"],
            target=f"peer/ours ≥ {PEER_RATIO:g}×",
            note=check,
        )
        included = Row(
            f"peer: pandas from Parquet, {filter_name}, load included",
            ctx.scale,
            [a + b for a, b in zip(result["load"], result["compute"])],
        )
        for row in (excluded, included):
            row.peer_ours = row.median / ours_row.median
        excluded.met = excluded.peer_ours >= PEER_RATIO
        rows += [ours_row, excluded, included]
    return rows


def _same_values(peer_values: dict, floor_values: pd.DataFrame) -> bool:
    """The peer and the floor compute the same aggregates: check that they agree, so both measure the same work."""
    from benchmarks.peer import AGGREGATES

    if len(peer_values) != len(floor_values):
        return False
    for floor_row in floor_values.itertuples(index=False):
        peer_row = peer_values.get(pd.Timestamp(floor_row.month))
        if peer_row is None or not all(_close(peer_row[name], getattr(floor_row, name)) for name in AGGREGATES):
            return False
    return True


def _numbers(value) -> list[float]:
    """A value or list of values as floats, missing ones (None, NA, NaN) left out."""
    values = list(value) if hasattr(value, "__len__") and not isinstance(value, str) else [value]
    return [float(v) for v in values if not pd.isna(v)]


def _close(a, b) -> bool:
    x, y = _numbers(a), _numbers(b)
    return len(x) == len(y) and all(math.isclose(p, q, rel_tol=1e-9, abs_tol=1e-9) for p, q in zip(x, y))


def profile(ctx: Context) -> list[str]:
    """Where the time goes in the slowest query set: its calls ranked by cold time, then the DuckDB time per
    query file and the Python time around it (one more cold and one warm run with every statement timed)."""
    timings = ctx.shared.get("page_timings")
    if not timings:
        return []
    (page, filter_name), timed = max(timings.items(), key=lambda item: statistics.median(item[1]["cold"]))
    calls = ctx.recording[page][f"calls_{filter_name}"]
    ranked = sorted(
        zip(calls, timed["cold_calls"], timed["warm_calls"] or [0.0] * len(calls)), key=lambda item: -item[1]
    )
    lines = [
        f"Slowest query set at {ctx.scale}: {page}, {filter_name} filter, cold "
        f"{statistics.median(timed['cold']):.3f} s over {len(calls)} calls. Top calls (cold / warm):"
    ]
    lines += [f"- {call.label()}: {cold:.3f} s / {warm:.3f} s" for call, cold, warm in ranked[:10]]
    sql = ctx.spawn("profile", {"calls": calls})
    cold, warm = sql["cold"], sql["warm"]
    total_cold, total_warm = sum(cold["call_seconds"]), sum(warm["call_seconds"])
    in_sql_cold, in_sql_warm = sum(cold["sql_seconds"].values()), sum(warm["sql_seconds"].values())
    lines.append(
        f"DuckDB time by query file in that set (statements; cold / warm seconds); outside DuckDB "
        f"(Python: binding, estimates, pandas): {total_cold - in_sql_cold:.3f} s / "
        f"{total_warm - in_sql_warm:.3f} s of {total_cold:.3f} s / {total_warm:.3f} s:"
    )
    for name, seconds in sorted(cold["sql_seconds"].items(), key=lambda item: -item[1])[:12]:
        lines.append(f"- {name} ×{cold['sql_count'][name]}: {seconds:.3f} s / {warm['sql_seconds'].get(name, 0):.3f} s")
    return lines
