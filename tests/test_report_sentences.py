"""The report's one-line KPI sentences, built from hand-picked numbers (no warehouse)."""

from __future__ import annotations

import math

import pytest

from jianfu.display import format as fmt
from jianfu.report.sentences import Facts, off_target, run_of_months, sentence


def test_rate_with_change_and_run_in_chinese():
    facts = Facts("按时办结率", "ratio", 0.962, previous=0.948, direction="up", run_months=7, run_side="above")
    assert sentence(facts, "zh") == "按时办结率96.2%，较上月提高1.4个百分点，连续7个月高于均值。"


def test_same_facts_in_english_with_a_missed_target():
    facts = Facts(
        "On-time completion",
        "ratio",
        0.962,
        previous=0.948,
        target=0.98,
        direction="up",
        run_months=7,
        run_side="above",
    )
    assert sentence(facts, "en") == (
        "On-time completion 96.2%, up 1.4 pp on last month, above its average for "
        "7 months in a row, short of its 98.0% target."
    )


def test_count_above_its_control_limit_changes_relatively():
    facts = Facts(
        "办件量",
        "count",
        1200,
        previous=1000,
        direction="context",
        limit_side="above",
        limit=1100,
        run_months=1,
        run_side="above",
    )
    assert sentence(facts, "zh") == "办件量1,200，较上月增长20.0%，超出控制上限1,100，属异常波动。"


def test_lower_is_better_above_its_baseline():
    facts = Facts(
        "千件差评数",
        "per_1000",
        5.81,
        previous=2.70,
        target=4.7,
        target_is_baseline=True,
        direction="down",
        run_months=2,
        run_side="above",
    )
    per_1000 = fmt.value(5.81, "per_1000", lang="zh")  # the unit's words belong to the shared catalogue
    baseline = fmt.value(4.7, "per_1000", lang="zh")
    # (5.81 − 2.70) / 2.70 = 1.1518…: up 115.2%; a run of 2 is too short to mention
    expected = f"千件差评数{per_1000}，较上月增长115.2%，高于基线水平{baseline}。"
    assert sentence(facts, "zh") == expected


def test_a_falling_rate_and_a_policy_target_of_100_percent():
    facts = Facts("差评按期整改率", "ratio", 0.9, previous=0.95, target=1.0, direction="up")
    expected = "差评按期整改率90.0%，较上月下降5.0个百分点，未达到目标100.0%。"
    assert sentence(facts, "zh") == expected


def test_level_and_missing_last_month():
    assert sentence(Facts("满意率", "ratio", 0.93, previous=0.93004), "zh") == "满意率93.0%，与上月持平。"
    assert sentence(Facts("Satisfied", "ratio", 0.93), "en") == "Satisfied 93.0%, no figure for last month."


def test_a_suppressed_value_is_never_printed():
    facts = Facts("差评按期整改率", "ratio", 0.5, suppressed=True, previous=0.9, target=1.0)
    text = sentence(facts, "zh")
    assert text == "差评按期整改率样本不足（n<10），不显示数值。"
    assert not any(ch.isdigit() for ch in text.replace("n<10", ""))


def test_run_of_months_counts_back_from_the_last_point():
    assert run_of_months([1, 2, 3, 4, 5], [3, 3, 3, 3, 3]) == (2, "above")
    assert run_of_months([5, 5, 1], [3, 3, 3]) == (1, "below")
    assert run_of_months([1, 1, 1, 1], [3, 3, 3, 3]) == (4, "below")
    assert run_of_months([5, 3], [3, 3]) == (0, None)  # a point on the mean breaks the run
    # a month without a value is skipped, as the engine's run_of_7 rule skips it
    assert run_of_months([1, 5, math.nan, 5, None, 5], [3] * 6) == (3, "above")


@pytest.mark.parametrize(
    ("value", "target", "direction", "expected"),
    [
        (0.9, 1.0, "up", True),
        (1.0, 1.0, "up", False),
        (0.9, 1.0, "down", False),
        (6.0, 4.7, "down", True),
        (0.5, 1.0, "context", False),
        (None, 1.0, "up", False),
        (0.5, None, "up", False),
    ],
)
def test_off_target(value, target, direction, expected):
    assert off_target(value, target, direction) is expected
