"""Before anything is imported, the overview, satisfaction, throughput and catalogue pages say so (or, for the
catalogue, still explain every KPI) instead of failing."""

from __future__ import annotations

import pytest
from apptest_pages import open_page

from jianfu.display.i18n import t
from jianfu.metrics import load_catalogue

pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.mark.parametrize("page", ["overview", "satisfaction", "throughput"])
def test_a_page_without_a_warehouse_points_to_the_data_page(page):
    at = open_page(page, timeout=60)
    assert [i.value for i in at.info] == [t("common.no_warehouse")]
    assert at.caption[0].value.endswith(t("common.no_data_yet"))
    assert len(at.metric) == 0


def test_the_catalogue_needs_no_warehouse():
    at = open_page("catalogue", timeout=60)
    assert len(at.expander) == len(load_catalogue())
