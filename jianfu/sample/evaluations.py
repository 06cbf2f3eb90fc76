"""好差评 ratings of closed service-centre cases and callbacks (回访) of closed grid cases. Bad ratings
(≤ 2) are rare; real-name ones are verified, rectified by a deadline and called back, mostly on time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from jianfu.sample import catalogue as cat
from jianfu.sample import timeline as tl
from jianfu.sample.frames import frame, gamma_minutes, ids, labels, masked_bool, weighted_by_progress

SOURCES = ("window", "online", "sms", "hotline_callback", "grid_callback")
ANSWERS = ("resolved", "unresolved")
# share of ratings 1..5 before and after the reform
SERVICE_RATINGS = ((0.005, 0.011, 0.043, 0.161, 0.78), (0.003, 0.005, 0.017, 0.095, 0.88))
CALLBACK_RATINGS = ((0.012, 0.02, 0.1, 0.3, 0.568), (0.006, 0.01, 0.05, 0.22, 0.714))


def _rated(rng, cases: pd.DataFrame, share_pre: float, share_post: float) -> tuple[np.ndarray, np.ndarray]:
    """Which cases get a rating (a share of the closed ones, rising with the reform) and their reform progress."""
    p = tl.reform_progress(cases["received_at"].to_numpy().astype("datetime64[D]"))
    chosen = (cases["status"] == "closed").to_numpy() & (rng.random(len(cases)) < tl.lerp(share_pre, share_post, p))
    return chosen, p[chosen]


def service_evaluations(rng: np.random.Generator, cases: pd.DataFrame) -> pd.DataFrame:
    chosen, p = _rated(rng, cases, 0.5, 0.68)
    channel = pd.Categorical(cases["channel"], categories=["window", "online", "mobile", "hotline"]).codes[chosen]
    closed_at = cases["closed_at"].to_numpy()[chosen].astype("datetime64[m]")
    n = len(closed_at)
    window, hotline = channel == 0, channel == 3
    sms = rng.random(n) < np.where(window, 0.1, 0.2)
    source = np.where(hotline, 3, np.where(sms, 2, np.where(window, 0, 1)))  # index into SOURCES
    lag = np.select(
        [source == 0, source == 1, source == 2],
        [rng.integers(1, 11, n), gamma_minutes(rng, np.full(n, 360.0)), rng.integers(720, 4320, n)],
        rng.integers(1440, 4320, n),
    )
    rated_at = closed_at + lag
    rating = weighted_by_progress(rng, p, SERVICE_RATINGS[0], SERVICE_RATINGS[1]) + 1
    realname = (source != 0) | (rng.random(n) < 0.2)  # the window's rating pad is mostly anonymous
    # a rating after the export does not exist yet; ids follow the order of rating
    keep = np.flatnonzero(rated_at <= tl.END_TS)
    keep = keep[np.argsort(rated_at[keep], kind="stable")]
    case_id = pa.array(cases["case_id"]).filter(pa.array(chosen)).take(pa.array(keep))
    rated_at, rating, source, realname, p = (a[keep] for a in (rated_at, rating, source, realname, p))
    return _evaluations(
        "PJ",
        case_id,
        rated_at,
        rating,
        source,
        realname,
        _followup(rng, rated_at, rating, realname, p),
        _comments(rng, rating <= 2),
    )


def _followup(rng, rated_at, rating, realname, p) -> dict[str, object]:
    """Real-name bad ratings: verified (most), rectified by a deadline of 10 working days (mostly on time,
    a few never), and called back."""
    n = len(rated_at)
    followed = (rating <= 2) & realname
    verified = followed & (rng.random(n) < 0.65)
    rated_day = rated_at.astype("datetime64[D]")
    due = tl.minutes(tl.add_working_days(rated_day, 10), 1050)
    on_time = rng.random(n) < tl.lerp(0.7, 0.9, p)
    fix_days = np.where(on_time, rng.integers(1, 10, n), rng.integers(11, 21, n))
    rectified = tl.minutes(tl.add_working_days(rated_day, fix_days), rng.integers(540, 1050, n))
    never = rng.random(n) < 0.03
    rectified = np.where(verified & ~never & (rectified <= tl.END_TS), rectified, tl.NAT)
    callback = np.where(np.isnat(rectified), rated_at, rectified) + rng.integers(1440, 4320, n)
    called = followed & (rng.random(n) < tl.lerp(0.85, 0.99, p)) & (callback <= tl.END_TS)
    resolved = rng.random(n) < np.where(np.isnat(rectified), 0.4, 0.75)
    return {
        "verified": masked_bool(verified, followed),
        "rectify_due_at": np.where(verified, due, tl.NAT),
        "rectified_at": rectified,
        "callback_at": np.where(called, callback, tl.NAT),
        "resolved_answer": labels(np.where(called, np.where(resolved, 0, 1), -1), ANSWERS),
    }


def grid_callbacks(rng: np.random.Generator, cases: pd.DataFrame) -> pd.DataFrame:
    """A callback is a rating and its own follow-up (asked on the phone whether the problem is solved), so
    the 好差评 verification and rectification steps do not apply."""
    chosen, p = _rated(rng, cases, 0.6, 0.8)
    closed_day = cases["closed_at"].to_numpy()[chosen].astype("datetime64[D]")
    n = len(closed_day)
    rated_at = tl.minutes(closed_day + rng.integers(1, 4, n), rng.integers(540, 1200, n))
    rating = weighted_by_progress(rng, p, CALLBACK_RATINGS[0], CALLBACK_RATINGS[1]) + 1
    resolved = rng.random(n) < np.where(rating <= 2, 0.3, tl.lerp(0.82, 0.93, p))
    keep = np.flatnonzero(rated_at <= tl.END_TS)
    keep = keep[np.argsort(rated_at[keep], kind="stable")]
    case_id = pa.array(cases["case_id"]).filter(pa.array(chosen)).take(pa.array(keep))
    rated_at, rating, resolved = rated_at[keep], rating[keep], resolved[keep]
    followup = {
        "verified": None,
        "rectify_due_at": None,
        "rectified_at": None,
        "callback_at": rated_at,
        "resolved_answer": labels(np.where(resolved, 0, 1), ANSWERS),
    }
    return _evaluations(
        "HF",
        case_id,
        rated_at,
        rating,
        np.full(len(keep), 4),
        np.ones(len(keep), bool),
        followup,
        _comments(rng, rating <= 2),
    )


def _comments(rng, bad: np.ndarray):
    """A few ratings carry a comment (most bad ones do); some comments run over two lines."""
    n = len(bad)
    pick = np.where(
        bad,
        len(cat.EVALUATION_COMMENTS) + rng.integers(0, len(cat.BAD_COMMENTS), n),
        rng.integers(0, len(cat.EVALUATION_COMMENTS), n),
    )
    has = rng.random(n) < np.where(bad, 0.6, 0.04)
    return labels(np.where(has, pick, -1), cat.EVALUATION_COMMENTS + cat.BAD_COMMENTS)


def _evaluations(prefix, case_id, rated_at, rating, source, realname, followup, comment) -> pd.DataFrame:
    n = len(rated_at)
    return frame(
        "evaluations",
        {
            "eval_id": ids(prefix, np.arange(1, n + 1), max(7, len(str(n)))),
            "case_id": case_id,
            "rated_at": rated_at,
            "rating": rating,
            "source": labels(source, SOURCES),
            "realname": realname,
            **followup,
            "comment": comment,
        },
    )
