"""Guards a workbook must pass before any parser sees it: a zip bomb and XML entity tricks are refused with one
sentence, in bounded memory and time.

An .xlsx is a zip of XML parts. Two attacks ride on that:
- a **zip bomb**: a part that inflates far beyond what spreadsheets compress to (~5–30×), so that the parser
  spends minutes and gigabytes on it. The sizes in the zip directory can lie, so each part is inflated here, a
  piece at a time and thrown away, and counted: reading stops as soon as a part passes the bound.
- **entity expansion** ("billion laughs", external entities): a `<!DOCTYPE` with `<!ENTITY …>` definitions that
  expand to gigabytes or pull in `/etc/passwd`. Excel, WPS and LibreOffice never write a DOCTYPE into a workbook
  part, so any part that declares one is refused without being parsed.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from jianfu.ingest.errors import ImportRefused

# Real xlsx parts compress 5–30×; a part inflating more than this (and to more than 64 MB) is a zip bomb.
ZIP_BOMB_RATIO, ZIP_BOMB_MIN_BYTES = 100, 64 << 20
_PIECE = 1 << 20  # inflated at most this much at a time
_PROLOGUE = 4096  # the XML declaration and a DOCTYPE, if any, come first
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # the fixed 30 bytes before a part's name, extra field and data


def refuse_hostile_workbook(data: bytes, name: str) -> None:
    """Raise ImportRefused for a zip bomb or a part with a DOCTYPE; a zip that cannot be read passes (opening it
    then fails with the "damaged" sentence)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return
    with archive:
        for part in archive.infolist():
            _check_declared_size(part, name)
            prologue = _inflate_bounded(data, part, name).upper()
            if b"<!DOCTYPE" in prologue or b"<!ENTITY" in prologue:
                raise ImportRefused(
                    f"{name} declares XML entities (a DOCTYPE) in {part.filename}, which spreadsheet "
                    "programs never write: it could expand to gigabytes or read server files, so it "
                    "is refused; export it again from the original system."
                )


def _limit(part: zipfile.ZipInfo) -> int:
    return max(ZIP_BOMB_MIN_BYTES, ZIP_BOMB_RATIO * max(part.compress_size, 1))


def _refuse_bomb(part: zipfile.ZipInfo, name: str, size: int, counted: bool = False) -> None:
    """`counted`: the size was measured while inflating (the part is larger still); else the zip directory said it."""
    unpacks = "unpacks to more than" if counted else "would unpack to"
    raise ImportRefused(
        f"{name} holds a part that {unpacks} {size / 2**20:,.0f} MB from "
        f"{part.compress_size / 2**20:,.1f} MB, far beyond any real workbook; it is refused."
    )


def _check_declared_size(part: zipfile.ZipInfo, name: str) -> None:
    if part.file_size > _limit(part):
        _refuse_bomb(part, name, part.file_size)


def _inflate_bounded(data: bytes, part: zipfile.ZipInfo, name: str) -> bytes:
    """The first bytes of a part, after inflating all of it (and throwing it away) to count its real size: read
    from the raw compressed bytes, so a lying size in the zip directory changes nothing; stops at the bound."""
    start = part.header_offset
    header = data[start : start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        return b""  # not where the directory says: the parser will call it damaged
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    body_start = start + _LOCAL_HEADER.size + name_length + extra_length
    raw = memoryview(data)[body_start : body_start + part.compress_size]
    if part.compress_type == zipfile.ZIP_STORED:
        return bytes(raw[:_PROLOGUE])
    if part.compress_type != zipfile.ZIP_DEFLATED:
        return b""  # Excel writes only deflate; anything else is left to the parser, which refuses it
    inflater, limit, total, prologue = zlib.decompressobj(-zlib.MAX_WBITS), _limit(part), 0, b""
    try:
        for offset in range(0, len(raw), _PIECE):
            pending = raw[offset : offset + _PIECE]
            while pending:
                piece = inflater.decompress(pending, _PIECE)
                pending = inflater.unconsumed_tail
                total += len(piece)
                if len(prologue) < _PROLOGUE:
                    prologue += piece[: _PROLOGUE - len(prologue)]
                if total > limit:
                    _refuse_bomb(part, name, total, counted=True)
                if inflater.eof:
                    return prologue
    except zlib.error:
        pass  # a broken stream: the parser refuses the file as damaged
    return prologue
