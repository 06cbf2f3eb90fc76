"""The community work list (工作事项清单) before and after the reform, and the access requests (准入) through
which departments push tasks down once the list is in force."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jianfu.sample import catalogue as cat
from jianfu.sample import timeline as tl
from jianfu.sample.frames import daily_counts, frame, ids, labels, weighted

ASPECTS = ("工作", "信息采集", "政策宣传", "日常巡查", "台账管理", "情况摸排", "服务保障", "应急处置")
# list version, valid from, valid to, statutory items, assist items, negative-list items
LIST_VERSIONS = (("2023", "2023-01-01", "2025-01-01", 280, 1240, 0), ("2025", "2025-01-01", None, 260, 1110, 80))
CATEGORIES = ("statutory", "assist", "negative")
DECISIONS = ("admitted", "refused", "pending")
REASONS = ("dept_statutory_duty", "no_funding", "not_on_list")


def build_work_items(rng: np.random.Generator) -> pd.DataFrame:
    """Statutory and assist items are on the grid work-item list (1,370 of them after the reform); the
    negative list names what the community must no longer be asked to do."""
    names = np.array([v + o + a for v in cat.WORK_ITEM_VERBS for o in cat.WORK_ITEM_OBJECTS for a in ASPECTS])
    negatives = np.array([f"{d}要求{item}" for item in cat.NEGATIVE_ITEMS for d in cat.INSPECTION_BODIES])
    parts = []
    for version, start, end, statutory, assist, negative in LIST_VERSIONS:
        category = np.repeat([0, 1, 2], [statutory, assist, negative])
        n = len(category)
        listed = rng.choice(len(names), statutory + assist, replace=False)
        name = np.concatenate([names[np.sort(listed)], negatives[rng.choice(len(negatives), negative, replace=False)]])
        funded_share = {"2023": (0.9, 0.3), "2025": (0.95, 0.75)}[version]
        parts.append(
            pd.DataFrame(
                {
                    "item_id": ids(f"QD{version}-", np.arange(1, n + 1), 4).to_pandas(),
                    "name": name,
                    "list_version": version,
                    "category": np.array(CATEGORIES)[category],
                    "dept": np.array(cat.DEPARTMENTS)[rng.integers(0, len(cat.DEPARTMENTS), n)],
                    "legal_basis": np.where(category == 0, np.array(cat.LEGAL_BASES)[rng.integers(0, 4, n)], None),
                    "funded": np.where(category == 2, False, rng.random(n) < np.where(category == 0, *funded_share)),
                    "grid_list": category != 2,
                    "valid_from": np.datetime64(start),
                    "valid_to": np.datetime64(end) if end else np.datetime64("NaT"),
                }
            )
        )
    items = pd.concat(parts, ignore_index=True)
    return frame("work_items", {c: items[c].to_numpy() for c in items})


def build_access_requests(rng: np.random.Generator, scale: float) -> pd.DataFrame:
    """Tasks pushed down by departments from the reform on: admitted with funding attached, or refused
    (the department's own statutory duty, no funding, not on the list); the latest are still pending."""
    days = tl.all_days()
    day = daily_counts(rng, 14 / 21 * tl.is_working_day(days) * (days >= tl.REFORM), scale)
    n = len(day)
    received = tl.minutes(days[day], tl.office_minute(rng, n))
    task = rng.integers(0, len(cat.ACCESS_TASKS), n)
    decided = tl.minutes(tl.add_working_days(days[day], rng.integers(2, 11, n)), rng.integers(540, 1050, n))
    refused = rng.random(n) < 0.42
    reason = weighted(rng, n, (0.45, 0.30, 0.25))
    pending = decided > tl.END_TS
    decision = np.where(pending, 2, refused.astype(np.int64))
    funded = np.where(
        decision == 0, rng.random(n) < 0.85, np.where((decision == 1) & (reason == 1), False, rng.random(n) < 0.3)
    )
    return frame(
        "access_requests",
        {
            "request_id": ids("ZR", np.arange(1, n + 1), 5),
            "dept": labels(task, [d for d, _ in cat.ACCESS_TASKS]),
            "task": labels(task, [t for _, t in cat.ACCESS_TASKS]),
            "received_at": received,
            "decision": labels(decision, DECISIONS),
            "reason": labels(np.where(decision == 1, reason, -1), REASONS),
            "decided_at": np.where(pending, np.datetime64("NaT"), decided),
            "funded": funded,
        },
    )
