"""Personal data: keyed hash with a local 0600 key, phone/ID masking in text, masked names."""

import hashlib
import hmac
import stat

import pyarrow as pa

from jianfu import settings
from jianfu.ingest import personal


def test_the_key_is_created_once_with_mode_0600_and_reused():
    first = personal.key()
    path = settings.data_dir() / "secrets" / "pii.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) == 32 and personal.key() == first


def test_hashes_are_keyed_stable_and_ignore_surrounding_spaces():
    ids = pa.array(["320102199001011234", " 320102199001011234 ", None, "110101198512120021"])
    hashed = personal.hash_values(ids).to_pylist()
    expected = hmac.new(personal.key(), b"320102199001011234", hashlib.sha256).hexdigest()[:32]
    assert hashed == [expected, expected, None, hashed[3]]
    assert hashed[3] != expected and len(hashed[3]) == 32
    assert hashed[0] != hashlib.sha256(b"320102199001011234").hexdigest()[:32]  # not a plain, guessable hash


def test_scrub_masks_phones_and_id_numbers_inside_text():
    text = pa.array(
        [
            "请回电13812345678或138 1234 5678",
            "身份证32010219900101123X，座机025-84561234",
            "办件2025-01-02 10:00已回访",
            None,
        ]
    )
    assert personal.scrub_text(text).to_pylist() == [
        "请回电138****5678或138****5678",
        "身份证320102************，座机025-****1234",
        "办件2025-01-02 10:00已回访",
        None,
    ]


def test_names_keep_only_their_first_character():
    names = pa.array(["张三", "欧阳娜娜", "李", None])
    assert personal.mask_names(names).to_pylist() == ["张*", "欧***", "李*", None]


def test_rejects_keep_nothing_of_a_hashed_value_and_the_mask_of_a_name():
    values = pa.array(["320102199001011234", "张三"])
    assert personal.protect_reject_values(values, "hash").to_pylist() == [None, None]
    assert personal.protect_reject_values(values, "mask").to_pylist() == ["3*****************", "张*"]
    assert personal.protect_reject_values(values, None).to_pylist() == ["320102************", "张三"]
