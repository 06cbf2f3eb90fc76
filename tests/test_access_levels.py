"""Each access level sees exactly its rows: district leaders their district, street leaders their street, grid
staff their grids, everyone else everything; through the KPI engine (the clamp every page query goes
through) and through the SQL console's views. A tiny warehouse with 2 districts, 3 streets and 4 grids, and
work orders that name only their street (12345 orders without a grid), counted by hand."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from jianfu import calendar, explore, sandbox, warehouse
from jianfu.access import users
from jianfu.access.scope import clamp_filters, scope_for
from jianfu.access.users import User
from jianfu.cli import main
from jianfu.metrics import Filters, compute_kpis, units
from jianfu.metrics.sql import query_parameters, run_query

GRIDS = [  # grid → street → district
    ("G11", "S1", "D1"),
    ("G12", "S1", "D1"),
    ("G21", "S2", "D1"),
    ("G31", "S3", "D2"),
]
# cases per grid, and per street for the orders without a grid
CASES = {("G11", None): 3, ("G12", None): 2, ("G21", None): 4, ("G31", None): 5, (None, "S1"): 1, (None, "S3"): 2}
MARCH = Filters(date(2025, 3, 1), date(2025, 3, 31))

# Hand-counted: D1 = S1 (3 + 2 + 1) + S2 (4) = 10; D2 = S3 (5 + 2) = 7; grid staff of G11 and G21: 3 + 4.
LEVELS = [
    (User("d1", "leader", districts=("D1",)), 10, 3),
    (User("d2", "leader", districts=("D2",)), 7, 1),
    (User("s1", "leader", streets=("S1",)), 6, 2),
    (User("s2", "leader", streets=("S2",)), 4, 1),
    (User("s3", "leader", streets=("S3",)), 7, 1),
    (User("s13", "leader", streets=("S1", "S3")), 13, 3),
    (User("staff", "grid_staff", grids=("G11", "G21")), 7, 2),
    (User("all", "leader"), 17, 4),
    (User("analyst", "analyst"), 17, 4),
]


@pytest.fixture(scope="module")
def _levels_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("levels")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JIANFU_DATA_DIR", str(folder))
        with warehouse.write() as con:
            con.executemany(
                "insert into grids (grid_id, name, community, street, district, source_system, source_file_id) "
                "values (?, ?, ?, ?, ?, 't', 1)",
                [[g, g, f"C{g[1:]}", s, d] for g, s, d in GRIDS],
            )
            rows = [
                [f"{grid or street}-{i}", f"2025-03-{10 + i:02d} 09:00", grid, street]
                for (grid, street), count in CASES.items()
                for i in range(count)
            ]
            rows.append(["anchor", "2025-04-02 09:00", "G11", None])  # March is a complete month
            # two ratings: of an order naming only S1, and of a case in G31 (S3, D2)
            con.execute(
                "insert into evaluations (eval_id, case_id, rated_at, rating, source_system, source_file_id) values "
                "('e1', 'S1-0', '2025-03-20 09:00', 2, 't', 1), ('e2', 'G31-0', '2025-03-20 09:00', 5, 't', 1)"
            )
            con.executemany(
                "insert into cases (case_id, received_at, status, grid_id, street, source_system, source_file_id) "
                "values (?, ?, 'received', ?, ?, 't', 1)",
                rows,
            )
    return folder


@pytest.fixture
def levels_warehouse(_levels_dir, monkeypatch):
    monkeypatch.setenv("JIANFU_DATA_DIR", str(_levels_dir))
    monkeypatch.setenv("JIANFU_SUPPRESS_BELOW_N", "1")
    return warehouse.current_path()


@pytest.mark.parametrize(("user", "cases", "grids"), LEVELS, ids=[u.name for u, _, _ in LEVELS])
def test_each_level_sees_exactly_its_cases_in_the_kpis_and_the_sql_console(levels_warehouse, user, cases, grids):
    scope = scope_for(user)
    filters = clamp_filters(MARCH, scope)
    con = warehouse.read_connection()
    assert compute_kpis(con, filters, ids=["case_volume"])["case_volume"].value == cases
    march = "received_at >= '2025-03-01' and received_at < '2025-04-01'"
    result = sandbox.run_sql(f"select count(*) as n from cases where {march}", scope=scope.sql_grids)
    assert result.error is None and result.frame["n"].tolist() == [cases]
    assert sandbox.run_sql("select count(*) as n from grids", scope=scope.sql_grids).frame["n"].tolist() == [grids]
    # a rating is seen with its case: e1 rates an order of S1 (D1) that names no grid, e2 a case of G31 (S3, D2)
    seen = sandbox.run_sql("select eval_id from evaluations order by 1", scope=scope.sql_grids).frame["eval_id"]
    expected = {"d1": ["e1"], "d2": ["e2"], "s1": ["e1"], "s2": [], "s3": ["e2"], "s13": ["e1", "e2"], "staff": []}
    assert seen.tolist() == expected.get(user.name, ["e1", "e2"])


def test_a_leader_asking_for_another_unit_keeps_their_own(levels_warehouse):
    con = warehouse.read_connection()
    s1 = scope_for(User("s1", "leader", streets=("S1",)))
    # another street in the URL: back to their own street (6), never the other one's 4 or everything
    asked = clamp_filters(Filters(MARCH.start, MARCH.end, streets=("S2",)), s1)
    assert asked.streets == ("S1",)
    assert compute_kpis(con, asked, ids=["case_volume"])["case_volume"].value == 6
    # a district leader who asks for a street of the other district sees none of it
    d1 = scope_for(User("d1", "leader", districts=("D1",)))
    other = clamp_filters(Filters(MARCH.start, MARCH.end, streets=("S3",), districts=("D2",)), d1)
    assert other.districts == ("D1",)
    assert compute_kpis(con, other, ids=["case_volume"])["case_volume"].value == 0
    # within the district, a street of it narrows further: S2 = 4
    inside = clamp_filters(Filters(MARCH.start, MARCH.end, streets=("S2",)), d1)
    assert compute_kpis(con, inside, ids=["case_volume"])["case_volume"].value == 4


@pytest.mark.parametrize(
    ("districts", "streets", "cases"), [(("D1",), (), 10), (("D2",), (), 7), ((), ("S1",), 6), ((), ("S3",), 7)]
)
def test_the_explorer_pivot_puts_a_district_or_street_on_cases_by_the_same_rule(
    levels_warehouse, districts, streets, cases
):
    filters = Filters(MARCH.start, MARCH.end, districts=districts, streets=streets)
    rows = explore.pivot(warehouse.read_connection(), "cases", ["status"], filters=filters)
    assert rows.frame["count"].tolist() == [cases] and rows.not_applied == ()
    # grids by their own columns
    grids = explore.pivot(warehouse.read_connection(), "grids", ["kind"], filters=filters)
    assert grids.frame["count"].sum() == {"D1": 3, "D2": 1, "S1": 2, "S3": 1}[(districts or streets)[0]]
    # ratings through their case: e1 is S1's (D1's), e2 S3's (D2's)
    ratings = explore.pivot(warehouse.read_connection(), "evaluations", ["rating"], filters=filters)
    assert ratings.frame["rating"].tolist() == [{"D1": 2, "D2": 5, "S1": 2, "S3": 5}[(districts or streets)[0]]]


@pytest.mark.parametrize(("user", "cases", "grids"), LEVELS, ids=[u.name for u, _, _ in LEVELS])
def test_the_page_queries_count_the_same_cases(levels_warehouse, user, cases, grids):
    """A page query over cases knows grids, not streets: it gets the units' grids and, for the 12345 orders
    without a grid, the streets they name (page_window_activity decides whether a page says "nothing matches")."""
    filters = clamp_filters(MARCH, scope_for(user))
    con = warehouse.read_connection()
    params = units.page_params(con, filters, query_parameters("page_window_activity"))
    params.update(calendar.sql_params())  # the cases base model counts working days
    assert run_query(con, "page_window_activity", params)["cases"].tolist() == [cases]


def test_a_street_filter_on_a_grid_only_query_becomes_its_grids(levels_warehouse):
    con = warehouse.read_connection()
    grid_only = ("grid_id", "team")
    narrowed = units.narrow(con, Filters(MARCH.start, MARCH.end, districts=("D1",)), grid_only)
    assert (narrowed.grids, narrowed.districts, narrowed.streets) == (("G11", "G12", "G21"), (), ())
    narrowed = units.narrow(con, Filters(MARCH.start, MARCH.end, streets=("S1",), grids=("G12", "G31")), grid_only)
    assert narrowed.grids == ("G12",)
    # nothing inside: a grid no one has, never the empty list that would mean every grid
    narrowed = units.narrow(con, Filters(MARCH.start, MARCH.end, streets=("S3",), grids=("G11",)), grid_only)
    assert narrowed.grids == (units.NO_GRID,)


def test_user_add_with_a_street_or_a_district(tmp_path, monkeypatch):
    monkeypatch.setenv("JIANFU_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    out = runner.invoke(
        main,
        ["user", "add", "zhao", "--role", "leader", "--street", "横塘街道", "--password-stdin"],
        input="s3cret-pass\n",
    )
    assert out.exit_code == 0, out.output
    assert "streets 横塘街道" in out.output
    out = runner.invoke(
        main, ["user", "add", "qian", "--role", "leader", "--district", "D1", "--password-stdin"], input="s3cret-pass\n"
    )
    assert out.exit_code == 0, out.output
    loaded = users.load_users()
    assert scope_for(loaded["zhao"].user).streets == ("横塘街道",)
    assert scope_for(loaded["qian"].user).districts == ("D1",) and scope_for(loaded["qian"].user).streets is None
    refused = runner.invoke(
        main, ["user", "add", "sun", "--role", "analyst", "--street", "S1", "--password-stdin"], input="s3cret-pass\n"
    )
    assert refused.exit_code != 0 and "only leaders" in refused.output
    both = runner.invoke(
        main,
        ["user", "add", "li", "--role", "leader", "--street", "S1", "--district", "D1", "--password-stdin"],
        input="s3cret-pass\n",
    )
    assert both.exit_code != 0 and "not both" in both.output
    listed = runner.invoke(main, ["user", "list"])
    assert "zhao\tleader\t横塘街道\tpassword" in listed.output


LEADER_PAGES = [
    "overview",
    "satisfaction",
    "throughput",
    "record_keeping",
    "grids_teams",
    "ranking",
    "micro_projects",
    "catalogue",
]


def _as_leader(levels_warehouse, monkeypatch, tmp_path, page: str, **limit):
    import shutil
    import time

    from apptest_pages import open_page

    from jianfu.access.session import Session
    from jianfu.ui.login import SESSION_KEY

    data_dir = tmp_path / "data"
    shutil.copytree(levels_warehouse.parent.parent, data_dir, symlinks=True)
    monkeypatch.setenv("JIANFU_DATA_DIR", str(data_dir))
    users.add_user("leader", "leader", password="leader password", **limit)
    leader = users.load_users()["leader"].user
    session = {SESSION_KEY: Session(leader, time.time())}
    return open_page(page, session_state=session, period="custom", start="2025-03-01", end="2025-03-31")


@pytest.mark.usefixtures("fresh_caches")
@pytest.mark.parametrize("page", LEADER_PAGES)
def test_a_street_leader_opens_every_page_of_the_menu(levels_warehouse, monkeypatch, tmp_path, page):
    """Every page the menu offers a street leader runs without an error: no page query may be left street-wide
    or fail on the street filter."""
    at = _as_leader(levels_warehouse, monkeypatch, tmp_path, page, streets=("S1",))
    assert [e.value for e in at.exception] == []
    assert [e.value for e in at.error] == []
    labels = [m.label for m in at.multiselect]
    assert "街道" not in labels and "区" not in labels  # one street: nothing to choose
    if page == "throughput":  # S1's March: 3 + 2 in its grids and 1 order naming only the street
        assert dict((m.label, m.value) for m in at.metric)["办件量"] == "6"


@pytest.mark.usefixtures("fresh_caches")
def test_a_district_leader_is_offered_the_streets_of_their_district(levels_warehouse, monkeypatch, tmp_path):
    at = _as_leader(levels_warehouse, monkeypatch, tmp_path, "throughput", districts=("D1",))
    assert [e.value for e in at.exception] == []
    streets = next(m for m in at.multiselect if m.label == "街道")
    assert list(streets.options) == ["S1", "S2"]  # not D2's S3
    assert "区" not in [m.label for m in at.multiselect]
    assert dict((m.label, m.value) for m in at.metric)["办件量"] == "10"


def test_the_kpis_command_takes_a_street_or_a_district(levels_warehouse):
    import json

    def volume(*args):
        out = CliRunner().invoke(
            main, ["kpis", "--from", "2025-03-01", "--to", "2025-03-31", "--format", "json", *args]
        )
        assert out.exit_code == 0, out.output
        doc = json.loads(out.output)
        return (
            doc["filters"]["streets"],
            doc["filters"]["districts"],
            next(k["value"] for k in doc["kpis"] if k["id"] == "case_volume"),
        )

    assert volume("--street", "S1") == (["S1"], [], 6)
    assert volume("--district", "D2") == ([], ["D2"], 7)
    unknown = CliRunner().invoke(main, ["kpis", "--from", "2025-03-01", "--to", "2025-03-31", "--street", "S9"])
    assert unknown.exit_code != 0 and "unknown street 'S9'" in unknown.output
