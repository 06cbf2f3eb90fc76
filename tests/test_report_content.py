"""The report's own logic over hand-made engine results: pillar scores of last month and last year, which KPIs
count as signals or off target, the facts a sentence is built from, and the CLI's one-line errors."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from click.testing import CliRunner

from jianfu.cli import main
from jianfu.metrics import KpiResult, load_catalogue
from jianfu.report import content
from jianfu.report.content import KpiLine, ReportError, ScoreLine, parse_month


def test_pillar_scores_of_last_month_and_last_year_use_this_months_reference():
    cat = load_catalogue()
    results = {
        # gov, higher is better: 0.99 / 0.9 = 1.1 now; 0.9 / 0.9 = 1.0 last month; 0.81 / 0.9 = 0.9 a year ago
        "on_time_rate": KpiResult("on_time_rate", value=0.99, score=1.1, previous=0.9, last_year=0.81, reference=0.9),
        # gov, lower is better: 4 / 2 = 2 → capped 1.25 now; 4 / 4 = 1.0; 4 / 8 = 0.5
        "bad_per_1000": KpiResult("bad_per_1000", value=2.0, score=1.25, previous=4.0, last_year=8.0, reference=4.0),
        # resident: 1.0 now; no value last month (left out); 0.4 / 0.8 = 0.5 a year ago
        "satisfaction_rate": KpiResult(
            "satisfaction_rate", value=0.8, score=1.0, previous=None, last_year=0.4, reference=0.8
        ),
        "case_volume": KpiResult("case_volume", value=700.0, previous=10.0, last_year=1.0),  # context: not scored
    }
    lines = {line.key: line for line in content._score_lines(results, cat)}
    # last month scores only two KPIs: not enough for a composite (at least three), so no pillar either
    assert lines["gov"] == ScoreLine("gov", pytest.approx(1.175), None, pytest.approx(0.7))
    assert lines["resident"] == ScoreLine("resident", 1.0, None, pytest.approx(0.5))
    assert lines["micro"] == ScoreLine("micro", None, None, None)
    # overall = mean of the pillar means: (1.175 + 1.0) / 2; a year ago (0.7 + 0.5) / 2
    assert lines["overall"] == ScoreLine("overall", pytest.approx(1.0875), None, pytest.approx(0.6))


def _line(kpi_id: str, signal_rule: str = "", **result) -> KpiLine:
    return KpiLine(load_catalogue()[kpi_id], KpiResult(kpi_id, **result), signal_rule, "")


def test_signals_and_off_target_leave_out_small_samples():
    assert _line("on_time_rate", "outside_limits", value=0.99, n=500).signal
    assert not _line("on_time_rate", "", value=0.99, n=500).signal
    assert not _line("on_time_rate", "run_of_7", n=5, flags=frozenset({"suppressed"})).signal
    assert _line("on_time_rate", value=0.9, reference=0.95, n=500).off_target
    assert not _line("on_time_rate", value=0.96, reference=0.95, n=500).off_target
    # under 30 observations a value is shown but neither coloured nor ranked: no "off target" either
    assert not _line("on_time_rate", value=0.5, reference=0.95, n=20, flags=frozenset({"not_rankable"})).off_target
    assert _line("bad_per_1000", value=6.0, reference=4.7, n=500).off_target


def _series(values, means, ucl, lcl, signals, suppressed=None) -> pd.DataFrame:
    months = [date(2026, m, 1) for m in range(11 - len(values), 11)]
    return pd.DataFrame(
        {
            "period_start": months,
            "value": values,
            "mean": means,
            "ucl": ucl,
            "lcl": lcl,
            "signal": signals,
            "signal_rule": ["outside_limits" if s else "" for s in signals],
            "suppressed": suppressed or [False] * len(values),
        }
    )


def test_the_month_signal_is_read_from_the_report_month_only():
    frame = _series([0.9, 0.99, 0.95], [0.93] * 3, [0.98] * 3, [0.88] * 3, [False, True, False])
    assert content._month_signal(frame, date(2026, 10, 1)) == ("", 0.0)
    # 0.99 is 0.06 above a mean of 0.93 whose upper limit is 0.05 (3σ̂) above it: 3.6σ̂
    rule, size = content._month_signal(frame, date(2026, 9, 1))
    assert (rule, round(size, 6)) == ("outside_limits", 3.6)
    hidden = _series([None, 0.99], [0.93] * 2, [0.98] * 2, [0.88] * 2, [False, True], [False, True])
    assert content._month_signal(hidden, date(2026, 10, 1)) == ("", 0.0)


def test_facts_name_the_crossed_limit_and_the_run():
    cat = load_catalogue()
    frame = _series([0.94, 0.95, 0.99], [0.93] * 3, [0.98] * 3, [0.88] * 3, [False, False, True])
    result = KpiResult("on_time_rate", value=0.99, previous=0.95, reference=0.9, n=400)
    facts = content._facts(cat["on_time_rate"], result, frame, date(2026, 10, 1), "zh")
    assert (facts.limit_side, facts.limit, facts.run_months, facts.run_side) == ("above", 0.98, 3, "above")
    assert (facts.value, facts.previous, facts.target, facts.target_is_baseline) == (0.99, 0.95, 0.9, True)


@pytest.mark.parametrize("text", ["2026-13", "2026/10", "October", "2026-1x", ""])
def test_a_bad_month_is_one_sentence(text):
    with pytest.raises(ReportError, match="YYYY-MM"):
        parse_month(text, "en")
    assert parse_month(" 2026-10 ") == date(2026, 10, 1)


def test_cli_bad_month_and_missing_warehouse_end_with_one_line(tmp_path):
    runner = CliRunner()
    bad = runner.invoke(main, ["report", "--month", "2026-13", "--lang", "en", "--out", str(tmp_path)])
    assert bad.exit_code == 1
    assert bad.output.strip() == "Error: The month “2026-13” is not valid: write it as YYYY-MM, e.g. 2026-10."
    missing = runner.invoke(main, ["report", "--month", "2026-10", "--lang", "en", "--out", str(tmp_path)])
    assert missing.exit_code == 1
    assert missing.output.strip().startswith("Error: There is no warehouse yet")
    assert len(missing.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_every_literal_string_key_of_the_report_exists():
    """Keys are written whole (t("report.…")) or through the modules' helpers, which add a prefix."""
    import re
    from pathlib import Path

    from jianfu.display import i18n

    prefixes = {"_label": "report.", "_note": "report.", "_heading": "report.section.", "_h": "report.xlsx."}
    used = set()
    for path in Path(content.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["'](report\.[a-z0-9_.]+)["']""", text))
        for helper, prefix in prefixes.items():
            used |= {prefix + key for key in re.findall(rf"""\b{helper}\(report, ["']([a-z0-9_.]+)["']""", text)}
    assert len(used) > 40
    assert sorted(k for k in used if not i18n.has(k)) == []


def _report(lines, scores=(), improvements=(), problems=()):
    from datetime import datetime

    from jianfu.metrics import Filters

    empty = pd.DataFrame()
    return content.Report(
        month=date(2026, 10, 1),
        filters=Filters(date(2026, 10, 1), date(2026, 10, 31)),
        lang="zh",
        community="横塘",
        data_as_of=datetime(2026, 10, 31),
        generated_at=datetime(2026, 11, 2),
        catalogue=load_catalogue(),
        scores=tuple(scores),
        kpis=tuple(lines),
        charts={},
        grids=pd.DataFrame(columns=["grid_id", "name", "kpi_id", "value", "n", "suppressed"]),
        overdue=empty,
        sources=empty,
        improvements=tuple(improvements),
        problems=tuple(problems),
    )


def _signal_line(kpi_id, rule, size):
    return KpiLine(load_catalogue()[kpi_id], KpiResult(kpi_id, value=1.0, n=500), rule, f"{kpi_id} sentence", size)


SIGNAL_LINES = [
    _signal_line("case_volume", "run_of_7", 2.5),
    _signal_line("on_time_rate", "outside_limits", 3.4),
    _signal_line("cycle_time", "outside_limits", 7.0),
    _signal_line("backlog", "run_of_7", 1.2),
    _signal_line("online_rate", "outside_limits", 4.1),
    _signal_line("return_rate", "run_of_7", 0.5),
    _signal_line("reopen_rate", "", 0.0),
    _signal_line("immediate_rate", "outside_limits", 3.4),
]


def test_signals_come_largest_first_beyond_the_limits_before_runs():
    report = _report(SIGNAL_LINES)
    assert [line.kpi.id for line in report.signals] == [
        "cycle_time",
        "online_rate",
        "on_time_rate",
        "immediate_rate",
        "case_volume",
        "backlog",
        "return_rate",
    ]


def test_the_report_lists_five_signals_and_links_to_the_rest():
    from jianfu.report.html import _highlights

    text = _highlights(_report(SIGNAL_LINES))
    shown = [f"{k} sentence" for k in ("cycle_time", "online_rate", "on_time_rate", "immediate_rate", "case_volume")]
    assert [text.index(s) for s in shown] == sorted(text.index(s) for s in shown)
    assert "backlog sentence" not in text and "return_rate sentence" not in text
    assert '<a href="#kpis">另有 2 项显著变化，见“全部指标”表。</a>' in text
    assert "另有" not in _highlights(_report(SIGNAL_LINES[:3]))


def test_the_summary_opens_the_report():
    from jianfu.report.html import _summary

    text = _summary(_report([], improvements=["网办率提高。"], problems=["响应率低于基线。", "满意率下降。"]))
    assert text.startswith(
        '<h2 id="summary">本月要点</h2><h3>进步</h3><ul class="sentences"><li>网办率提高。</li></ul>'
        '<h3>问题</h3><ul class="sentences"><li>响应率低于基线。</li><li>满意率下降。</li></ul>'
    )
    assert "本月没有明显进步的指标。" in _summary(_report([], problems=["x"]))


def test_the_composite_change_is_in_score_points_with_its_definition():
    from jianfu.display.i18n import t
    from jianfu.report.html import _headline, _scores

    report = _report(
        [],
        scores=[
            ScoreLine("overall", 1.19, 1.2, 1.1),
            ScoreLine("gov", 1.19, 1.22, None),
            ScoreLine("resident", None, None, None),
            ScoreLine("micro", None, None, None),
            ScoreLine("record_keeping", 1.21, 1.21, 1.0),
        ],
    )
    assert "较上月 -0.01" in _headline(report) and "较去年同期 +0.09" in _headline(report)
    table = _scores(report)
    assert t("common.composite_definition", "zh") in table
    assert '<td class="num">-0.01</td>' in table and '<td class="num">-0.03</td>' in table
    assert '<td class="num">+0.00</td>' in table and "%" not in table.split("<table>")[1].split("</table>")[0]
