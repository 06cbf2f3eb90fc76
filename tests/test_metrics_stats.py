"""The shared statistics against the libraries they stand in for and against hand-computed values."""

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import proportion_confint

from jianfu.metrics import stats


@pytest.mark.parametrize("successes, n", [(0, 10), (1, 4), (9, 10), (10, 10), (512, 1000), (3.5, 7.25)])
def test_wilson_matches_statsmodels(successes, n):
    low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
    assert stats.wilson(successes, n) == (pytest.approx(max(low, 0.0), abs=1e-12), pytest.approx(high, abs=1e-12))
    assert stats.wilson(successes, 0) == (None, None)


def test_t_interval_matches_scipy():
    low, high = stats.t_interval(10.0, 2.0, 16)
    expected = scipy_stats.t.interval(0.95, df=15, loc=10.0, scale=2.0 / 4)
    assert (low, high) == (pytest.approx(expected[0]), pytest.approx(expected[1]))
    assert stats.t_interval(10.0, 2.0, 1) == (None, None)


def test_ratio_interval_is_the_delta_method():
    y, x = np.array([2.0, 0.0, 3.0, 5.0]), np.array([4.0, 2.0, 3.0, 6.0])
    r = y.sum() / x.sum()
    se = math.sqrt(((y - r * x) ** 2).sum() / 3 / 4) / x.mean()
    half = scipy_stats.t.ppf(0.975, 3) * se
    low, high = stats.ratio_interval(y.sum(), x.sum(), 4, (y * y).sum(), (x * x).sum(), (x * y).sum())
    assert (low, high) == (pytest.approx(r - half), pytest.approx(r + half))


def test_weighted_mean_interval_reports_effective_n():
    x, w = np.array([100.0, 75.0, 25.0]), np.array([1.0, 1.0, 2.0])
    low, high, n_eff = stats.weighted_mean_interval((w * x).sum(), w.sum(), (w * w).sum(), (w * x * x).sum())
    assert n_eff == pytest.approx(16 / 6)
    assert (low + high) / 2 == pytest.approx(56.25)


@pytest.mark.parametrize(
    "value, reference, direction, expected",
    [
        (0.9, 1.0, "up", 0.9),
        (1.5, 1.0, "up", 1.25),
        (2.0, 4.0, "down", 1.25),
        (5.0, 4.0, "down", 0.8),
        (0.0, 4.0, "down", 1.25),
        (0.0, 0.0, "down", 1.0),
        (1.0, 0.0, "down", 0.0),
        (1.0, 0.0, "up", None),
        (None, 1.0, "up", None),
        (1.0, None, "up", None),
        (1.0, 1.0, "context", None),
    ],
)
def test_score_is_capped_actual_over_target_or_target_over_actual(value, reference, direction, expected):
    assert stats.score(value, reference, direction, 1.25) == (pytest.approx(expected) if expected is not None else None)


def test_xmr_signals_a_run_of_seven_on_one_side():
    values = [10, 11, 9, 10, 12, 12, 12, 12, 12, 12, 12, 8, None]
    mean, ucl, lcl, rules = stats.xmr(values)
    points = [v for v in values if v is not None]
    assert mean == pytest.approx(sum(points) / 12)
    moving_range = sum(abs(a - b) for a, b in zip(points, points[1:])) / 11
    assert ucl == pytest.approx(mean + 2.66 * moving_range)
    assert rules == [
        "",
        "",
        "",
        "",
        "run_of_7",
        "run_of_7",
        "run_of_7",
        "run_of_7",
        "run_of_7",
        "run_of_7",
        "run_of_7",
        "outside_limits",
        "",
    ]
    assert stats.xmr([None, 5])[1:] == (None, None, ["", ""])


def test_funnel_limits_are_normal_limits_at_n():
    low, high = stats.funnel_limits(0.8, 100, math.sqrt(0.8 * 0.2), 0.998)
    half = scipy_stats.norm.ppf(0.999) * 0.04
    assert (low, high) == (pytest.approx(0.8 - half), pytest.approx(0.8 + half))


def test_relative_weights_add_up_to_r_squared_and_equal_squared_correlations_for_orthogonal_predictors():
    rng = np.random.default_rng(1)
    a = rng.normal(size=500)
    b = rng.normal(size=500)
    b = b - a * (a @ b) / (a @ a)  # exactly orthogonal to a
    y = 2 * a + b + rng.normal(size=500)
    r_squared, raw = stats.relative_weights(np.column_stack([a, b]), y, np.ones(500))
    design = np.column_stack([np.ones(500), a, b])
    residual = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    assert r_squared == pytest.approx(1 - residual @ residual / ((y - y.mean()) @ (y - y.mean())))
    assert raw == pytest.approx([np.corrcoef(a, y)[0, 1] ** 2, np.corrcoef(b, y)[0, 1] ** 2], abs=2e-3)


def test_xmr_limits_restart_at_a_step():
    # 8 months around 11, then the reform's intended step to around 21
    values = [10, 12] * 4 + [20, 22] * 4
    # One phase: mean 16, mean moving range (14 × 2 + 8) / 15 = 2.4, limits 16 ± 6.384: every point sits in a
    # run of 8 on one side of the mean, so all 16 read as signals.
    mean, ucl, lcl, rules = stats.xmr(values)
    assert (mean, ucl, lcl) == (pytest.approx(16), pytest.approx(22.384), pytest.approx(9.616))
    assert rules == ["run_of_7"] * 16
    # Two phases: 11 ± 2.66 × 2 before the step, 21 ± 2.66 × 2 after it; no signal.
    means, ucls, lcls, rules = stats.xmr_phases(values, [0] * 8 + [1] * 8)
    assert means == [pytest.approx(11)] * 8 + [pytest.approx(21)] * 8
    assert ucls == [pytest.approx(16.32)] * 8 + [pytest.approx(26.32)] * 8
    assert lcls == [pytest.approx(5.68)] * 8 + [pytest.approx(15.68)] * 8
    assert rules == [""] * 16


def test_a_point_after_the_step_is_judged_by_the_new_limits_only():
    # after the step: 20, 22, 20, 22, 40 → mean 24.8, moving range (2 + 2 + 2 + 18) / 4 = 6,
    # ucl 24.8 + 15.96 = 40.76: 40 is inside; against the old phase's limits (ucl 16.32) it would be far out
    values = [10, 12, 10, 12, 20, 22, 20, 22, 40]
    means, ucls, _, rules = stats.xmr_phases(values, [0] * 4 + [1] * 5)
    assert (means[-1], ucls[-1]) == (pytest.approx(24.8), pytest.approx(40.76))
    assert rules == [""] * 9


def test_float_rounding_is_no_signal():
    # a stock that did not move, summed in a different order each month
    values = [11118.35, 11118.35 + 1.8e-12, 11118.35 - 1.8e-12, 11118.35, 11118.35 + 1.8e-12] * 2
    assert stats.xmr(values)[3] == [""] * 10


def test_signal_size_is_in_xmr_sigmas():
    assert stats.signal_size(14.0, 10.0, 13.0) == pytest.approx(4.0)  # σ̂ = (13 − 10) / 3 = 1
    assert stats.signal_size(6.0, 10.0, 13.0) == pytest.approx(4.0)
    assert stats.signal_size(6.0, 10.0, 10.0) == 0.0 and stats.signal_size(None, 10.0, 13.0) == 0.0
