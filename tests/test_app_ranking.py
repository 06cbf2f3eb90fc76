"""AppTest of the ranking page over the sample warehouse (龙城区: six streets' 12345 work orders beside the 横塘
community's own systems): it renders in both languages without an error, ranks the six streets exactly as the
engine's league does for the default month, leaves the small street (潞城街道, ~20 orders a month) unranked, and
shows the street selector (the sample names six streets)."""

from __future__ import annotations

import pytest
from apptest_pages import open_page as run

from jianfu import metrics, warehouse
from jianfu.display.i18n import t
from jianfu.metrics import league
from jianfu.ui.filter_params import preset_window

pytestmark = pytest.mark.usefixtures("fresh_caches")
STREETS = {"横塘街道", "红梅街道", "青龙街道", "茶山街道", "丁堰街道", "潞城街道"}


def _default_league():
    con = warehouse.read_connection()
    start, end = preset_window("last_month", metrics.data_as_of(con).date())
    return league.league(con, metrics.Filters(start=start, end=end))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_ranking_page_ranks_the_sample_streets_as_the_engine_does(sample_warehouse, lang):
    at = run("ranking", **({"lang": lang} if lang == "en" else {}))
    assert at.title[0].value == t("page.ranking", lang)
    assert [e.value for e in at.error] == []
    expected = _default_league()
    assert expected.level == "street" and set(expected.table["unit"]) == STREETS
    shown = next(f.value for f in at.dataframe if len(f.value) == len(STREETS))
    units = shown[shown.columns[2]].tolist()  # rank, change, unit, …
    assert units == expected.table["unit"].tolist()
    ranks = dict(zip(units, shown[shown.columns[0]].tolist()))
    assert str(ranks["潞城街道"]) in ("None", "nan", "—", "<NA>")  # under 30 orders: listed, not ranked
    assert sorted(int(r) for u, r in ranks.items() if u != "潞城街道") == sorted(
        int(r) for r in expected.table["rank"].dropna()
    )
    labels = [m.label for m in at.multiselect]
    assert t("filter.street", lang) in labels
