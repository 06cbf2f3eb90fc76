"""Before anything is imported, the overview, satisfaction, throughput and catalogue pages say so (or, for the
catalogue, still explain every KPI) instead of failing."""
from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from jianfu.metrics import load_catalogue
from jianfu.ui.i18n import t


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize("page", ["overview", "satisfaction", "throughput"])
def test_a_page_without_a_warehouse_points_to_the_data_page(page):
    at = AppTest.from_file("../dashboard.py", default_timeout=60)
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
        at.run()
    assert [e.value for e in at.exception] == []
    assert [i.value for i in at.info] == [t("common.no_warehouse")]
    assert at.caption[0].value.endswith(t("common.no_data_yet"))
    assert len(at.metric) == 0


def test_the_catalogue_needs_no_warehouse():
    at = AppTest.from_file("../dashboard.py", default_timeout=60)
    at.run()
    at.switch_page("pages/catalogue.py")
    at.run()
    assert [e.value for e in at.exception] == []
    assert len(at.expander) == len(load_catalogue())
