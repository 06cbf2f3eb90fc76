"""AppTest over the sample warehouse for the record-keeping, grids & teams, micro-projects, data and explorer
pages: they render under the default filters, a filter that matches nothing and in English; the waterfall shows
the engine's numbers; the SQL console runs and refuses; a browser upload and its undo go through the importer."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from apptest_pages import open_page as run
from streamlit.testing.v1 import AppTest

from jianfu import metrics, warehouse, web_import
from jianfu.display.i18n import t
from jianfu.ui.filter_params import preset_window

NOTHING = {"start": "2001-01-01", "end": "2001-01-31"}  # long before the sample data
HAN = re.compile(r"[\u3400-\u9fff]")
# page → (KPI cards, charts) it shows under the default filters on the sample data
FILTERED = {"record_keeping": (9, 7), "grids_teams": (4, 5), "micro_projects": (6, 2)}


pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture
def server_past_first_visit(monkeypatch):
    """AppTest puts Streamlit back in its old pages/-folder mode before every run, so each run of a page first
    takes the router's detour (jianfu/ui/routing.py), whose rerun drops a click. A real server leaves that mode
    at its first visit: do the same, so that a click reaches the page."""
    from streamlit.runtime.pages_manager import PagesManager

    init = PagesManager.__init__

    def init_after_first_visit(self, *args, **kwargs):
        init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init_after_first_visit)


def shown_text(at: AppTest) -> list[str]:
    out = [
        e.value
        for kind in ("title", "subheader", "caption", "markdown", "info", "warning", "success", "error")
        for e in at.get(kind)
    ]
    return [str(x) for x in out + [m.label for m in at.metric] + [m.value for m in at.metric]]


@pytest.mark.parametrize("page", [*FILTERED, "data", "explorer"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_renders_in_both_languages(sample_warehouse, page, lang):
    at = run(page, **({"lang": lang} if lang == "en" else {}))
    assert at.title[0].value == t(f"page.{page}", lang)
    assert [s for s in shown_text(at) if "⟦" in s] == []
    assert [e.value for e in at.error] == []
    if page in FILTERED:
        cards, charts = FILTERED[page]
        assert (len(at.metric), len(at.get("plotly_chart"))) == (cards, charts)
    if lang == "en":
        assert [s for s in (m.label for m in at.metric) if HAN.search(s)] == []
        assert [s for s in (h.value for h in at.subheader) if HAN.search(s)] == []


@pytest.mark.parametrize("page", [*FILTERED, "explorer"])
def test_a_filter_matching_nothing_shows_a_message_not_an_error(sample_warehouse, page):
    at = run(page, **NOTHING)
    assert t("common.empty_filters") in [i.value for i in at.info]
    assert [e.value for e in at.error] == []


def test_the_waterfall_shows_the_engines_ledgers_and_hours(sample_warehouse):
    at = run("record_keeping")
    as_of = metrics.data_as_of(warehouse.read_connection())
    filters = metrics.Filters(*preset_window("last_month", as_of.date()))
    results = metrics.compute_kpis(warehouse.read_connection(), filters, ids=["ledger_reduction", "burden_hours"])
    table = next(df.value for df in at.dataframe if t("record_keeping.column.yearly_hours") in df.value.columns)
    steps = dict(zip(table[t("record_keeping.column.step")], table[t("record_keeping.column.ledger_count")]))
    hours = dict(zip(table[t("record_keeping.column.step")], table[t("record_keeping.column.yearly_hours")]))

    # A column with gaps is drawn as text ("—" for a gap, see format.table_gaps_as_dash): read its numbers back.
    def number(cell) -> float:
        return float(str(cell).replace(",", ""))

    assert number(steps[t("record_keeping.step_baseline")]) == results["ledger_reduction"].denominator
    assert number(steps[t("record_keeping.step_now")]) == results["ledger_reduction"].numerator
    assert number(hours[t("record_keeping.step_now")]) == pytest.approx(results["burden_hours"].value, abs=0.05)


def _console(at: AppTest, sql: str) -> AppTest:
    at.text_area(key="explorer_sql_text").input(sql)
    next(b for b in at.button if b.label == t("explorer.sql.run")).click()
    at.run()
    return at


def test_the_console_runs_a_query_and_refuses_a_file_read(sample_warehouse, server_past_first_visit):
    at = _console(run("explorer"), "select status, count(*) as n from cases group by status order by status")
    frames = [df.value for df in at.dataframe if list(df.value.columns) == ["status", "n"]]
    con = warehouse.read_connection()
    assert frames[0].values.tolist() == [
        list(r) for r in con.execute("select status, count(*) from cases group by status order by status").fetchall()
    ]
    at = _console(at, "select * from read_csv('/etc/passwd')")
    assert [e.value for e in at.error] == [t("explorer.sql.error.function_not_allowed", detail="read_csv")]


def test_the_drill_down_counts_match_the_caption(sample_warehouse):
    at = run("explorer")
    at.selectbox(key="explorer_drill_kpi").set_value("on_time_rate").run()
    at.radio(key="explorer_drill_part").set_value("numerator").run()
    caption = next(c.value for c in at.caption if c.value.startswith("分子"))
    numerator = int(re.search(r"分子 ([\d,]+) 行", caption).group(1).replace(",", ""))
    drilled = next(df.value for df in at.dataframe if "on_time" in df.value.columns)
    assert len(drilled) == numerator > 0
    assert drilled["on_time"].all()


@dataclass
class Upload:
    """What st.file_uploader hands the page: a name, a size and the bytes."""

    name: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    def getvalue(self) -> bytes:
        return self.data


GRIDS_CSV = (
    "网格编号,网格名称,网格类型,户数,常住人口\nG1,一网格,基础网格,120,300\nG2,二网格,专属网格,40,90\n"
    "G3,三网格,奇怪网格,10,20\n"
)
MAPPING = b"""[options]
table = "inspections"
source_system = "test_upload"
date_formats = ["%Y-%m-%d"]
[columns]
inspection_id = "id"
held_on = "day"
kind = "what"
"""


def test_an_upload_goes_through_the_importer_with_progress():
    steps = []
    outcomes = web_import.import_uploads(
        [Upload("网格信息.csv", GRIDS_CSV.encode("utf-8"))], progress=lambda step, fraction: steps.append(fraction)
    )
    assert [(o.outcome, o.rows_loaded, o.rows_rejected) for o in outcomes] == [("loaded", 3, 0)]
    assert steps[-1] == 1.0 and steps == sorted(steps)
    con = warehouse.read_connection()
    assert con.execute("select grid_id, kind from grids order by grid_id").fetchall() == [  # G3's kind set aside
        ("G1", "basic"),
        ("G2", "special"),
        ("G3", None),
    ]
    assert con.execute("select file_name from import_log").fetchall() == [("网格信息.csv",)]


def test_an_uploaded_mapping_file_is_used():
    csv = Upload("检查.csv", b"id,day,what\nx1,2026-01-05,inspection\n")
    outcomes = web_import.import_uploads([csv], Upload("my_mapping.toml", MAPPING))
    assert [(o.outcome, o.target, o.rows_loaded) for o in outcomes] == [("loaded", "inspections", 1)]


def test_an_oversized_upload_is_named(monkeypatch):
    monkeypatch.setenv("JIANFU_MAX_UPLOAD_MB", "1")
    assert web_import.too_large([Upload("big.csv", b"x" * (1024 * 1024 + 1)), Upload("ok.csv", b"x")]) == ["big.csv"]


def test_the_data_page_lists_the_import_and_its_rejects_and_undoes_it(server_past_first_visit):
    web_import.import_uploads([Upload("网格信息.csv", GRIDS_CSV.encode("utf-8"))])
    at = run("data")
    imports = at.dataframe[0].value
    assert imports[t("data.column.file_name")].tolist() == ["网格信息.csv"]
    rejects = at.dataframe[1].value
    assert rejects[t("data.column.rejected_rows")].tolist() == [1]
    undo_button = at.button(key="data_undo_button")
    assert undo_button.disabled  # nothing happens without the confirmation
    at.checkbox(key="data_undo_confirm_1").check().run()
    at.button(key="data_undo_button").click().run()
    assert [e.value for e in at.exception] == []
    assert t("data.undo_done", import_id=1) in [s.value for s in at.success]
    con = warehouse.read_connection()
    assert con.execute("select outcome from import_log").fetchall() == [("undone",)]
    assert con.execute("select count(*) from grids").fetchall() == [(0,)]


@pytest.mark.parametrize("page", [*FILTERED, "data", "explorer"])
def test_without_a_warehouse_each_page_points_to_the_import(page):
    at = run(page)
    assert t("common.no_warehouse") in [i.value for i in at.info]
    assert len(at.metric) == 0 and len(at.dataframe) == 0
    if page == "data":
        assert len(at.get("file_uploader")) == 2  # the way to get data in is right there
