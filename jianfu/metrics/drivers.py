"""Key-driver analysis of the resident survey: which dimensions move overall satisfaction.

Per response: the overall item and each dimension's mean item score, all on 0–100 (survey_driver_scores.sql).
Responses that answered the overall item and every dimension enter a relative-weights analysis (Johnson 2000;
stats.relative_weights) of overall on the dimensions, weighted by the survey weight. The result's value is the
model's R²; its detail lists, per dimension, the importance (share of R²), the raw weight and the performance
(weighted mean score) — the two axes of the importance × performance quadrant.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from jianfu.metrics import stats
from jianfu.metrics.estimates import Estimate

MIN_RESPONSES_PER_DIMENSION = 5  # fewer complete responses than this per predictor cannot support a model


def driver_estimate(rows: pd.DataFrame) -> Estimate:
    """rows: response_id, weight, dimension, score_100 for one period and group."""
    wide = rows.pivot_table(index="response_id", columns="dimension", values="score_100", aggfunc="mean")
    weights = rows.groupby("response_id")["weight"].first()
    if "overall" not in wide.columns:
        return Estimate(n=0, effective_n=0)
    complete = wide.dropna()
    dimensions = [c for c in complete.columns if c != "overall"]
    n = len(complete)
    if not dimensions or n < MIN_RESPONSES_PER_DIMENSION * len(dimensions) + 1:
        return Estimate(n=n, effective_n=n)
    predictors = complete[dimensions].to_numpy(dtype=float)
    outcome = complete["overall"].to_numpy(dtype=float)
    w = weights.reindex(complete.index).to_numpy(dtype=float)
    if np.any(predictors.std(axis=0) == 0) or outcome.std() == 0:
        return Estimate(n=n, effective_n=n)
    r_squared, raw = stats.relative_weights(predictors, outcome, w)
    performance = np.average(predictors, axis=0, weights=w)
    table = [
        {"dimension": d, "importance": float(r / r_squared) if r_squared > 0 else None, "raw_weight": float(r),
         "performance": float(perf)}
        for d, r, perf in zip(dimensions, raw, performance)
    ]
    table.sort(key=lambda row: -(row["importance"] or 0))
    return Estimate(value=r_squared, n=n, effective_n=n, detail={"dimensions": table})


def reduce_drivers(frame: pd.DataFrame, kpi_ids: list[str]) -> dict[tuple, dict[str, Estimate]]:
    """Reducer for survey_driver_scores.sql: {(period_key, group_key): {kpi_id: Estimate}}."""
    out = {}
    if frame.empty:
        return out
    for (period_key, group_key), rows in frame.groupby(["period_key", "group_key"], dropna=False, sort=False):
        est = driver_estimate(rows)
        key = (period_key, None if pd.isna(group_key) else group_key)
        out[key] = {kpi_id: est for kpi_id in kpi_ids}
    return out


REDUCERS = {"drivers": reduce_drivers}
