"""The sample world: its shape (hand-checkable facts about the 横塘 community), the reform's effects, and
determinism."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest

from jianfu import schema
from jianfu.sample import timeline as tl
from jianfu.sample.render import BUILTIN
from jianfu.sample.world import build_world


@pytest.fixture(scope="module")
def world() -> dict[str, pd.DataFrame]:
    return build_world()


def _service_closed(world):
    cases = world["cases"]
    return cases[(cases["center"] == "service_center") & (cases["status"] == "closed")]


def _pre_post(values: pd.Series, when: pd.Series, how="mean"):
    """(2024, 2025–26) aggregates: the full year before the reform and the time after it."""
    year = when.dt.year
    return (getattr(values[year == 2024], how)(), getattr(values[year >= 2025], how)())


def test_every_canonical_table_with_exactly_its_columns(world):
    assert set(world) == set(schema.TABLES)
    for name, frame in world.items():
        assert list(frame.columns) == schema.TABLES[name].column_names, name
        assert len(frame) > 0, name


def test_same_seed_same_frames_other_seed_other_frames(world):
    again = build_world(2026)
    for name in world:
        pd.testing.assert_frame_equal(world[name], again[name], obj=name)
    other = build_world(7)
    assert not world["cases"]["received_at"].equals(other["cases"]["received_at"])


def test_grids_and_workers_of_hengtang(world):
    grids, workers = world["grids"], world["workers"]
    assert grids["kind"].value_counts().to_dict() == {"basic": 10, "special": 2}
    assert 54_000 <= grids["residents"].sum() <= 56_000
    assert (grids["households"] < grids["residents"]).all()
    social = workers[workers["role"] == "social_worker"]
    assert len(social) == 18
    assert social["team"].value_counts().to_dict() == {
        "governance": 5,
        "gov_affairs": 4,
        "party_masses": 3,
        "publicity": 3,
        "activities": 3,
    }
    assert set(grids["leader_worker_id"]) <= set(social["worker_id"])
    members = workers[workers["role"] == "grid_member"]
    assert 38 <= members["left_on"].isna().sum() <= 42
    assert (members["left_on"].dropna() >= members.loc[members["left_on"].notna(), "joined_on"]).all()
    # display names are stored the way the importer stores them: surname plus one star per hidden character
    assert workers["display_name"].str.fullmatch(r".\*{1,2}").all()


def test_cases_cover_36_months_ending_2026_10(world):
    cases = world["cases"]
    months = cases["received_at"].dt.to_period("M")
    assert months.nunique() == 36
    assert (str(months.min()), str(months.max())) == ("2023-11", "2026-10")
    per_month = cases.groupby([cases["center"], months]).size()
    assert 450 < per_month["service_center"].median() < 650
    assert 200 < per_month["resident_center"].median() < 300


def test_case_timestamps_are_consistent(world):
    cases = world["cases"]
    end = pd.Timestamp("2026-11-01")
    assert not (cases["closed_at"] < cases["received_at"]).any()
    assert not (cases["closed_at"] >= end).any()
    assert cases["status"].isin(schema.CASE_STATUS).all()
    assert cases["closed_at"].notna().eq(cases["status"] == "closed").all()
    open_ = cases[cases["status"].isin(["received", "in_progress"])]
    assert len(open_) > 20
    assert (open_["due_at"] < end).sum() >= 5  # some open past due
    assert {"returned", "cancelled"} <= set(cases["status"])
    assert cases["case_id"].is_unique


def test_spring_festival_dip(world):
    service = world["cases"][world["cases"]["center"] == "service_center"]
    per_month = service.groupby(service["received_at"].dt.to_period("M")).size()
    assert per_month["2024-02"] < 0.8 * per_month[["2024-03", "2024-04"]].mean()


def test_reform_shortens_cycle_and_moves_cases_online(world):
    closed = _service_closed(world)
    days = pd.Series(
        np.busday_count(
            closed["received_at"].to_numpy().astype("datetime64[D]"),
            closed["closed_at"].to_numpy().astype("datetime64[D]"),
            holidays=tl.HOLIDAYS,
        ),
        index=closed.index,
    )
    before, after = _pre_post(days, closed["received_at"], "median")
    assert before > after
    online = closed["channel"].isin(["online", "mobile"]).astype(float)
    before, after = _pre_post(online, closed["received_at"])
    assert before < 0.25 and after > 0.45
    one_visit = (closed["visits"] <= 1).astype(float)
    assert _pre_post(one_visit, closed["received_at"])[1] > _pre_post(one_visit, closed["received_at"])[0] + 0.2
    immediate = closed["immediate"].astype(float)
    assert _pre_post(immediate, closed["received_at"])[1] > _pre_post(immediate, closed["received_at"])[0]


def test_admin_hours_fall_by_about_forty_percent(world):
    time_use = world["time_use"]
    share = time_use["hours_admin"] / (time_use["hours_admin"] + time_use["hours_field"])
    before, after = _pre_post(share, time_use["week"])
    assert before > after
    hours_before, hours_after = _pre_post(time_use["hours_admin"], time_use["week"])
    assert 0.3 < 1 - hours_after / hours_before < 0.5


def _active(ledgers: pd.DataFrame, day: str) -> int:
    day = pd.Timestamp(day)
    valid = (ledgers["valid_from"] <= day) & ~(ledgers["valid_to"] <= day)
    return int((valid & (ledgers["status"] == "active")).sum())


def test_ledgers_are_abolished_merged_and_digitised(world):
    ledgers = world["ledgers"]
    assert _active(ledgers, "2023-11-01") == 120
    assert _active(ledgers, "2026-10-31") < _active(ledgers, "2024-12-31")
    final = ledgers[ledgers["valid_to"].isna()]
    assert final["ledger_id"].is_unique and len(final) == 120
    removed = final["status"].isin(["abolished", "merged"]).mean()
    assert 0.3 < removed < 0.5
    assert (final["status"] == "digitised").sum() > 10
    merged = final[final["status"] == "merged"]
    assert merged["merged_into"].isin(final.loc[final["status"] != "abolished", "ledger_id"]).all()


def test_duplicate_records_and_inspections_fall(world):
    entries = world["record_entries"]
    assert len(entries) <= 25_000
    in_several = entries.groupby(["subject_key", "event_key"])["ledger_id"].transform("nunique") > 1
    before, after = _pre_post(in_several.astype(float), entries["recorded_at"])
    assert before > 2 * after
    inspections = world["inspections"]
    held = inspections["held_on"]
    per_month_before = (held.dt.year == 2024).sum() / 12
    per_month_after = (held.dt.year >= 2025).sum() / 22
    assert per_month_after < 0.6 * per_month_before
    unplanned = (~inspections["in_annual_plan"]).astype(float)
    assert _pre_post(unplanned, held)[0] > _pre_post(unplanned, held)[1]


def test_satisfaction_rises_and_bad_ratings_are_rare(world):
    answers = world["survey_answers"].merge(world["survey_responses"], on="response_id")
    overall = answers[answers["item"] == "q_overall"]
    year = overall["wave"].str[:4].astype(int)
    assert overall.loc[year == 2024, "score"].mean() < overall.loc[year >= 2025, "score"].mean() - 0.2
    assert answers["score"].between(1, 5).all()
    assert 250 < world["survey_responses"].groupby("wave").size().mean() < 350
    assert world["survey_responses"]["wave"].nunique() == 12
    evaluations = world["evaluations"]
    haochaping = evaluations[evaluations["source"] != "grid_callback"]
    assert 0.005 < (haochaping["rating"] <= 2).mean() < 0.025
    assert 0.5 < len(haochaping) / len(_service_closed(world)) < 0.7
    bad = haochaping[(haochaping["rating"] <= 2) & haochaping["verified"].fillna(False)]
    assert (bad["rectified_at"] > bad["rectify_due_at"]).any()  # some rectified late
    assert bad["rectify_due_at"].notna().all()


def test_lists_requests_projects_partners(world):
    items = world["work_items"]
    assert items.loc[items["list_version"] == "2025", "grid_list"].sum() == 1370
    assert set(items["category"]) == {"statutory", "assist", "negative"}
    requests = world["access_requests"]
    assert requests["received_at"].min() >= pd.Timestamp("2025-01-01")
    refused = requests[requests["decision"] == "refused"]
    assert set(refused["reason"]) == {"dept_statutory_duty", "no_funding", "not_on_list"}
    assert requests.loc[requests["decision"] != "refused", "reason"].isna().all()
    projects = world["micro_projects"]
    assert set(projects["stage"]) == set(schema.TABLES["micro_projects"].column("stage").codes)
    assert set(world["partner_activities"]["alliance"]) == {"party_building", "property", "social_innovation"}


def test_survey_items_match_the_survey_mapping(world):
    items = tomllib.loads((BUILTIN / "survey.toml").read_text(encoding="utf-8"))["items"]
    expected = pd.DataFrame(
        [
            {
                "item": code,
                "label_zh": spec["label_zh"],
                "label_en": spec["label_en"],
                "dimension": spec["dimension"],
                "scale_min": float(spec["scale_min"]),
                "scale_max": float(spec["scale_max"]),
                "is_overall": spec.get("is_overall", False),
            }
            for code, spec in items.items()
        ]
    )
    actual = world["survey_items"].astype(
        {"is_overall": bool, "item": object, "label_zh": object, "label_en": object, "dimension": object}
    )
    pd.testing.assert_frame_equal(
        actual.reset_index(drop=True), expected.astype({"is_overall": bool}), check_dtype=False
    )


def test_cases_scale_multiplies_events_not_reference_tables(world):
    small = build_world(cases_scale=0.1)
    assert 0.08 < len(small["cases"]) / len(world["cases"]) < 0.12
    assert 0.07 < len(small["survey_responses"]) / len(world["survey_responses"]) < 0.13
    for name in ("grids", "workers", "ledgers", "work_items", "time_use"):
        assert len(small[name]) == len(world[name]), name
    with pytest.raises(ValueError):
        build_world(cases_scale=0)
