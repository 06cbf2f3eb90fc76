"""Real exports nobody here wrote (../shared/realdata): Boston 311 cases and the Somerville survey load with the
shipped mappings; every row is loaded or rejected with a reason, every bad value of a loaded row is set aside with
one; values checked by hand against the CSVs."""

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_ingest_helpers import canonical_rows, scalar

from jianfu import quality, warehouse
from jianfu.ingest.loader import import_files
from jianfu.ingest.mapping import MAPPINGS_DIR

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
BOSTON = REALDATA / "boston311_animal_pest_2013_2019"
SOMERVILLE = REALDATA / "somerville_happiness_survey_2011_2015"
pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not REALDATA.exists(), reason=f"{REALDATA} is absent (real exports not checked)"),
]


def test_all_seven_boston_files_load_with_the_shipped_mapping():
    files = sorted(BOSTON.glob("boston311_animal_pest_*.csv"))
    started = time.perf_counter()
    outcomes = import_files(files, mapping=MAPPINGS_DIR / "boston311_cases.toml")
    seconds = time.perf_counter() - started
    assert [o.outcome for o in outcomes] == ["loaded"] * 7
    assert sum(o.rows_read for o in outcomes) == 46_638
    assert [o.rows_rejected for o in outcomes] == [0] * 7
    assert all(o.rows_loaded == o.rows_read for o in outcomes)
    # the 10 rows closed before they were opened (2015: 3, 2016: 5, 2017: 2) are cases; their closing time is set aside
    assert scalar("select count(*) from cases") == 46_638
    assert canonical_rows("select reason, quarantined, count(*) from rejects group by all") == [
        ("closed before received", True, 10)
    ]
    assert canonical_rows(
        "select regexp_extract(file_name, '\\d{4}'), count(*) from rejects group by 1 order by 1"
    ) == [("2015", 3), ("2016", 5), ("2017", 2)]
    assert canonical_rows(
        "select line, column_name, value from rejects where file_name like '%2015%' order by line"
    ) == [
        (2483, "closed_dt", "2015-06-25 15:15:35"),
        (2612, "closed_dt", "2015-06-30 17:43:27"),
        (4269, "closed_dt", "2015-09-08 13:41:36"),
    ]
    assert canonical_rows(
        "select received_at, closed_at, status, channel from cases where case_id = '101001417692'"
    ) == [(dt.datetime(2015, 6, 25, 15, 15, 38), None, "closed", "other")]  # line 2483, kept without closed_at
    closed_before = quality.run_check(warehouse.read_connection(), "cases_closed_before_received")
    assert closed_before.rows == 10 and set(closed_before.sample["found"]) == {"set aside at import"}
    assert quality.run_check(warehouse.read_connection(), "values_set_aside").rows == 10

    columns = "case_id, received_at, due_at, closed_at, status, matter, service_line, channel, grid_id, source_system"
    by_hand = canonical_rows(
        f"select {columns} from cases where case_id in "
        "('101000729509', '101002767909', '101001690013', '101002306171') order by case_id"
    )
    assert by_hand == [
        (
            "101000729509",
            dt.datetime(2013, 1, 1, 6, 32, 33),
            dt.datetime(2013, 1, 2, 6, 32, 33),
            dt.datetime(2013, 1, 1, 13, 14, 40),
            "closed",
            "Pick up Dead Animal",
            "public_works",
            "hotline",
            "Ward 14",
            "boston311",
        ),
        (
            "101001690013",
            dt.datetime(2016, 1, 8, 6, 43),
            dt.datetime(2016, 5, 7, 7, 43, 2),
            None,
            "in_progress",
            "Pest Infestation - Residential",
            "inspectional_services",
            "mobile",
            "Ward 15",
            "boston311",
        ),
        (
            "101002306171",
            dt.datetime(2018, 1, 7, 10, 9),
            dt.datetime(2018, 5, 7, 11, 9, 55),
            dt.datetime(2018, 10, 5, 4, 40, 5),
            "closed",
            "Bed Bugs",
            "inspectional_services",
            "online",
            "Ward 10",
            "boston311",
        ),
        (
            "101002767909",
            dt.datetime(2019, 1, 1, 4, 11),
            None,
            dt.datetime(2019, 10, 1, 11, 5, 6),
            "closed",
            "Animal Generic Request",
            "animal_control",
            "hotline",
            "Ward 8",
            "boston311",
        ),
    ]
    assert canonical_rows("select status, count(*) from cases group by 1 order by 1") == [
        ("closed", 29_618),
        ("in_progress", 17_020),
    ]
    assert scalar("select count(*) from cases where due_at is null") == 18_825  # DuckDB read_csv agrees
    print(f"Boston: 46,638 rows in {seconds:.2f} s = {46_638 / seconds:,.0f} rows/s")


