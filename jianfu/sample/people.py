"""Synthetic, obviously fake personal values for the exports: names from a small syllable list, phones
1390000xxxx and ID numbers masked the way systems print them (3204**********123X). A person is a number;
the same number always gives the same name, phone and masked ID, so the importer's hashing joins them."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jianfu.sample import catalogue as cat
from jianfu.sample.frames import ids, labels


def _parts(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = np.asarray(numbers, dtype=np.int64)
    given = len(cat.GIVEN)
    second = np.where(n % 3 == 0, -1, (n * 13 + 5) % given)  # a third of the names have one given character
    return n % len(cat.SURNAMES), (n * 7 + 3) % given, second


def full_names(numbers: np.ndarray) -> pa.Array:
    surname, first, second = _parts(numbers)
    return pc.binary_join_element_wise(
        labels(surname, cat.SURNAMES), labels(first, cat.GIVEN), pc.fill_null(labels(second, cat.GIVEN), ""), ""
    )


def masked_names(numbers: np.ndarray) -> pa.Array:
    """What the importer stores for a display name: the surname and one star per hidden character."""
    surname, _, second = _parts(numbers)
    return pc.binary_join_element_wise(
        labels(surname, cat.SURNAMES), labels((second >= 0).astype(int), ["*", "**"]), ""
    )


def phones(numbers: np.ndarray) -> pa.Array:
    return ids("1390000", np.asarray(numbers, dtype=np.int64) % 10_000, 4)


def masked_id_numbers(numbers: np.ndarray) -> pa.Array:
    n = np.asarray(numbers, dtype=np.int64)
    return pc.binary_join_element_wise(ids("3204**********", n % 1000, 3), labels(n % 11, list("0123456789X")), "")


def number_of(keys: pa.Array | np.ndarray) -> np.ndarray:
    """The person number inside a key such as A01234 or SW07 (letters stripped); -1 where empty."""
    digits = pc.replace_substring_regex(pa.array(keys, pa.string()), "[^0-9]", "")
    return pc.fill_null(pc.cast(digits, pa.int64()), -1).to_numpy(zero_copy_only=False)
