"""Pages open on the data (issues 10 and 14): an export that ends in 2019 opens on December 2019 with its numbers
and says why; on the sample's default month (October 2026, no survey wave, few micro-projects) no section of the
overview, satisfaction and micro-projects pages is empty: each shows its latest period with data, labelled with
its dates; a card says when working days had no holiday data and shows a backlog of 0 as 0."""

from __future__ import annotations

import pytest
from apptest_pages import open_page
from metrics_tables import insert
from streamlit.testing.v1 import AppTest
from test_metrics_data_span import export_2019

from jianfu import warehouse
from jianfu.display import format
from jianfu.display.i18n import t

SURVEY_WAVE = t("common.latest_period", "zh", start="2026年9月1日", end="2026年9月30日")  # the 2026Q3 wave
LAST_QUARTER = t("common.latest_period", "zh", start="2026年7月1日", end="2026年9月30日")


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


@pytest.mark.usefixtures("fresh_caches")
def test_an_export_ending_in_2019_opens_on_december_2019(tmp_path):
    with warehouse.write() as con:
        insert(con, "cases", export_2019())
    at = open_page("overview")
    shown = captions(at)
    assert t("filter.window", "zh", start="2019年12月1日", end="2019年12月31日") in shown
    assert t("filter.default_note", "zh", date="2019年12月31日") in shown
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["按时办结率"] == "100.0%"  # 12 of 12 (the case closed in 2022 was not due by 31 Dec)
    assert metrics["综合得分"] == format.DASH  # the 2024 baseline is outside the data: no number, but why
    assert t("kpi.not_enough_to_score", "zh") in shown
    throughput = open_page("throughput")
    assert {m.label: m.value for m in throughput.metric}["办件量"] == "13"
    # a period the user chose is not "the default"
    at = open_page("overview", period="last_quarter")
    assert t("filter.default_note", "zh", date="2019年12月31日") not in captions(at)


@pytest.mark.usefixtures("sample_warehouse", "fresh_caches")
def test_satisfaction_shows_the_last_survey_wave_when_the_month_has_none():
    at = open_page("satisfaction")
    assert t("filter.window", "zh", start="2026年10月1日", end="2026年10月31日") in captions(at)
    assert [m.label for m in at.metric if m.value == format.suppressed_text()] == []
    assert t("satisfaction.no_survey") not in infos(at) and t("satisfaction.no_drivers") not in infos(at)
    assert captions(at).count(SURVEY_WAVE) >= 5  # index and top-2 cards, funnel, dimensions, drivers
    charts = [c.proto.spec for c in at.get("plotly_chart")]
    assert len(charts) == 4  # ratings, funnel, dimensions, drivers


@pytest.mark.usefixtures("sample_warehouse", "fresh_caches")
def test_micro_projects_show_their_latest_quarter_when_the_month_has_too_few():
    at = open_page("micro_projects")
    assert [m.label for m in at.metric if m.value in (format.suppressed_text(), format.DASH)] == []
    assert t("common.empty_filters") not in infos(at)
    assert LAST_QUARTER in captions(at)
    assert len(at.get("plotly_chart")) == 2  # the stage funnel and the alliances


@pytest.mark.usefixtures("sample_warehouse", "fresh_caches")
def test_the_overview_has_no_empty_pillar_or_card():
    at = open_page("overview")
    values = {m.label: m.value for m in at.metric}
    assert values["微实事"] != format.DASH
    assert [label for label, value in values.items() if value in (format.suppressed_text(), format.DASH)] == []
    assert any(c.startswith(t("common.latest_period", "zh", start="", end="")[:5]) for c in captions(at))


def _card(kpi_id: str, value, n, flags):
    def script(kpi_id, value, n, flags):
        from jianfu.metrics import KpiResult, load_catalogue
        from jianfu.ui.components import kpi_card

        kpi_card(load_catalogue()[kpi_id], KpiResult(kpi_id, value=value, n=n, flags=frozenset(flags)))

    at = AppTest.from_function(script, kwargs={"kpi_id": kpi_id, "value": value, "n": n, "flags": sorted(flags)})
    at.run()
    assert [e.value for e in at.exception] == []
    return at


def test_a_card_says_when_working_days_had_no_holiday_data():
    at = _card("cycle_time", 5.0, 40, {"workdays_unknown", "no_target"})
    assert any(t("kpi.flag_workdays_unknown", "zh") in m.value for m in at.markdown)
    plain = _card("cycle_time", 5.0, 40, {"no_target"})
    assert not any(t("kpi.flag_workdays_unknown", "zh") in m.value for m in plain.markdown)


def test_a_backlog_of_zero_reads_zero():
    at = _card("backlog", 0, 0, {"no_target"})
    assert at.metric[0].value == "0"
