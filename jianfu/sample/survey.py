"""Quarterly resident satisfaction survey (满意度测评): ~300 respondents a wave, five dimension items and an
overall item on a 1–5 scale, post-stratification weights by age band × sex."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jianfu.sample import catalogue as cat
from jianfu.sample import timeline as tl
from jianfu.sample.frames import frame, ids, labels, weighted

# item, label_zh, label_en, dimension, mean score before → after the reform. The question wording of the
# export lives in the survey's mapping (mappings/builtin/survey.toml), whose items a test keeps equal to these.
ITEMS = (
    ("q_property", "物业管理满意度", "Property management", "物业管理", 3.35, 3.65),
    ("q_sanitation", "环境卫生满意度", "Sanitation", "环境卫生", 3.55, 4.05),
    ("q_safety", "治安满意度", "Public safety", "治安", 3.9, 4.1),
    ("q_attitude", "服务态度满意度", "Staff attitude", "服务态度", 3.8, 4.35),
    ("q_efficiency", "办事效率满意度", "Service efficiency", "办事效率", 3.3, 4.2),
)
OVERALL = ("q_overall", "总体满意度", "Overall satisfaction", "总体")
OVERALL_WEIGHTS = (0.2, 0.2, 0.1, 0.2, 0.3)  # how much each dimension drives overall satisfaction
AGE_BANDS = ("18_34", "35_49", "50_64", "65_plus")
SEXES = ("male", "female")
TENURES = ("lt1", "1_5", "5_10", "gt10")
CHANNELS = ("door_to_door", "phone", "online")
POPULATION_AGE = np.array([0.30, 0.28, 0.24, 0.18])
RESPONSES_PER_WAVE = 300


def waves() -> np.ndarray:
    """First day of each wave's fieldwork month (the last month of every quarter in the sample)."""
    months = np.arange(tl.START.astype("datetime64[M]"), tl.END.astype("datetime64[M]") + 1)
    return months[(months.astype(np.int64) % 12) % 3 == 2].astype("datetime64[D]")


def build_survey(rng: np.random.Generator, scale: float, grids: pd.DataFrame) -> dict[str, pd.DataFrame]:
    starts = waves()
    wave = np.repeat(np.arange(len(starts)), rng.poisson(RESPONSES_PER_WAVE * scale, len(starts)))
    n = len(wave)
    p = tl.reform_progress(starts)[wave]
    age = np.where(
        rng.random(n) < p, weighted(rng, n, (0.24, 0.28, 0.26, 0.22)), weighted(rng, n, (0.18, 0.25, 0.29, 0.28))
    )
    sex = (rng.random(n) < 0.56).astype(np.int64)  # women answer more often
    channel = np.where(rng.random(n) < p, weighted(rng, n, (0.45, 0.2, 0.35)), weighted(rng, n, (0.75, 0.2, 0.05)))

    mood = rng.normal(0.0, 0.6, n) + 0.1 * (age == 3)
    means = np.array([[pre, post] for *_, pre, post in ITEMS])
    latent = (
        means[:, 0][:, None] + (means[:, 1] - means[:, 0])[:, None] * p + mood + rng.normal(0, 0.7, (len(ITEMS), n))
    )
    overall = np.asarray(OVERALL_WEIGHTS) @ latent + rng.normal(0.0, 0.4, n)
    scores = np.clip(np.rint(np.vstack([latent, overall])), 1, 5)
    skipped = rng.random(scores.shape) < np.array([0.03] * len(ITEMS) + [0.01])[:, None]
    scores[skipped] = np.nan

    wave_code = tl.quarter_code(starts)
    seq = np.arange(n) - np.searchsorted(wave, wave) + 1
    response_id = ids(labels(wave, [f"WJ{w}-" for w in wave_code]), seq, 4)
    responded = tl.minutes(starts[wave] + rng.integers(0, 20, n), rng.integers(540, 1170, n))
    comment = np.where(rng.random(n) < 0.04, rng.integers(0, len(cat.SURVEY_COMMENTS), n), -1)

    item_codes = [i[0] for i in ITEMS] + [OVERALL[0]]
    resp_idx, item_idx = np.nonzero(~np.isnan(scores).T)  # by respondent, then item
    return {
        "survey_responses": frame(
            "survey_responses",
            {
                "response_id": response_id,
                "wave": labels(wave, wave_code),
                "responded_at": responded,
                "grid_id": labels(weighted(rng, n, grids["residents"].to_numpy(float)), grids["grid_id"]),
                "age_band": labels(age, AGE_BANDS),
                "sex": labels(sex, SEXES),
                "tenure": labels(weighted(rng, n, (0.1, 0.3, 0.3, 0.3)), TENURES),
                "channel": labels(channel, CHANNELS),
                "weight": _poststratify(wave, age, sex),
                "comment": labels(comment, cat.SURVEY_COMMENTS),
            },
        ),
        "survey_answers": frame(
            "survey_answers",
            {
                "response_id": response_id.take(resp_idx),
                "item": labels(item_idx, item_codes),
                "score": scores[item_idx, resp_idx],
            },
        ),
        "survey_items": frame(
            "survey_items",
            {
                "item": np.array(item_codes),
                "label_zh": np.array([i[1] for i in (*ITEMS, OVERALL)]),
                "label_en": np.array([i[2] for i in (*ITEMS, OVERALL)]),
                "dimension": np.array([i[3] for i in (*ITEMS, OVERALL)]),
                "scale_min": np.ones(len(item_codes)),
                "scale_max": np.full(len(item_codes), 5.0),
                "is_overall": np.array([False] * len(ITEMS) + [True]),
            },
        ),
    }


def _poststratify(wave: np.ndarray, age: np.ndarray, sex: np.ndarray) -> np.ndarray:
    """Weight = population share / sample share of the respondent's age × sex cell within the wave,
    rounded to 4 decimals (women and men are half the population each)."""
    cell = wave * 8 + age * 2 + sex
    counts = np.bincount(cell, minlength=(wave.max(initial=0) + 1) * 8)
    wave_size = np.bincount(wave)[wave]
    target = POPULATION_AGE[age] * 0.5
    return np.round(target / (counts[cell] / wave_size), 4)
