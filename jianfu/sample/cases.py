"""Cases: the service centre's 办件 (~550 a month) and the resident centre's grid cases (~250 a month).
Everything is drawn per column over all cases at once; the reform moves each case's parameters according
to how far the reform had progressed on the day it was received."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jianfu.sample import catalogue as cat
from jianfu.sample import timeline as tl
from jianfu.sample.frames import (
    constant,
    daily_counts,
    frame,
    gamma_minutes,
    ids,
    labels,
    later,
    masked_bool,
    weighted,
    weighted_by_progress,
)

APPLICANTS = 9_000  # distinct residents who apply or report; exports render them as fake names and phones
SERVICE_CHANNELS = ("window", "hotline", "online", "mobile")
GRID_CHANNELS = ("grid_visit", "hotline", "mobile", "other")


def _case_ids(prefix: str, received: np.ndarray) -> pa.Array:
    """prefix + year + sequence within the year, in order of receipt (cases arrive sorted)."""
    year = received.astype("datetime64[Y]").astype(np.int64) + 1970
    first_of_year = np.searchsorted(year, year, side="left")
    seq = np.arange(len(year)) - first_of_year + 1
    width = max(6, len(str(int(seq.max(initial=1)))))
    return ids(pc.binary_join_element_wise(prefix, pc.cast(pa.array(year), pa.string()), ""), seq, width)


def _sorted_arrivals(rng, expected_by_stream, scale, minute_fns):
    """Day index, timestamp and stream index of every arrival, sorted by time."""
    days = tl.all_days()
    parts = []
    for stream, (expected, minute_fn) in enumerate(zip(expected_by_stream, minute_fns)):
        day = daily_counts(rng, expected, scale)
        parts.append((day, tl.minutes(days[day], minute_fn(rng, len(day))), np.full(len(day), stream)))
    day, received, stream = (np.concatenate(p) for p in zip(*parts))
    order = np.argsort(received, kind="stable")
    return days[day[order]], received[order], stream[order]


def _resident_weights(grids: pd.DataFrame) -> np.ndarray:
    return grids["residents"].to_numpy(dtype=np.float64)


def service_center_cases(
    rng: np.random.Generator, scale: float, grids: pd.DataFrame, workers: pd.DataFrame
) -> pd.DataFrame:
    days = tl.all_days()
    working = tl.is_working_day(days)
    season = tl.seasonality(days)
    digital_share = tl.lerp(0.18, 0.55, tl.reform_progress(days))
    in_person = 26.0 * (1 - digital_share) * working * season
    digital = 26.0 * 0.83 * digital_share * np.where(working, 1.0, 0.45) * season
    day, received, stream = _sorted_arrivals(rng, (in_person, digital), scale, (tl.office_minute, tl.any_minute))
    n = len(day)
    p = tl.reform_progress(day)

    # channel: window/hotline among walk-ins and calls, online/mobile among digital submissions
    second = rng.random(n) < np.where(stream == 0, tl.lerp(0.05, 0.07, p), tl.lerp(0.2, 0.45, p))
    channel = stream * 2 + second  # index into SERVICE_CHANNELS
    is_window, is_hotline, is_digital = channel == 0, channel == 1, stream == 1

    names, lines = zip(*((m[0], m[1]) for m in cat.MATTERS))
    num = np.array([m[2:] for m in cat.MATTERS], dtype=np.float64)  # numeric columns, per matter
    matter = weighted_by_progress(rng, p, num[:, 0], num[:, 1])
    promise = np.rint(tl.lerp(num[matter, 2], num[matter, 3], p)).astype(np.int64)
    immediate = rng.random(n) < tl.lerp(num[matter, 4], num[matter, 5], p)
    materials = np.maximum(1, np.rint(tl.lerp(num[matter, 6], num[matter, 7], p)) + rng.integers(-1, 2, n)).astype(
        np.int64
    )
    reused = rng.binomial(materials, tl.lerp(0.05, 0.45, p))

    accept_lag = np.where(
        is_window,
        rng.integers(3, 26, n),
        np.where(is_hotline, rng.integers(10, 121, n), gamma_minutes(rng, tl.lerp(1080, 180, p))),
    )
    accepted = received + accept_lag
    handed = accepted + gamma_minutes(rng, tl.lerp(26 * 60, 4 * 60, p))
    cycle = np.floor(promise * rng.lognormal(np.log(tl.lerp(0.55, 0.45, p)), 0.45))
    cycle = _stuck(rng, cycle, promise)
    closed = tl.minutes(tl.add_working_days(day, cycle), rng.integers(540, 1050, n))
    closed = np.maximum(closed, handed + 30)
    closed = np.where(immediate, accepted + rng.integers(5, 61, n), closed)
    handed = np.where(immediate, tl.NAT, handed)
    due = tl.minutes(tl.add_working_days(day, promise), 1050)

    u = rng.random(n)
    cancelled = u < 0.01
    returned = ~cancelled & (u < 0.01 + tl.lerp(0.06, 0.03, p)) & ~immediate
    decided = np.where(cancelled | returned, accepted + rng.integers(60, 3 * 24 * 60, n), closed)
    status = _status_at_end(accepted, decided, cancelled, returned)
    closed = np.where(status == 2, closed, tl.NAT)

    visits = np.where(
        is_digital,
        np.where(rng.random(n) < tl.lerp(0.5, 0.9, p), 0, 1 + rng.poisson(0.3, n)),
        1 + rng.poisson(np.where(is_hotline, 0.5, tl.lerp(0.8, 0.12, p))),
    )
    gov = workers.loc[workers["team"] == "gov_affairs", "worker_id"].to_numpy()
    return frame(
        "cases",
        {
            "case_id": _case_ids("FW", received),
            "received_at": received,
            "accepted_at": later(accepted, tl.END_TS),
            "handed_off_at": later(handed, tl.END_TS),
            "first_response_at": None,
            "due_at": due,
            "closed_at": closed,
            "status": labels(status, _STATUS),
            "service_line": labels(matter, lines),
            "matter": labels(matter, names),
            "channel": labels(channel, SERVICE_CHANNELS),
            "center": constant("service_center", n),
            "grid_id": labels(weighted(rng, n, _resident_weights(grids)), grids["grid_id"]),
            "worker_id": labels(rng.integers(0, len(gov), n), gov),
            "team": constant("gov_affairs", n),
            "visits": np.minimum(visits, 8),
            "materials_required": materials,
            "materials_reused": reused,
            "immediate": immediate,
            "resolved_on_site": None,
            "reopened_at": None,
            "applicant_key": labels(rng.integers(0, APPLICANTS, n), _applicant_keys()),
            **_NOT_IN_THE_COMMUNITY_EXPORTS,
        },
    )


def _stuck(rng: np.random.Generator, cycle: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """About 1% of cases get stuck well past their deadline (the recent ones are still open at the end)."""
    stuck = rng.random(len(cycle)) < 0.01
    return np.where(stuck, limit + rng.integers(5, 60, len(cycle)), cycle).astype(np.int64)


_STATUS = ("received", "in_progress", "closed", "returned", "cancelled")


def _status_at_end(accepted, decided, cancelled, returned) -> np.ndarray:
    """Index into _STATUS as of the end of the sample: later events have not happened yet."""
    final = np.where(cancelled, 4, np.where(returned, 3, 2))
    return np.where(accepted > tl.END_TS, 0, np.where(decided > tl.END_TS, 1, final))


def grid_cases(rng: np.random.Generator, scale: float, grids: pd.DataFrame, workers: pd.DataFrame) -> pd.DataFrame:
    """Resident requests handled in the grids by the grid's lead social worker: faster first response, more
    fixed on the spot and fewer repeats after the reform."""
    days = tl.all_days()
    expected = 8.2 * np.where(tl.is_working_day(days), 1.1, 0.75) * tl.seasonality(days)
    day, received, _ = _sorted_arrivals(rng, (expected,), scale, (tl.any_minute,))
    n = len(day)
    p = tl.reform_progress(day)
    names, lines, weights, limits = zip(*cat.GRID_MATTERS)
    matter = weighted(rng, n, weights)
    limit = np.array(limits, dtype=np.int64)[matter]
    channel = weighted_by_progress(rng, p, (0.45, 0.30, 0.10, 0.15), (0.40, 0.20, 0.30, 0.10))

    responded = received + gamma_minutes(rng, tl.lerp(20 * 60, 4 * 60, p), shape=1.5) + 5
    on_site = rng.random(n) < tl.lerp(0.35, 0.55, p)
    cycle = _stuck(rng, np.floor(limit * rng.lognormal(np.log(tl.lerp(0.6, 0.4, p)), 0.5)), limit)
    closed = np.maximum(tl.minutes(tl.add_working_days(day, cycle), rng.integers(540, 1080, n)), responded + 60)
    closed = np.where(on_site, responded + rng.integers(20, 181, n), closed)
    due = tl.minutes(tl.add_working_days(day, limit), 1080)

    u = rng.random(n)
    cancelled = u < 0.02
    returned = ~cancelled & (u < 0.04)
    decided = np.where(cancelled | returned, responded + rng.integers(30, 24 * 60, n), closed)
    status = _status_at_end(received, decided, cancelled, returned)
    is_closed = status == 2
    reopened = closed + rng.integers(1, 26, n).astype("timedelta64[D]")
    reopen = is_closed & (rng.random(n) < tl.lerp(0.04, 0.015, p)) & (reopened <= tl.END_TS)

    grid = weighted(rng, n, _resident_weights(grids))
    team_of = dict(zip(workers["worker_id"], workers["team"]))
    applicant = rng.integers(0, APPLICANTS, n)
    return frame(
        "cases",
        {
            "case_id": _case_ids("WG", received),
            "received_at": received,
            "accepted_at": None,
            "handed_off_at": None,
            "first_response_at": later(responded, tl.END_TS),
            "due_at": due,
            "closed_at": np.where(is_closed, closed, tl.NAT),
            "status": labels(status, _STATUS),
            "service_line": labels(matter, lines),
            "matter": labels(matter, names),
            "channel": labels(channel, GRID_CHANNELS),
            "center": constant("resident_center", n),
            "grid_id": labels(grid, grids["grid_id"]),
            "worker_id": labels(grid, grids["leader_worker_id"]),
            "team": labels(grid, [team_of[w] for w in grids["leader_worker_id"]]),
            "visits": None,
            "materials_required": None,
            "materials_reused": None,
            "immediate": None,
            "resolved_on_site": masked_bool(on_site, is_closed),
            "reopened_at": np.where(reopen, reopened, tl.NAT),
            # a problem found on patrol has no requester
            "applicant_key": labels(np.where(channel == 0, -1, applicant), _applicant_keys()),
            **_NOT_IN_THE_COMMUNITY_EXPORTS,
        },
    )


# Fields only a 12345 work-order export carries; the community's own systems leave them empty.
_NOT_IN_THE_COMMUNITY_EXPORTS = {
    "street": None,
    "responded": None,
    "resolved": None,
    "satisfaction": None,
    "request_text": None,
    "address_key": None,
}


def _applicant_keys() -> list[str]:
    return ids("A", np.arange(APPLICANTS), 5).to_pylist()
