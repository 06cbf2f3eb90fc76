"""Key-driver analysis of the resident survey: which dimensions move overall satisfaction.

Per response: the overall item and each dimension's mean item score, all on 0–100 (survey_driver_scores.sql).
Responses that answered the overall item and every dimension (the query returns only those) enter a relative-weights analysis (Johnson 2000;
stats.relative_weights) of overall on the dimensions, weighted by the survey weight. The result's value is the
model's R²; its detail lists, per dimension, the importance (share of R²), the raw weight and the performance
(weighted mean score) — the two axes of the importance × performance quadrant.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jianfu.metrics import stats
from jianfu.metrics.estimates import Estimate

MIN_RESPONSES_PER_DIMENSION = 5  # fewer complete responses than this per predictor cannot support a model


def driver_estimate(scores: np.ndarray, columns: list[str], weights: np.ndarray) -> Estimate:
    """scores: one row per complete response of one period and group, one column per name in `columns`
    (the dimensions and 'overall'); weights: each response's survey weight."""
    if "overall" not in columns:
        return Estimate(n=0, effective_n=0)
    dimensions = [c for c in columns if c != "overall"]
    n = len(scores)
    if not dimensions or n < MIN_RESPONSES_PER_DIMENSION * len(dimensions) + 1:
        return Estimate(n=n, effective_n=n)
    predictors = scores[:, [columns.index(d) for d in dimensions]]
    outcome = scores[:, columns.index("overall")]
    if np.any(predictors.std(axis=0) == 0) or outcome.std() == 0:
        return Estimate(n=n, effective_n=n)
    r_squared, raw = stats.relative_weights(predictors, outcome, weights)
    performance = np.average(predictors, axis=0, weights=weights)
    table = [
        {
            "dimension": d,
            "importance": float(r / r_squared) if r_squared > 0 else None,
            "raw_weight": float(r),
            "performance": float(perf),
        }
        for d, r, perf in zip(dimensions, raw, performance)
    ]
    table.sort(key=lambda row: -(row["importance"] or 0))
    return Estimate(value=r_squared, n=n, effective_n=n, detail={"dimensions": table})


def reduce_drivers(table: pa.Table, kpi_ids: list[str]) -> dict[tuple, dict[str, Estimate]]:
    """Reducer for survey_driver_scores.sql (complete responses ordered by period_key and group_key, each
    period and group's dimension names on its first row): {(period_key, group_key): {kpi_id: Estimate}}.
    Each period and group is a contiguous slice; its score lists become one matrix without a Python loop."""
    out = {}
    if table.num_rows == 0:
        return out
    keys = pc.binary_join_element_wise(table["period_key"], pc.fill_null(table["group_key"], ""), "\x1f")
    keys = keys.to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    for start, end in zip(starts, [*starts[1:], table.num_rows]):
        rows = table.slice(start, end - start)
        first = rows.slice(0, 1).to_pylist()[0]
        columns = first["dimensions"]
        scores = rows["scores"].combine_chunks().flatten().to_numpy().reshape(-1, len(columns))
        est = driver_estimate(scores, columns, rows["weight"].to_numpy())
        out[(first["period_key"], first["group_key"])] = {kpi_id: est for kpi_id in kpi_ids}
    return out


REDUCERS = {"drivers": reduce_drivers}
