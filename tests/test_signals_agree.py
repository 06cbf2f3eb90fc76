"""The overview and the monthly report judge a month's control-chart signals on the same window, so the signals
the overview lists (and its cards badge) are exactly the report's for the same month and KPIs."""

from __future__ import annotations

import pytest

from jianfu import metrics, warehouse
from jianfu.metrics import ranking
from jianfu.report.content import build_report
from jianfu.ui import components, data
from jianfu.ui.filter_params import preset_window
from jianfu.ui.overview_view import HEADLINE

pytestmark = pytest.mark.usefixtures("sample_warehouse", "fresh_caches")


def _month_filters(months_back: int):
    as_of = metrics.data_as_of(warehouse.read_connection()).date()
    start, end = preset_window("last_month", as_of)
    for _ in range(months_back):
        start, end = preset_window("last_month", start)
    return metrics.Filters(start=start, end=end)


@pytest.mark.parametrize("months_back", [0, 3, 7])
def test_overview_signals_are_the_reports(months_back):
    filters = _month_filters(months_back)
    ids = [kpi_id for kpis in HEADLINE.values() for kpi_id in kpis]
    series = data.series_many(ids, filters, periods=components.SERIES_MONTHS)  # as the overview asks
    overview = {s.kpi_id: s.rule for s in ranking.latest_signals(series, data.catalogue())}
    report = build_report(warehouse.read_connection(), filters.start.strftime("%Y-%m"))
    in_report = {line.kpi.id: line.signal_rule for line in report.signals if line.kpi.id in ids}
    assert overview == in_report


def test_the_months_together_hold_signals():
    # the comparison above must not be between empty sets on every month
    found = 0
    for months_back in (0, 3, 7):
        report = build_report(warehouse.read_connection(), _month_filters(months_back).start.strftime("%Y-%m"))
        found += len(report.signals)
    assert found > 0
