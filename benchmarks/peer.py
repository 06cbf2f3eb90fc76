"""The peer: the overview's and throughput page's case and rating KPIs computed the usual way, in pandas from
Parquet files (what an analyst's notebook does: load, filter, group by month). Same aggregates, months and
filters as the floor query (benchmarks/queries/floor_case_kpis.sql), so the numbers measure the same work; the
harness checks that both give the same values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

# The aggregates per month, in the floor query's column order (after `month`).
AGGREGATES = (
    "cases_received",
    "cases_returned",
    "cases_closed",
    "on_time",
    "on_time_base",
    "cycle_days_p50_p90",
    "handoff_hours_p50",
    "closed_immediate",
    "closed_one_visit",
    "closed_online",
    "materials_reused",
    "materials_required",
    "responded_24h",
    "ratings",
    "cases_rated",
    "ratings_good",
    "ratings_top_box",
    "ratings_bad",
)


def load(parquet_dir: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(parquet_dir / f"{name}.parquet") for name in ("cases", "evaluations")}


def _case_months(cases: pd.DataFrame, data_end) -> pd.DataFrame:
    month = cases["received_at"].dt.to_period("M").dt.to_timestamp()
    as_of = (month + pd.DateOffset(months=1)).clip(upper=data_end)
    handled = ~cases["status"].isin(["cancelled", "returned"])
    closed = handled & (cases["closed_at"] < as_of)
    on_time_base = handled & cases["due_at"].notna() & ((cases["closed_at"] < as_of) | (cases["due_at"] < as_of))
    cycle = ((cases["closed_at"] - cases["received_at"]).dt.total_seconds() / 86400).where(
        closed & (cases["closed_at"] >= cases["received_at"])
    )
    handed = (cases["handed_off_at"] < as_of) & (cases["handed_off_at"] >= cases["accepted_at"])
    handoff = ((cases["handed_off_at"] - cases["accepted_at"]).dt.total_seconds() / 3600).where(handed)
    with_materials = cases["materials_required"] > 0
    responded = (cases["first_response_at"] < as_of) & (
        cases["first_response_at"] <= cases["received_at"] + pd.Timedelta(hours=24)
    )
    parts = pd.DataFrame(
        {
            "month": month,
            "cases_received": 1,
            "cases_returned": cases["status"] == "returned",
            "cases_closed": closed,
            "on_time": on_time_base & closed & (cases["closed_at"] <= cases["due_at"]),
            "on_time_base": on_time_base,
            "cycle": cycle,
            "handoff": handoff,
            "closed_immediate": closed & cases["immediate"].fillna(False).astype(bool),
            "closed_one_visit": closed & (cases["visits"] <= 1).fillna(False).astype(bool),
            "closed_online": closed & cases["channel"].isin(["online", "mobile"]) & (cases["visits"].fillna(0) == 0),
            "materials_reused": cases["materials_reused"].where(with_materials),
            "materials_required": cases["materials_required"].where(with_materials),
            "responded_24h": responded.fillna(False).astype(bool),
        }
    )
    grouped = parts.groupby("month")
    counts = grouped[
        [
            "cases_received",
            "cases_returned",
            "cases_closed",
            "on_time",
            "on_time_base",
            "closed_immediate",
            "closed_one_visit",
            "closed_online",
            "responded_24h",
        ]
    ].sum()
    counts["cycle_days_p50_p90"] = (
        grouped["cycle"].quantile(0.5).combine(grouped["cycle"].quantile(0.9), lambda p50, p90: [p50, p90])
    )
    counts["handoff_hours_p50"] = grouped["handoff"].median()
    counts["materials_reused"] = grouped["materials_reused"].sum(min_count=1)
    counts["materials_required"] = grouped["materials_required"].sum(min_count=1)
    return counts


def _rating_months(evaluations: pd.DataFrame) -> pd.DataFrame:
    month = evaluations["rated_at"].dt.to_period("M").dt.to_timestamp()
    rating = evaluations["rating"]
    parts = pd.DataFrame(
        {
            "month": month,
            "ratings": 1,
            "ratings_good": rating >= 3,
            "ratings_top_box": rating == 5,
            "ratings_bad": rating <= 2,
        }
    )
    sums = parts.groupby("month").sum()
    sums["cases_rated"] = evaluations.groupby(month)["case_id"].nunique()
    return sums


def compute(
    frames: dict[str, pd.DataFrame], series_start, end_exclusive, data_end, grids: list[str]
) -> dict[pd.Timestamp, dict]:
    """{month: {aggregate: value}} for cases received (ratings given) in [series_start, end_exclusive)."""
    cases, evaluations = frames["cases"], frames["evaluations"]
    cases = cases[(cases["received_at"] >= series_start) & (cases["received_at"] < end_exclusive)]
    evaluations = evaluations[(evaluations["rated_at"] >= series_start) & (evaluations["rated_at"] < end_exclusive)]
    if grids:
        cases = cases[cases["grid_id"].isin(grids)]
        in_grids = frames["cases"].loc[frames["cases"]["grid_id"].isin(grids), "case_id"]
        evaluations = evaluations[evaluations["case_id"].isin(in_grids)]
    months = _case_months(cases, data_end).join(_rating_months(evaluations), how="outer")
    return {month: {name: row.get(name) for name in AGGREGATES} for month, row in months.iterrows()}
