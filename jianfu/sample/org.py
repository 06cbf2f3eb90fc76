"""The organisation: grids, workers, their weekly time use, and the three alliances' activities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jianfu.sample import catalogue as cat
from jianfu.sample import people
from jianfu.sample import timeline as tl
from jianfu.sample.frames import daily_counts, frame, ids, labels, weighted

RESIDENTS_TARGET = 55_000


# Worker numbers for names: social worker SWnn is person nn, grid member GMnnn is person 100 + nnn.
GRID_MEMBER_PERSON_OFFSET = 100


def worker_person_numbers(worker_ids) -> np.ndarray:
    number = people.number_of(worker_ids)
    is_member = pc.starts_with(pa.array(worker_ids, pa.string()), "GM").to_numpy(zero_copy_only=False)
    return number + np.where(is_member, GRID_MEMBER_PERSON_OFFSET, 0)


def build_grids(rng: np.random.Generator) -> pd.DataFrame:
    n = len(cat.GRID_NAMES)
    basic = np.arange(n) < cat.BASIC_GRIDS
    size = np.where(basic, 5000.0, 2400.0) * rng.lognormal(0.0, 0.15, n)
    total = RESIDENTS_TARGET + rng.integers(-500, 501)
    residents = np.rint(size * total / size.sum()).astype(np.int64)
    households = np.rint(residents / rng.uniform(2.4, 2.9, n)).astype(np.int64)
    return frame(
        "grids",
        {
            "grid_id": ids("HT", np.arange(1, n + 1), 2),
            "name": np.array(cat.GRID_NAMES),
            "kind": np.where(basic, "basic", "special"),
            "community": np.full(n, cat.COMMUNITY),
            "households": households,
            "residents": residents,
            "leader_worker_id": None,  # filled by build_workers
            "street": np.full(n, cat.STREET),
            "district": np.full(n, cat.DISTRICT),
        },
    )


def build_workers(rng: np.random.Generator, grids: pd.DataFrame) -> pd.DataFrame:
    """18 social workers in the 5 teams (those outside gov_affairs lead the 12 grids, in team order) and
    about 40 resident grid members, a few of whom leave and are replaced."""
    teams = np.repeat(list(cat.TEAM_SIZES), list(cat.TEAM_SIZES.values()))
    n_social = len(teams)
    leads = np.flatnonzero(teams != "gov_affairs")[: len(grids)]
    social_grid = np.full(n_social, None, dtype=object)
    social_grid[leads] = grids["grid_id"].to_numpy()
    social_joined = np.datetime64("2015-03-01") + rng.integers(0, 8 * 365, n_social)

    n_leavers = 4
    n_members = cat.GRID_MEMBERS + n_leavers
    member_grid = grids["grid_id"].to_numpy()[np.arange(n_members) % len(grids)]
    member_joined = np.datetime64("2019-01-01") + rng.integers(0, 4 * 365, n_members)
    member_left = np.full(n_members, np.datetime64("NaT"), dtype="datetime64[D]")
    leavers = rng.choice(cat.GRID_MEMBERS, n_leavers, replace=False)
    member_left[leavers] = np.datetime64("2024-03-01") + rng.integers(0, 800, n_leavers)
    # each replacement joins the grid of a leaver a few weeks after they left
    replacements = np.arange(cat.GRID_MEMBERS, n_members)
    member_grid[replacements] = member_grid[leavers]
    member_joined[replacements] = member_left[leavers] + rng.integers(10, 40, n_leavers)

    grids["leader_worker_id"] = pd.Series(ids("SW", leads + 1, 2).to_pandas().to_numpy(), dtype="str")
    worker_id = np.concatenate(
        [
            ids("SW", np.arange(1, n_social + 1), 2).to_numpy(zero_copy_only=False),
            ids("GM", np.arange(1, n_members + 1), 3).to_numpy(zero_copy_only=False),
        ]
    )
    return frame(
        "workers",
        {
            "worker_id": worker_id,
            # stored as the importer stores names: masked (the export writes the full fake name)
            "display_name": people.masked_names(worker_person_numbers(worker_id)),
            "team": np.concatenate([teams, np.full(n_members, None, dtype=object)]),
            "role": np.repeat(["social_worker", "grid_member"], [n_social, n_members]),
            "grid_id": np.concatenate([social_grid, member_grid]),
            "joined_on": np.concatenate([social_joined, member_joined]),
            "left_on": np.concatenate([np.full(n_social, np.datetime64("NaT"), dtype="datetime64[D]"), member_left]),
        },
    )


def build_time_use(rng: np.random.Generator, workers: pd.DataFrame) -> pd.DataFrame:
    """One row per social worker per week (weeks start on Monday): paperwork falls by about 40% after the
    reform and home visits rise; holiday weeks are shorter."""
    social = workers[workers["role"] == "social_worker"]
    first_monday = np.busday_offset(tl.START, 0, roll="forward", weekmask="Mon")
    weeks = np.arange(first_monday, tl.END + 1, 7)
    worker_idx, week_idx = np.meshgrid(np.arange(len(social)), np.arange(len(weeks)), indexing="ij")
    worker_idx, week_idx = worker_idx.ravel(), week_idx.ravel()
    week = weeks[week_idx]
    workdays = np.busday_count(week, week + 7, holidays=tl.HOLIDAYS) / 5.0
    progress = tl.reform_progress(week)
    centre = social["team"].to_numpy()[worker_idx] == "gov_affairs"
    n = len(week)
    admin = tl.lerp(22.0, 13.0, progress) * workdays * rng.normal(1.0, 0.12, n)
    field = tl.lerp(17.0, 26.0, progress) * workdays * rng.normal(1.0, 0.12, n)
    visits = rng.poisson(np.where(centre, 1.0, tl.lerp(5.0, 11.0, progress)) * workdays)
    return frame(
        "time_use",
        {
            "worker_id": social["worker_id"].to_numpy()[worker_idx],
            "week": week,
            "hours_admin": np.clip(np.rint(admin * 2) / 2, 0, None),
            "hours_field": np.clip(np.rint(field * 2) / 2, 0, None),
            "home_visits": visits,
        },
    )


_ALLIANCE_KINDS = {  # alliance → weights of purchased_service, volunteer, joint_governance
    "party_building": (0.0, 0.6, 0.4),
    "property": (0.3, 0.0, 0.7),
    "social_innovation": (0.6, 0.4, 0.0),
}
KINDS = ("purchased_service", "volunteer", "joint_governance")


def build_partner_activities(rng: np.random.Generator, scale: float) -> pd.DataFrame:
    days = tl.all_days()
    progress = tl.reform_progress(days)
    day = daily_counts(rng, tl.lerp(0.35, 0.8, progress), scale)
    n = len(day)
    alliances = list(cat.ALLIANCE_ORGS)
    alliance = weighted(rng, n, (0.3, 0.35, 0.35))
    org_pos = rng.integers(0, 1 << 30, n)
    org = np.empty(n, dtype=object)
    kind = np.empty(n, dtype=np.int64)
    for a, name in enumerate(alliances):
        rows = alliance == a
        orgs = cat.ALLIANCE_ORGS[name]
        org[rows] = np.array(orgs)[org_pos[rows] % len(orgs)]
        kind[rows] = weighted(rng, int(rows.sum()), _ALLIANCE_KINDS[name])
    participants = 5 + rng.poisson(tl.lerp(18.0, 32.0, progress[day]))
    volunteer_hours = np.where(kind == 1, np.rint(participants * rng.uniform(1.5, 4.0, n) * 2) / 2, np.nan)
    cost = np.where(kind == 0, np.rint(rng.lognormal(np.log(8000), 0.5, n) / 100) * 100, np.nan)
    return frame(
        "partner_activities",
        {
            "activity_id": ids("LM", np.arange(1, n + 1), 6),
            "held_on": days[day],
            "alliance": labels(alliance, alliances),
            "org": org,
            "kind": labels(kind, KINDS),
            "participants": participants,
            "volunteer_hours": volunteer_hours,
            "cost_yuan": cost,
        },
    )
