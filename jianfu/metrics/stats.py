"""The statistics every KPI shares: intervals, scores, control limits, funnel limits, relative weights.

Quantiles come from scipy.special (ndtri, stdtrit). The Wilson interval is the closed form that statsmodels'
`proportion_confint(method="wilson")` computes; tests/test_metrics_stats.py checks the two agree. It is written
out because importing statsmodels costs over a second, which alone would break the 2-second budget of
`jianfu kpis` (scipy.stats costs most of one too).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtri, stdtrit

XMR_SIGMA = 2.66  # mean ± 2.66 × mean moving range: the natural process limits of an XmR chart
RUN_LENGTH = 7  # this many points in a row on one side of the mean is a signal
ROUNDING = 1e-9  # relative difference below which two values are the same number (float rounding)
FUNNEL_LEVELS = {"95": 0.95, "998": 0.998}


def wilson(successes: float, n: float, level: float = 0.95) -> tuple[float | None, float | None]:
    """Wilson score interval; n may be an effective (non-integer) sample size."""
    if not n or n <= 0:
        return None, None
    z = float(ndtri(0.5 + level / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(centre - half, 0.0), min(centre + half, 1.0)


def t_interval(mean: float, sd: float, n: float, level: float = 0.95) -> tuple[float | None, float | None]:
    if mean is None or sd is None or not n or n < 2 or math.isnan(sd):
        return None, None
    half = float(stdtrit(n - 1, 0.5 + level / 2)) * sd / math.sqrt(n)
    return mean - half, mean + half


def ratio_interval(
    num: float, den: float, n: float, syy: float, sxx: float, sxy: float, level: float = 0.95
) -> tuple[float | None, float | None]:
    """Ratio-of-sums estimate R = Σy/Σx with the linearised (delta-method) variance
    Var(R) ≈ Σ(y − R·x)² / ((n − 1) · n · x̄²), t quantile with n − 1 degrees of freedom."""
    if not n or n < 2 or not den:
        return None, None
    ratio = num / den
    residual_ss = max(syy - 2 * ratio * sxy + ratio * ratio * sxx, 0.0)
    mean_x = den / n
    se = math.sqrt(residual_ss / (n - 1) / n) / mean_x
    half = float(stdtrit(n - 1, 0.5 + level / 2)) * se
    return ratio - half, ratio + half


def weighted_mean_interval(
    sum_wx: float, sum_w: float, sum_w2: float, sum_wx2: float, level: float = 0.95
) -> tuple[float | None, float | None, float | None]:
    """(ci_low, ci_high, effective n) of a weighted mean: effective n = (Σw)²/Σw², the weighted variance
    Σw(x − m)²/Σw spread over it, and a t quantile with effective n − 1 degrees of freedom."""
    if not sum_w or not sum_w2:
        return None, None, None
    n_eff = sum_w * sum_w / sum_w2
    mean = sum_wx / sum_w
    variance = max(sum_wx2 / sum_w - mean * mean, 0.0)
    if n_eff < 2:
        return None, None, n_eff
    sd = math.sqrt(variance * n_eff / (n_eff - 1))
    low, high = t_interval(mean, sd, n_eff, level)
    return low, high, n_eff


def score(value: float | None, reference: float | None, direction: str, cap: float) -> float | None:
    """CityScore-style score: value/reference when higher is better, reference/value when lower is better,
    capped. Undefined (None) without a positive reference, except that a lower-is-better KPI at 0 meets any
    reference (capped) and a reference of 0 is met only by 0 (1.0, else 0.0)."""
    if value is None or reference is None or direction not in ("up", "down") or value < 0:
        return None
    if direction == "down" and reference == 0:
        return 1.0 if value == 0 else 0.0
    if reference <= 0:
        return None
    if direction == "up":
        return min(value / reference, cap)
    return cap if value == 0 else min(reference / value, cap)


def xmr(values: list[float | None]) -> tuple[float | None, float | None, float | None, list[str]]:
    """XmR chart over the points that have a value: (mean, ucl, lcl, signal rule per point). A point signals
    'outside_limits' beyond mean ± 2.66 × mean moving range, or 'run_of_7' when it belongs to 7 or more points
    in a row on the same side of the mean; '' otherwise (and for points without a value)."""
    points = [(i, v) for i, v in enumerate(values) if v is not None and not math.isnan(v)]
    rules = [""] * len(values)
    if len(points) < 2:
        return (points[0][1] if points else None), None, None, rules
    series = np.array([v for _, v in points], dtype=float)
    mean = float(series.mean())
    moving_range = float(np.abs(np.diff(series)).mean())
    ucl, lcl = mean + XMR_SIGMA * moving_range, mean - XMR_SIGMA * moving_range
    # Sums of floats differ in the last bits (a stock that did not move reads 11118.35 ± 2e-12): within this
    # tolerance a point is on the mean and inside its limits, so rounding noise never makes a run or a signal.
    tolerance = ROUNDING * max(1.0, abs(mean))
    sides = np.where(np.abs(series - mean) <= tolerance, 0.0, np.sign(series - mean))
    run_start = 0
    for j in range(1, len(series) + 1):
        if j == len(series) or sides[j] != sides[run_start] or sides[j] == 0:
            if sides[run_start] != 0 and j - run_start >= RUN_LENGTH:
                for k in range(run_start, j):
                    rules[points[k][0]] = "run_of_7"
            run_start = j
    for i, v in points:
        if v > ucl + tolerance or v < lcl - tolerance:
            rules[i] = "outside_limits"
    return mean, ucl, lcl, rules


def xmr_phases(values: list[float | None], phase_of: list[int]) -> tuple[list, list, list, list[str]]:
    """XmR limits that restart where a KPI's intended step falls (a reform date, `step_at` in the catalogue):
    each phase (points sharing a `phase_of` number) gets its own mean and limits from its own points only, so
    the step the reform was meant to cause is not read as a signal. Returns per point (mean, ucl, lcl, rule)."""
    means, ucls, lcls, rules = [None] * len(values), [None] * len(values), [None] * len(values), [""] * len(values)
    for phase in dict.fromkeys(phase_of):
        index = [i for i, p in enumerate(phase_of) if p == phase]
        mean, ucl, lcl, phase_rules = xmr([values[i] for i in index])
        for i, rule in zip(index, phase_rules):
            means[i], ucls[i], lcls[i], rules[i] = mean, ucl, lcl, rule
    return means, ucls, lcls, rules


def signal_size(value: float | None, mean: float | None, ucl: float | None) -> float:
    """How far a point lies from its mean in standard deviations (σ̂ = mean moving range / 1.128, the XmR
    estimate; the limits sit at 3σ̂): the impact used to order signals. 0 without limits or without a spread."""
    if value is None or mean is None or ucl is None or any(map(math.isnan, (value, mean, ucl))) or ucl == mean:
        return 0.0
    return abs(value - mean) / ((ucl - mean) / 3)


def funnel_limits(centre: float, n: float, spread: float, level: float) -> tuple[float, float]:
    """Normal-approximation funnel limits centre ± z·spread/√n (spread = √(p(1−p)) for a proportion,
    the standard deviation for a mean)."""
    z = float(ndtri(0.5 + level / 2))
    half = z * spread / math.sqrt(n)
    return centre - half, centre + half


def relative_weights(predictors: np.ndarray, outcome: np.ndarray, weights: np.ndarray) -> tuple[float, np.ndarray]:
    """Johnson's (2000) relative weights: (R², raw weight per predictor; the raw weights sum to R²).
    The predictors are replaced by their closest orthogonal counterparts, the outcome is regressed on those,
    and each orthogonal variable's share is mapped back to the original predictors."""
    data = np.column_stack([predictors, outcome])
    covariance = np.cov(data, rowvar=False, aweights=weights)
    scale = np.sqrt(np.diag(covariance))
    correlation = covariance / np.outer(scale, scale)
    r_xx, r_xy = correlation[:-1, :-1], correlation[:-1, -1]
    eigenvalues, eigenvectors = np.linalg.eigh(r_xx)
    eigenvalues = np.clip(eigenvalues, 0.0, None)
    lambda_half = eigenvectors @ np.diag(np.sqrt(eigenvalues)) @ eigenvectors.T
    beta = np.linalg.lstsq(lambda_half, r_xy, rcond=None)[0]
    raw = (lambda_half**2) @ (beta**2)
    return float(raw.sum()), raw
