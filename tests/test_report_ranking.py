"""The monthly report's ranking: a section in the HTML and a 排名 sheet in the XLSX with the league's ranks, only
when at least two units are ranked (the tiny street warehouse of test_metrics_league, counted by hand there)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from test_metrics_league import tiny  # noqa: F401 — the fixture

from jianfu.report import build_report, render_xlsx
from jianfu.report.html import render_html


@pytest.fixture
def report(tiny):  # noqa: F811
    return build_report(tiny, "2025-03", lang="zh")


def test_the_report_ranks_the_streets(report):
    table = report.ranking.table.set_index("unit")
    assert table["rank"].tolist()[:3] == [1, 1, 3] and list(table.index) == ["S1", "S2", "S3", "S5"]
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    assert "排名" in book.sheetnames
    assert book.sheetnames.index("排名") == book.sheetnames.index("分网格") + 1
    rows = list(book["排名"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("排名", "较上期", "上期排名", "单位", "工单数")
    by_unit = {r[3]: r for r in rows[1:]}
    # S1: 1st, up two from 3rd; S3: 3rd, down two from 1st; S5 (2 orders) unranked
    assert by_unit["S1"][:3] == (1, "↑2", 3) and by_unit["S3"][:3] == (3, "↓2", 1)
    assert by_unit["S5"][:3] == (None, None, None)
    assert by_unit["S1"][header.index("综合得分")] == 86.0
    assert by_unit["S1"][header.index("红黑榜")] == "红榜" and by_unit["S3"][header.index("红黑榜")] == "黑榜"
    html = render_html(report)
    assert "排名（接诉即办三率）" in html and "红榜：S1、S2" in html and "黑榜：S3" in html


def test_no_ranking_with_fewer_than_two_ranked_units(tiny, monkeypatch):  # noqa: F811
    monkeypatch.setenv("JIANFU_RANK_BELOW_N", "5")  # only S1 and S2 (5 orders each) are large enough: still two
    assert build_report(tiny, "2025-03", lang="zh").ranking.ranked == 2
    monkeypatch.setenv("JIANFU_RANK_BELOW_N", "6")  # none
    report = build_report(tiny, "2025-03", lang="zh")
    assert report.ranking is None
    assert "排名" not in openpyxl.load_workbook(io.BytesIO(render_xlsx(report))).sheetnames
    assert "排名（接诉即办三率）" not in render_html(report)
