"""民生微实事: resident-proposed micro-projects moving through sorting, council review, a vote, delivery and
acceptance; more of them, and better attended votes, once the reform made them the community's menu."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jianfu.sample import catalogue as cat
from jianfu.sample import timeline as tl
from jianfu.sample.frames import daily_counts, frame, ids, labels, masked_int, weighted

STAGES = ("proposed", "sorted", "council_review", "voting", "in_progress", "accepted", "done", "rejected")


def build_micro_projects(rng: np.random.Generator, scale: float, grids: pd.DataFrame) -> pd.DataFrame:
    days = tl.all_days()
    day = daily_counts(rng, tl.lerp(8 / 91, 18 / 91, tl.reform_progress(days)), scale)
    n = len(day)
    p = tl.reform_progress(days[day])
    proposed = tl.minutes(days[day], tl.office_minute(rng, n))
    step = lambda lo, hi: rng.integers(lo * 1440, hi * 1440, n)  # noqa: E731  minutes between milestones
    sorted_at = proposed + step(5, 20)
    reviewed = sorted_at + step(10, 30)
    voted = reviewed + step(7, 21)
    started = voted + step(10, 30)
    planned_days = rng.integers(60, 121, n)
    due = started + planned_days * 1440
    completed = started + np.rint(planned_days * rng.lognormal(np.log(tl.lerp(0.95, 0.85, p)), 0.25) * 1440).astype(
        np.int64
    )
    done = completed + 30 * 1440  # after the public notice of the acceptance

    # the milestone at which a project is turned down: 1 sorting, 2 council review, 3 vote; 0 never
    turned_down = weighted(rng, n, (0.74, 0.12, 0.08, 0.06))
    milestones = np.vstack([proposed, sorted_at, reviewed, voted, started, completed, done])
    reached = milestones <= tl.END_TS
    last = np.minimum(reached.sum(axis=0) - 1, np.where(turned_down > 0, turned_down, 6))
    stage = np.where((turned_down > 0) & (last == turned_down), 7, last)
    happened = (np.arange(7)[:, None] <= last) & reached
    at = lambda i: np.where(happened[i], milestones[i], tl.NAT)  # noqa: E731

    grid = weighted(rng, n, grids["residents"].to_numpy(float))
    eligible = np.rint(grids["households"].to_numpy()[grid] * rng.uniform(0.1, 0.3, n)).astype(np.int64)
    turnout = np.clip(tl.lerp(0.25, 0.45, p) * rng.lognormal(0, 0.2, n), 0.05, 0.95)
    voters = rng.binomial(eligible, turnout)
    votes_for = rng.binomial(voters, np.where(turned_down == 3, 0.35, 0.8))
    has_vote = happened[3]
    kinds = [(c, t) for c, titles in cat.MICRO_CATEGORIES.items() for t in titles]
    kind = rng.integers(0, len(kinds), n)
    place = grids["name"].str.removesuffix("网格").to_numpy()[grid]
    title = np.char.add(place.astype(str), np.array([t for _, t in kinds])[kind])
    accepted = happened[5]
    return frame(
        "micro_projects",
        {
            "project_id": ids("WSS", np.arange(1, n + 1), 4),
            "title": title,
            "category": labels(kind, [c for c, _ in kinds]),
            "grid_id": labels(grid, grids["grid_id"]),
            "proposed_at": proposed,
            "stage": labels(stage, STAGES),
            "sorted_at": at(1),
            "reviewed_at": at(2),
            "voted_at": at(3),
            "started_at": at(4),
            "completed_at": at(5),
            "due_at": np.where(happened[4], due, tl.NAT),
            "votes_for": masked_int(votes_for, has_vote),
            "votes_against": masked_int(voters - votes_for, has_vote),
            "eligible_voters": eligible,
            "budget_yuan": np.rint(rng.lognormal(np.log(40_000), 0.7, n) / 100) * 100,
            "acceptance_rating": masked_int(weighted(rng, n, (0.02, 0.03, 0.1, 0.35, 0.5)) + 1, accepted),
        },
    )
