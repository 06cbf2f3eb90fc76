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


def _wide(rows: pd.DataFrame) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(scores: one row per response and one column per dimension, NaN where unanswered; the dimensions, in
    sorted order; each response's weight). The query gives one row per response × dimension, so the matrix is
    filled by index: a pandas pivot of the same rows costs ten times as much at city scale."""
    response_codes, _ = pd.factorize(rows["response_id"], sort=True)
    dimension_codes, dimensions = pd.factorize(rows["dimension"], sort=True)
    scores = np.full((response_codes.max() + 1, len(dimensions)), np.nan)
    scores[response_codes, dimension_codes] = rows["score_100"].to_numpy(dtype=float)
    weights = np.empty(len(scores))
    weights[response_codes] = rows["weight"].to_numpy(dtype=float)
    return scores, list(dimensions), weights


def driver_estimate(rows: pd.DataFrame) -> Estimate:
    """rows: response_id, weight, dimension, score_100 for one period and group (one row per response ×
    dimension)."""
    if rows.empty:
        return Estimate(n=0, effective_n=0)
    scores, columns, weights = _wide(rows)
    if "overall" not in columns:
        return Estimate(n=0, effective_n=0)
    complete = ~np.isnan(scores).any(axis=1)
    dimensions = [c for c in columns if c != "overall"]
    n = int(complete.sum())
    if not dimensions or n < MIN_RESPONSES_PER_DIMENSION * len(dimensions) + 1:
        return Estimate(n=n, effective_n=n)
    predictors = scores[complete][:, [columns.index(d) for d in dimensions]]
    outcome = scores[complete][:, columns.index("overall")]
    w = weights[complete]
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
    """Reducer for survey_driver_scores.sql (rows ordered by period_key, group_key): {(period_key, group_key):
    {kpi_id: Estimate}}. Each period and group is a contiguous slice, so no rows are copied to split them."""
    out = {}
    if frame.empty:
        return out
    period_codes, _ = pd.factorize(frame["period_key"])
    group_codes, _ = pd.factorize(frame["group_key"])  # NULL group (no split) → -1
    keys = period_codes * (group_codes.max() + 2) + group_codes + 1
    starts = np.flatnonzero(np.r_[True, np.diff(keys) != 0])
    for start, end in zip(starts, [*starts[1:], len(frame)]):
        rows = frame.iloc[start:end]
        group_key = rows["group_key"].iloc[0]
        key = (rows["period_key"].iloc[0], None if pd.isna(group_key) else group_key)
        est = driver_estimate(rows)
        out[key] = {kpi_id: est for kpi_id in kpi_ids}
    return out


REDUCERS = {"drivers": reduce_drivers}
