"""Personal data never reaches the warehouse in clear text (DATA_MODEL.md).

- `hash`: a keyed hash (HMAC-SHA256) so the same person still joins across tables and exports, while nobody
  without the local key can test a guessed 身份证号 against it (a plain hash of an 18-digit number with a known
  structure is easy to brute-force).
- `scrub`: free text keeps its words; phone and ID numbers inside it are masked, and names where the text marks
  them (张先生, 姓名：张三).
- `mask`: a display name keeps its first character (张三 → 张*).
The key is generated on first use into `<data_dir>/secrets/pii.key` (data_dir is git-ignored), mode 0600.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

import pyarrow as pa
import pyarrow.compute as pc

from jianfu import settings

KEY_FILE = ("secrets", "pii.key")
HASH_HEX_CHARS = 32  # 128 bits: collisions are out of reach for any street office's population

# Order matters: an 18-character 身份证号 is masked before its digits could look like a phone number.
# The masked forms keep as much as Chinese practice prints on receipts (first/last digits), never the whole value.
_SCRUB_PATTERNS = (
    (r"([1-9][0-9]{5})(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]", r"\1************"),
    (r"[0-9]{15,}", "***************"),  # old 15-digit IDs, bank cards and other long numbers
    (r"(1[3-9][0-9])[- ]?[0-9]{4}[- ]?([0-9]{4})", r"\1****\2"),  # mobile
    (r"(0[0-9]{2,3})[- ]?[0-9]{3,4}[- ]?([0-9]{4})", r"\1-****\2"),  # landline with area code
    # names where the text marks them: a surname before a form of address (张先生 → *先生), a name after
    # 姓名/我叫/联系人. Names without such a marker are masked again where an excerpt is shown (topics.py).
    (r"\p{Han}(先生|女士|小姐|师傅|阿姨|大爷|大妈)", r"*\1"),
    (r"(姓名[:：]?|我叫|本人叫|联系人[:：]?)\p{Han}{2,3}", r"\1***"),
)


def key() -> bytes:
    """This installation's secret key, created on first use (safely if two processes race to create it)."""
    path = settings.data_dir().joinpath(*KEY_FILE)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def hash_values(values: pa.Array) -> pa.Array:
    """Keyed hash of each non-null value (trimmed, so ' 1381…' and '1381…' are the same person)."""
    keyed = hmac.new(key(), digestmod=hashlib.sha256)  # copied per value: the key is prepared once, not per value
    trimmed = pc.utf8_trim_whitespace(values.cast(pa.string()))
    distinct = pc.unique(trimmed).drop_null()
    digests = pa.array([_hex_digest(keyed, v.encode()) for v in distinct.to_pylist()], pa.string())
    return pc.take(digests, pc.index_in(trimmed, distinct))


def _hex_digest(keyed: hmac.HMAC, value: bytes) -> str:
    mac = keyed.copy()
    mac.update(value)
    return mac.hexdigest()[:HASH_HEX_CHARS]


def scrub_text(values: pa.Array) -> pa.Array:
    """Mask phone and ID numbers inside free text; everything else is kept as written."""
    result = values.cast(pa.string())
    for pattern, replacement in _SCRUB_PATTERNS:
        result = pc.replace_substring_regex(result, pattern=pattern, replacement=replacement)
    return result


def mask_names(values: pa.Array) -> pa.Array:
    """张三 → 张*, 欧阳娜娜 → 欧***: the first character and one star per hidden character."""
    names = pc.utf8_trim_whitespace(values.cast(pa.string()))
    stars = pc.binary_repeat("*", pc.max_element_wise(pc.subtract(pc.utf8_length(names), 1), 1))
    return pc.binary_join_element_wise(pc.utf8_slice_codeunits(names, 0, 1), stars, "")


def protect(values: pa.Array, personal: str | None) -> pa.Array:
    """Apply a column's personal-data rule (schema.Column.personal) to its values."""
    if personal == "hash":
        return hash_values(values)
    if personal == "scrub":
        return scrub_text(values)
    if personal == "mask":
        return mask_names(values)
    return values


def protect_reject_values(values: pa.Array, personal: str | None) -> pa.Array:
    """What a reject may keep of a bad value: nothing of a hashed column, the mask of a name, and scrubbed text of
    anything else (an ID number typed into the wrong column must not survive as a reject either)."""
    if personal == "hash":
        return pa.nulls(len(values), pa.string())
    if personal == "mask":
        return mask_names(values)
    return scrub_text(values)
