"""The canonical world of the 横塘 community: every table of jianfu/schema.py (without the provenance
columns), drawn from one generator seeded with `seed` so that the same seed gives identical frames.

Each builder draws from its own child of that generator (spawned in a fixed order), so the reference tables
(grids, workers, ledgers, the work list, weekly time use) are the same whatever `cases_scale` is, while every
event table (cases, ratings, survey respondents, record entries, inspections, access requests,
micro-projects, partner activities) grows with it: 1.0 gives ~28,500 community cases plus ~10,600 12345 work
orders of six streets; `streets` gives the 12345 exports more streets (a city has 300+)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jianfu.sample import cases, evaluations, hotline, lists, org, projects, record_keeping, survey


def build_world(
    seed: int = 2026, cases_scale: float = 1.0, streets: int = len(hotline.STREETS)
) -> dict[str, pd.DataFrame]:
    if cases_scale <= 0:
        raise ValueError("cases_scale must be positive")
    streams = iter(np.random.default_rng(seed).spawn(16))
    grids = org.build_grids(next(streams))
    workers = org.build_workers(next(streams), grids)
    ledgers = record_keeping.build_ledgers(next(streams))
    work_items = lists.build_work_items(next(streams))
    time_use = org.build_time_use(next(streams), workers)
    service = cases.service_center_cases(next(streams), cases_scale, grids, workers)
    grid = cases.grid_cases(next(streams), cases_scale, grids, workers)
    world = {
        "cases": pd.concat([service, grid], ignore_index=True),
        "evaluations": pd.concat(
            [evaluations.service_evaluations(next(streams), service), evaluations.grid_callbacks(next(streams), grid)],
            ignore_index=True,
        ),
        **survey.build_survey(next(streams), cases_scale, grids),
        "ledgers": ledgers,
        "record_entries": record_keeping.build_record_entries(
            next(streams), cases_scale, ledgers, int(grids["households"].sum()), workers
        ),
        "inspections": record_keeping.build_inspections(next(streams), cases_scale),
        "work_items": work_items,
        "access_requests": lists.build_access_requests(next(streams), cases_scale),
        "micro_projects": projects.build_micro_projects(next(streams), cases_scale, grids),
        "grids": grids,
        "workers": workers,
        "time_use": time_use,
        "partner_activities": org.build_partner_activities(next(streams), cases_scale),
    }
    # the district's 12345 work orders, drawn last so that every other table stays as it was before them
    orders = hotline.work_orders(next(streams), cases_scale, streets)
    world["cases"] = pd.concat([world["cases"], orders], ignore_index=True)
    return world
