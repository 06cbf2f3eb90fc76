"""Real data: Boston 311 (2017) imported through the shipped mapping. Cases received, on-time rate and median
days to close per request type (matter) must equal an independent pandas computation on the raw CSV.

Rules the pandas side applies, as documented for the KPIs (jianfu/metrics/README.md):
- a row closed before it was opened is a case whose closing time the importer set aside (as if still open);
- on time: among cases with a due date (sla_target_dt), closed by it; a case still open at the end of 2017 (or
  closed later) whose due date has passed counts as late; one whose due date has not passed is left out;
- days to close: calendar days (closed − opened, fractional) of the cases closed before the end of 2017 —
  Boston does not keep the Chinese working calendar, so this is the `cycle_time_calendar` KPI.
"""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from jianfu import warehouse
from jianfu.metrics import Filters, compute_by

pytestmark = pytest.mark.realdata

ROOT = Path(__file__).resolve().parents[1]
BOSTON = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "boston311_animal_pest_2013_2019"
CSV_2017 = BOSTON / "boston311_animal_pest_2017.csv"
YEAR_END = pd.Timestamp("2018-01-01")


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    raw = pd.read_csv(CSV_2017, dtype=str, keep_default_na=False)
    opened = pd.to_datetime(raw["open_dt"])
    closed = pd.to_datetime(raw["closed_dt"].replace("", None))
    due = pd.to_datetime(raw["sla_target_dt"].replace("", None))
    set_aside = closed < opened  # the importer sets a closing time before the opening aside: when it closed is
    closed = closed.mask(set_aside)  # unknown, so the case is neither on time nor late
    frame = pd.DataFrame(
        {"matter": raw["type"], "opened": opened, "closed": closed, "due": due, "set_aside": set_aside}
    )
    frame = frame[(frame["opened"] >= "2017-01-01") & (frame["opened"] < YEAR_END)]
    closed_by_end = frame["closed"] < YEAR_END
    judged = frame["due"].notna() & ~frame["set_aside"] & (closed_by_end | (frame["due"] < YEAR_END))
    frame["on_time"] = (closed_by_end & (frame["closed"] <= frame["due"])).where(judged)
    frame["days"] = ((frame["closed"] - frame["opened"]).dt.total_seconds() / 86400).where(closed_by_end)
    return frame.groupby("matter").agg(
        received=("opened", "size"),
        on_time_num=("on_time", "sum"),
        on_time_den=("on_time", "count"),
        median_days=("days", "median"),
    )


@pytest.fixture(scope="module")
def boston_dir(tmp_path_factory):
    import os

    from jianfu.ingest.loader import import_files

    if not CSV_2017.exists():
        pytest.skip("../shared/realdata/boston311_animal_pest_2013_2019 is not present")
    folder = tmp_path_factory.mktemp("boston")
    previous = os.environ.get("JIANFU_DATA_DIR")
    os.environ["JIANFU_DATA_DIR"] = str(folder)
    try:
        outcomes = import_files([CSV_2017], mapping=ROOT / "mappings" / "boston311_cases.toml")
    finally:
        os.environ.pop("JIANFU_DATA_DIR")
        if previous is not None:
            os.environ["JIANFU_DATA_DIR"] = previous
    assert [o.outcome for o in outcomes] == ["loaded"], outcomes
    return folder


def test_boston_2017_per_request_type_matches_pandas(boston_dir, expected, monkeypatch):
    monkeypatch.setenv("JIANFU_DATA_DIR", str(boston_dir))
    con = warehouse.read_connection().cursor()
    year = Filters(date(2017, 1, 1), date(2017, 12, 31))
    received = compute_by(con, "case_volume", year, "matter").set_index("group")
    on_time = compute_by(con, "on_time_rate", year, "matter").set_index("group")
    days = compute_by(con, "cycle_time_calendar", year, "matter").set_index("group")
    assert sorted(received.index) == sorted(expected.index) and len(expected) == 7
    for matter, row in expected.iterrows():
        assert received.loc[matter, "value"] == row["received"], matter
        assert (on_time.loc[matter, "numerator"], on_time.loc[matter, "denominator"]) == (
            row["on_time_num"],
            row["on_time_den"],
        ), matter
        if row["on_time_den"]:
            assert on_time.loc[matter, "value"] == pytest.approx(row["on_time_num"] / row["on_time_den"]), matter
        else:  # the animal types carry no SLA: no on-time rate at all, never 0%
            assert pd.isna(on_time.loc[matter, "value"]) and on_time.loc[matter, "suppressed"], matter
        assert days.loc[matter, "value"] == pytest.approx(row["median_days"]), matter
    assert expected["received"].sum() == 7760  # every row, the 2 closed before they were opened included
    assert (expected["on_time_den"] > 0).sum() == 3  # Bed Bugs, Pest Infestation, Pick up Dead Animal
