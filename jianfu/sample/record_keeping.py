"""Record keeping (减负): the ledger inventory with its reform history, observed record entries (with the
same event keyed into several ledgers), and the inspections demanded of the community."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jianfu.sample import catalogue as cat
from jianfu.sample import timeline as tl
from jianfu.sample.frames import daily_counts, frame, ids, labels, weighted, weighted_by_progress

BASELINE_LEDGERS = 120
CHANGE_DATES = np.array(["2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01", "2026-01-01"], dtype="datetime64[D]")
COMMON_FIELDS = ("姓名", "联系电话", "住址", "所属网格")


def build_ledgers(rng: np.random.Generator) -> pd.DataFrame:
    """One row per ledger per validity period [valid_from, valid_to): every ledger is active at the baseline;
    the reform abolishes or merges ~40%, digitises ~20% and re-estimates some of the rest (fewer copies)."""
    n = BASELINE_LEDGERS
    combos = np.sort(rng.choice(len(cat.LEDGER_TOPICS) * len(cat.LEDGER_KINDS), n, replace=False))
    topic, kind = combos // len(cat.LEDGER_KINDS), combos % len(cat.LEDGER_KINDS)
    name = np.array([cat.LEDGER_TOPICS[t][0] + cat.LEDGER_KINDS[k] for t, k in zip(topic, kind)])
    dept = np.array([cat.LEDGER_TOPICS[t][1] for t in topic])
    has_basis = rng.random(n) < 0.55
    basis = np.where(has_basis, np.array(cat.LEGAL_BASES)[rng.integers(0, len(cat.LEGAL_BASES), n)], None)
    frequency = np.array([1, 4, 12, 52, 250])[weighted(rng, n, (0.15, 0.25, 0.35, 0.2, 0.05))].astype(float)
    copies = 1 + weighted(rng, n, (0.3, 0.35, 0.25, 0.1))
    minutes = _half(rng.uniform(3, 20, n))
    hours = rng.lognormal(np.log(120), 0.8, n)
    population = np.maximum(1, np.rint(hours * 60 / (frequency * minutes * copies)))
    fields = [_fields(rng) for _ in range(n)]
    since = (np.datetime64("2016-01", "M") + rng.integers(0, 90, n)).astype("datetime64[D]")

    # outcome: 0 kept, 1 re-estimated (fewer copies), 2 abolished, 3 merged, 4 digitised
    outcome = np.where(
        has_basis, weighted(rng, n, (0.25, 0.2, 0.2, 0.13, 0.22)), weighted(rng, n, (0.1, 0.15, 0.38, 0.15, 0.22))
    )
    changed = outcome != 0
    change = CHANGE_DATES[weighted(rng, n, (0.35, 0.25, 0.2, 0.1, 0.1))]
    survivors = np.flatnonzero(np.isin(outcome, (0, 1, 4)))
    merged_into = np.array([_merge_target(rng, survivors, dept, i) if outcome[i] == 3 else None for i in range(n)])
    ledger_id = ids("TZ", np.arange(1, n + 1), 3).to_numpy(zero_copy_only=False)

    digitised, re_estimated = outcome == 4, outcome == 1
    paper = (rng.random(n) < 0.85) | digitised  # what is digitised was kept on paper before
    after = {  # the row from the change on: one copy in one system, entries quicker; or a recount of copies
        "status": np.array(["active", "active", "abolished", "merged", "digitised"])[outcome],
        "copies": np.where(digitised, 1, np.where(re_estimated, np.maximum(1, copies - 1), copies)),
        "minutes": _half(minutes * np.where(digitised, 0.5, np.where(re_estimated, 0.8, 1.0))),
        "paper": paper & ~digitised,
    }
    base = np.arange(n)
    rows = np.concatenate([base, base[changed]])
    is_after = np.arange(len(rows)) >= n
    pick = lambda before, later_: np.where(is_after, np.asarray(later_)[rows], np.asarray(before)[rows])  # noqa: E731
    return frame(
        "ledgers",
        {
            "ledger_id": ledger_id[rows],
            "name": name[rows],
            "owner_dept": dept[rows],
            "legal_basis": basis[rows],
            "status": pick(np.full(n, "active"), after["status"]),
            "merged_into": np.where(is_after, merged_into[rows], None),
            "frequency_per_year": frequency[rows],
            "population": population[rows],
            "minutes_per_entry": pick(minutes, after["minutes"]),
            "copies": pick(copies, after["copies"]),
            "paper": pick(paper, after["paper"]),
            "fields": [fields[i] for i in rows],
            "valid_from": np.where(is_after, change[rows], since[rows]),
            "valid_to": np.where(~is_after & changed[rows], change[rows], np.datetime64("NaT")),
        },
    ).sort_values(["ledger_id", "valid_from"], ignore_index=True)


def _half(minutes: np.ndarray) -> np.ndarray:
    """Rounded to half a minute, as a time study records it."""
    return np.rint(minutes * 2) / 2


def _fields(rng) -> list[str]:
    common = [f for f in COMMON_FIELDS if rng.random() < 0.7]
    others = [f for f in cat.LEDGER_FIELDS if f not in COMMON_FIELDS]
    return common + list(rng.choice(others, int(rng.integers(4, 10)), replace=False))


def _merge_target(rng, survivors: np.ndarray, dept: np.ndarray, i: int) -> str:
    same = survivors[dept[survivors] == dept[i]]
    target = rng.choice(same if len(same) else survivors)
    return f"TZ{target + 1:03d}"


def build_record_entries(
    rng: np.random.Generator, scale: float, ledgers: pd.DataFrame, households: int, workers: pd.DataFrame
) -> pd.DataFrame:
    """Observed entries, month by month, into the ledgers in use (active or digitised) that month. Before
    the reform one event (a visit) is often keyed into several ledgers; afterwards rarely."""
    social = workers.loc[workers["role"] == "social_worker", "worker_id"].to_numpy()
    months = np.arange(tl.START.astype("datetime64[M]"), tl.END.astype("datetime64[M]") + 1)
    parts = []
    for month in months:
        first = month.astype("datetime64[D]")
        p = float(tl.reform_progress(np.array([first]))[0])
        current = ledgers[
            (ledgers["valid_from"] <= first)
            & ~(ledgers["valid_to"] <= first)
            & ledgers["status"].isin(["active", "digitised"])
        ]
        volume = (current["frequency_per_year"] * current["population"]).to_numpy() ** 0.5
        n_events = rng.poisson(tl.lerp(520, 400, p) * scale)
        copies = 1 + rng.binomial(3, tl.lerp(0.2, 0.04, p), n_events)
        n_ledgers = len(current)
        start = weighted(rng, n_events, volume)
        step = rng.integers(1, max(2, n_ledgers // 4), n_events)
        event = np.repeat(np.arange(n_events), copies)
        k = np.arange(len(event)) - np.repeat(np.cumsum(copies) - copies, copies)
        ledger_pos = (start[event] + k * step[event]) % n_ledgers
        workdays = np.arange(first, (month + 1).astype("datetime64[D]"))
        workdays = workdays[tl.is_working_day(workdays)]
        at = tl.minutes(workdays[rng.integers(0, len(workdays), n_events)], rng.integers(540, 1050, n_events))
        parts.append(
            {
                "ledger_id": current["ledger_id"].to_numpy()[ledger_pos],
                "worker_id": social[rng.integers(0, len(social), n_events)][event],
                "recorded_at": at[event] + k * rng.integers(10, 180, len(event)),
                "subject": rng.integers(0, households, n_events)[event],
                "event": event,
                "minutes": _half(
                    current["minutes_per_entry"].to_numpy()[ledger_pos] * rng.lognormal(0, 0.3, len(event))
                ),
            }
        )
    offsets = np.cumsum([0] + [p["event"].max(initial=-1) + 1 for p in parts[:-1]])
    event = np.concatenate([p["event"] + o for p, o in zip(parts, offsets)])
    col = lambda name: np.concatenate([p[name] for p in parts])  # noqa: E731
    n = len(event)
    return frame(
        "record_entries",
        {
            "entry_id": ids("LH", np.arange(1, n + 1), max(7, len(str(n)))),
            "ledger_id": col("ledger_id"),
            "worker_id": col("worker_id"),
            "recorded_at": col("recorded_at"),
            "subject_key": ids("H", col("subject"), 6),
            "event_key": ids("EV", event + 1, 7),
            "minutes": col("minutes"),
        },
    )


def build_inspections(rng: np.random.Generator, scale: float) -> pd.DataFrame:
    days = tl.all_days()
    progress = tl.reform_progress(days)
    day = daily_counts(rng, tl.lerp(12 / 21, 5 / 21, progress) * tl.is_working_day(days), scale)
    n = len(day)
    p = progress[day]
    kinds = list(cat.INSPECTION_KINDS)
    return frame(
        "inspections",
        {
            "inspection_id": ids("JC", np.arange(1, n + 1), 5),
            "held_on": days[day],
            "body": labels(rng.integers(0, len(cat.INSPECTION_BODIES), n), cat.INSPECTION_BODIES),
            "kind": labels(
                weighted_by_progress(rng, p, (0.3, 0.35, 0.15, 0.1, 0.1), (0.2, 0.35, 0.25, 0.05, 0.15)), kinds
            ),
            "in_annual_plan": rng.random(n) < tl.lerp(0.45, 0.8, p),
            "materials_requested": rng.poisson(tl.lerp(6.0, 2.0, p)),
            "photo_evidence_required": rng.random(n) < tl.lerp(0.6, 0.15, p),
            "staff_hours": np.maximum(0.5, np.rint(rng.gamma(2.0, tl.lerp(10.0, 4.0, p) / 2.0) * 2) / 2),
        },
    )
