"""AppTest of the ranking page over the sample warehouse (one community's own systems: no 12345 work orders,
so no three rates to rank): it renders in both languages without an error and says why there is no ranking;
the district and street selectors stay hidden (the sample names no street)."""

from __future__ import annotations

import pytest
from apptest_pages import open_page as run

from jianfu.ui.i18n import t

pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_ranking_page_without_12345_data_says_so(sample_warehouse, lang):
    at = run("ranking", **({"lang": lang} if lang == "en" else {}))
    assert at.title[0].value == t("page.ranking", lang)
    assert [e.value for e in at.error] == []
    assert [i.value for i in at.info] == [t("ranking.no_hotline", lang)]
    labels = [m.label for m in at.multiselect]
    assert t("filter.grid", lang) in labels
    assert t("filter.street", lang) not in labels and t("filter.district", lang) not in labels