def test_the_somerville_survey_loads_and_junk_answers_are_rejected_alone():
    path = SOMERVILLE / "Somerville_Happiness_Survey_responses_-_2011__2013__2015.csv"
    outcome = import_files([path], mapping=MAPPINGS_DIR / "somerville_survey.toml")[0]
    assert (outcome.outcome, outcome.rows_read, outcome.rows_loaded, outcome.rows_rejected) == (
        "loaded",
        6_545,
        6_545,
        0,
    )
    assert canonical_rows("select wave, count(*) from survey_responses group by 1 order by 1") == [
        ("2011", 6_167),
        ("2013", 193),
        ("2015", 185),
    ]
    place = "How.satisfied.are.you.with.Somerville.as.a.place.to.live."
    happy = "How.happy.do.you.feel.right.now."
    junk = canonical_rows(
        "select line, column_name, value, reason from rejects "
        "where value in ('1O', '810') or (line = 2 and column_name = ?) order by line",
        [place],
    )
    assert junk == [
        (1852, happy, "810", "outside the 1–10 scale"),
        (6383, place, "1O", "not a number on the 1–10 scale"),
    ]
    refused = canonical_rows(
        "select count(*), min(reason), max(reason) from rejects where column_name = ? and value in ('R', 'r')", [place]
    )
    assert refused == [(254, "not a number on the 1–10 scale", "not a number on the 1–10 scale")]
    # The responses behind those cells still loaded, with their other answers and without the junk one.
    answers = canonical_rows(
        "select response_id, item, score from survey_answers where response_id in "
        "('1850', '6382') and item in ('happy_now', 'life_satisfaction', 'place_to_live') "
        "order by 1, 2"
    )
    assert answers == [
        ("1850", "life_satisfaction", 10.0),
        ("1850", "place_to_live", 8.0),
        ("6382", "happy_now", 10.0),
        ("6382", "life_satisfaction", 10.0),
    ]
    assert scalar("select count(*) from survey_answers where score < 1") == 0
    assert canonical_rows(
        "select item, scale_min, scale_max, is_overall from survey_items "
        "where item in ('place_to_live', 'schools_2011') order by 1"
    ) == [("place_to_live", 1.0, 10.0, True), ("schools_2011", 1.0, 5.0, False)]
    assert canonical_rows("select count(*), count(score) from survey_answers where item = 'place_to_live'") == [
        (6_276, 6_276)
    ]


@pytest.mark.slow
def test_end_to_end_the_seven_boston_files_give_a_case_volume_of_46638(tmp_path):
    """Through the shipped mapping and `jianfu kpis` (the engine and its catalogue), over the whole span."""
    files = sorted(BOSTON.glob("boston311_animal_pest_*.csv"))
    env = {**os.environ, "JIANFU_DATA_DIR": str(tmp_path / "data")}
    jianfu = str(Path(sys.executable).parent / "jianfu")
    ingest = subprocess.run(
        [jianfu, "ingest", *map(str, files), "--mapping", str(MAPPINGS_DIR / "boston311_cases.toml")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    assert [line.split()[0] for line in ingest.stdout.splitlines()] == ["loaded"] * 7
    kpis = subprocess.run(
        [jianfu, "kpis", "--from", "2013-01-01", "--to", "2019-12-31", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert kpis.returncode == 0, kpis.stderr
    by_id = {k["id"]: k for k in json.loads(kpis.stdout)["kpis"]}
    assert by_id["case_volume"]["value"] == 46_638
