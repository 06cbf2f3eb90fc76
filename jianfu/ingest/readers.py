"""Read an export into an all-text Arrow table, remembering for each record the line (CSV) or Excel row where it
starts, so that a reject can point at it.

What a file is comes from its bytes, never from its name: a zip (xlsx) or OLE2 (xls) signature is a workbook;
otherwise it is CSV text whose encoding is the first of UTF-8-with-BOM, UTF-8, GB18030 (a superset of GBK) that
decodes it strictly. DuckDB here reads neither GBK nor xlsx (STACK.md), so decoding happens in Python/Arrow.
Every cell stays text at this stage; types are parsed later, per canonical column, where a bad value can become a
reject instead of refusing the whole file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from jianfu.ingest.errors import ImportRefused
from jianfu.ingest.workbook_guard import refuse_hostile_workbook

XLSX_SIGNATURE, OLE2_SIGNATURE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
DELIMITERS = (",", "\t", ";", "|")
_CHUNK = 16 << 20
_UTF8_CHECK_CHUNK = 1 << 20  # decoded and dropped piece by piece: never a full text copy
_PAIR_SEARCH_CHUNK = 8 << 20  # bytes searched at a time for U+4E00–U+9FFF twice in UTF-8 (_chinese_pairs)


@dataclass
class RawTable:
    """One sheet or CSV: `data` has one text column per header, one row per record; `lines[i]` is where row i
    starts in the file (1-based). `malformed` holds records that could not be split into the header's columns."""

    file_name: str
    kind: str  # "csv" or "xlsx"
    encoding: str | None
    data: pa.Table
    lines: np.ndarray
    malformed: list[tuple[int, str]] = field(default_factory=list)
    duplicate_headers: frozenset[str] = frozenset()

    @property
    def headers(self) -> list[str]:
        return self.data.column_names

    @property
    def rows_read(self) -> int:
        return self.data.num_rows + len(self.malformed)


class Source:
    """An opened export. Reading the bytes and their sha256 is all the constructor does, so that a file already
    loaded is recognised without decoding it; the format is worked out on first use. `table()` parses it (once per
    sheet/header row; profile detection may ask for several)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.name = self.path.name
        try:
            self.data = self.path.read_bytes()
        except FileNotFoundError:
            raise ImportRefused(f"{self.name} does not exist; check the path.") from None
        except IsADirectoryError:
            raise ImportRefused(f"{self.name} is a folder; pass the export files inside it.") from None
        self.sha256 = hashlib.sha256(self.data).hexdigest()
        self._format: tuple[str, str | None, object] | None = None
        self._utf8 = b""  # the CSV text as UTF-8, once the format is known
        self._tables: dict[tuple[str | None, int], RawTable] = {}

    @property
    def kind(self) -> str:
        """ "csv" or "xlsx" (which covers legacy .xls too), from the bytes."""
        return self._sniff()[0]

    @property
    def encoding(self) -> str | None:
        return self._sniff()[1]

    @property
    def sheet_names(self) -> list[str]:
        workbook = self._sniff()[2]
        return list(workbook.sheet_names) if workbook is not None else []

    def table(self, sheet: str | None = None, header_row: int = 1) -> RawTable:
        kind, encoding, workbook = self._sniff()
        if kind == "xlsx":
            sheet = sheet or workbook.sheet_names[0]
        key = (sheet, header_row)
        if key not in self._tables:
            if kind == "xlsx":
                raw = _read_workbook(workbook, self.name, sheet, header_row)
            else:
                raw = _read_csv(self._utf8, encoding, header_row, self.name)
            self._tables[key] = _drop_blank_rows(_clean_headers(raw))
        return self._tables[key]

    def _sniff(self) -> tuple[str, str | None, object]:
        if self._format is None:
            self._format = self._detect_format()
        return self._format

    def _detect_format(self) -> tuple[str, str | None, object]:
        if not self.data or self.data.isspace():
            raise ImportRefused(f"{self.name} is empty; export it again.")
        if self.data.startswith((XLSX_SIGNATURE, OLE2_SIGNATURE)):
            return "xlsx", None, _open_workbook(self.data, self.name)
        if self.data.startswith(UTF16_BOMS):  # Excel's "Unicode text" export
            try:
                self._utf8 = self.data.decode("utf-16").encode("utf-8")
            except UnicodeDecodeError:
                raise ImportRefused(
                    f"{self.name} starts with a UTF-16 mark but is not UTF-16 text; save it as UTF-8 CSV or XLSX."
                ) from None
            return "csv", "utf-16", None
        if b"\x00" in self.data:
            raise ImportRefused(
                f"{self.name} is a binary file, not a CSV or Excel export; export the data as CSV or XLSX."
            )
        encoding, self._utf8 = detect_encoding(self.data, self.name)
        return "csv", encoding, None


def detect_encoding(data: bytes, name: str) -> tuple[str, bytes]:
    """The file's encoding (utf-8-sig, utf-8 or gb18030, decided by strict decoding of the whole file) and its
    bytes as UTF-8: GB18030 is transcoded once here, which costs less than decoding it again while parsing."""
    if data.startswith(codecs.BOM_UTF8):
        if _utf8_error(data) is None:
            return "utf-8-sig", data
        raise ImportRefused(
            f"{name} starts with a UTF-8 mark but holds bytes that are not UTF-8; "
            "save it again as UTF-8 or GB18030 CSV."
        )
    utf8_error = _utf8_error(data)
    if utf8_error is None:
        return "utf-8", data
    utf8_line = _utf8_chinese_line(data)
    if utf8_line is not None:  # as GB18030 it would decode, but the UTF-8 part would load as mojibake
        raise ImportRefused(
            f"{name} mixes UTF-8 text (line {utf8_line}) with other bytes (GBK/GB18030?, near "
            f"byte {utf8_error:,}); save the whole file in one encoding, UTF-8, and import it again."
        )
    try:
        return "gb18030", data.decode("gb18030").encode("utf-8")
    except UnicodeDecodeError:
        raise ImportRefused(
            f"{name} is neither UTF-8 nor GB18030/GBK text (undecodable bytes near byte "
            f"{utf8_error:,}); save it as UTF-8 CSV or XLSX and import it again."
        ) from None


def _utf8_chinese_line(data: bytes) -> int | None:
    """The first line that is valid UTF-8 holding two Chinese characters in a row, if any. In a real GB18030 file
    such a line is next to impossible; in a file pasted together from UTF-8 and GBK parts it is the UTF-8 part."""
    end = 0
    for found in _chinese_pairs(data):
        if found < end:
            continue  # in a line already found not to be UTF-8
        start = data.rfind(b"\n", 0, found) + 1
        end = data.find(b"\n", found)
        end = end if end >= 0 else len(data)
        try:
            data[start:end].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return data.count(b"\n", 0, start) + 1
    return None


def _chinese_pairs(data: bytes):
    """Where two Chinese characters in a row start as UTF-8 (a lead byte E4–E9 and two continuation bytes 80–BF,
    twice), in order; with numpy over a piece of the bytes at a time (no copy of the whole file)."""
    everything = np.frombuffer(data, np.uint8)
    for piece_start in range(0, len(everything), _PAIR_SEARCH_CHUNK):
        piece = everything[piece_start : piece_start + _PAIR_SEARCH_CHUNK + 5]
        starts = np.flatnonzero(piece[:_PAIR_SEARCH_CHUNK] - np.uint8(0xE4) < 6)  # a lead byte (uint8 wraps)
        starts = starts[starts + 5 < len(piece)]
        pair = np.ones(len(starts), bool)
        for step, lowest, count in ((1, 0x80, 64), (2, 0x80, 64), (3, 0xE4, 6), (4, 0x80, 64), (5, 0x80, 64)):
            pair &= piece[starts + step] - np.uint8(lowest) < count
        for start in starts[pair]:
            yield piece_start + int(start)


def _utf8_error(data: bytes) -> int | None:
    """None if `data` is valid UTF-8, else the offset of the first bad byte. Arrow's validation (several times
    faster than Python's decoder, no copy) answers the common case; Python's decoder finds where a bad file breaks."""
    if _valid_utf8(data):
        return None
    view, start = memoryview(data), 0
    while start < len(data):
        final = start + _UTF8_CHECK_CHUNK >= len(data)
        try:  # a character cut at the chunk's end is not consumed: the next chunk starts with it
            start += codecs.utf_8_decode(view[start : start + _UTF8_CHECK_CHUNK], "strict", final)[1]
        except UnicodeDecodeError as exc:
            return start + exc.start
    return None


def _valid_utf8(data: bytes) -> bool:
    """The bytes as one Arrow binary value, cast to text: the cast validates UTF-8 without copying the bytes."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64).tobytes())
    value = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        value.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


# --- CSV -----------------------------------------------------------------------------------------------------


def _read_csv(data: bytes, encoding: str, header_row: int, name: str) -> RawTable:
    """`data` is the file as UTF-8 (a BOM, if any, still in front); `encoding` is what the file was written in."""
    head = data[: 1 << 16].decode("utf-8-sig", errors="ignore").splitlines()
    if len(head) < header_row:
        raise ImportRefused(f"{name} has no header in line {header_row}; set header_row in the mapping.")
    delimiter = _sniff_delimiter(head[header_row - 1])
    width = len(next(csv.reader([head[header_row - 1]], delimiter=delimiter), []))
    fast = _read_csv_fast(data, header_row, delimiter, width)
    raw = fast if fast is not None else _read_csv_exact(data, header_row, delimiter, name)
    raw.file_name, raw.encoding = name, encoding
    return raw


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties keep the earlier (comma first)
    return best if counts[best] else ","


def _read_csv_fast(data: bytes, header_row: int, delimiter: str, width: int) -> RawTable | None:
    """Arrow's multi-threaded parser. Valid only when every record is one line: then record i starts at line
    header_row + 1 + i. Blank lines, multi-line fields and ragged rows return None (the exact path handles them)."""
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(skip_rows=header_row - 1, autogenerate_column_names=True),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=False,  # `data` is valid UTF-8 already (detect_encoding checked or transcoded it)
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if table.num_rows == 0 or table.num_columns != width:
        return None
    if table.num_rows + header_row - 1 != _count_lines(data):
        return None
    headers = [str(v) for v in table.slice(0, 1).to_pylist()[0].values()]
    body = table.slice(1).rename_columns(headers)
    lines = np.arange(header_row + 1, header_row + 1 + body.num_rows, dtype=np.int64)
    return RawTable("", "csv", None, body, lines)


def _count_lines(data: bytes) -> int:
    end = len(data)
    while end and data[end - 1] in b"\r\n":
        end -= 1
    return data.count(b"\n", 0, end) + 1 if end else 0


def _read_csv_exact(data: bytes, header_row: int, delimiter: str, name: str) -> RawTable:
    """Python's csv module, record by record, to know where each record starts (multi-line fields, blank lines)
    and to keep ragged records as `malformed` instead of refusing the file."""
    text = io.StringIO(data.decode("utf-8-sig"), newline="")
    for _ in range(header_row - 1):
        text.readline()
    csv.field_size_limit(max(csv.field_size_limit(), _CHUNK))  # a long comment cell is data, not an error
    reader = csv.reader(text, delimiter=delimiter)
    headers = next(reader, None)
    if not headers:
        raise ImportRefused(f"{name} has no header in line {header_row}; set header_row in the mapping.")
    offset = header_row - 1
    records, lines, malformed = [], [], []
    previous_end = reader.line_num
    try:
        for record in reader:
            start = offset + previous_end + 1
            previous_end = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) == len(headers):
                records.append(record)
                lines.append(start)
            else:
                malformed.append((start, f"has {len(record)} fields where the header has {len(headers)}"))
    except csv.Error as exc:
        raise ImportRefused(
            f"{name} is not a readable CSV file near line {offset + reader.line_num} ({exc}); export it again."
        ) from None
    if data.count(b'"') % 2:
        raise ImportRefused(
            f'{name} ends inside a quoted field (an unbalanced " character): the file looks truncated; export it again.'
        )
    columns = list(zip(*records)) if records else [()] * len(headers)
    body = pa.table([pa.array(col, pa.string()) for col in columns], names=headers)
    return RawTable(name, "csv", None, body, np.asarray(lines, dtype=np.int64), malformed)


# --- XLSX ----------------------------------------------------------------------------------------------------


def _open_workbook(data: bytes, name: str):
    if data.startswith(XLSX_SIGNATURE):
        refuse_hostile_workbook(data, name)  # zip bombs and XML entities, before any parser sees it
    try:
        return fastexcel.read_excel(data)
    except Exception:  # fastexcel raises its own error types for damaged workbooks
        if _openpyxl_workbook(data) is not None:
            return _OpenpyxlWorkbook(data)
        raise ImportRefused(
            f"{name} looks like an Excel workbook but cannot be opened (damaged or truncated); export it again."
        ) from None


def _read_workbook(workbook, name: str, sheet_name: str, header_row: int) -> RawTable:
    if sheet_name not in workbook.sheet_names:
        raise ImportRefused(
            f"{name} has no sheet named {sheet_name!r} (it has {', '.join(workbook.sheet_names)}); "
            "fix `sheet` in the mapping."
        )
    if isinstance(workbook, _OpenpyxlWorkbook):
        table = workbook.load(sheet_name, header_row)
    else:
        try:
            # Without a header row and with an explicit skip_rows, fastexcel counts rows from Excel row 1 (it
            # would otherwise start at the first non-empty row), so row i here is Excel row header_row + i.
            sheet_data = workbook.load_sheet(sheet_name, header_row=None, skip_rows=header_row - 1, dtypes="string")
            table = pa.Table.from_batches([sheet_data.to_arrow()])
        except Exception:  # fastexcel's own error types
            raise ImportRefused(
                f"sheet {sheet_name!r} in {name} cannot be read (damaged workbook); export it again."
            ) from None
    header_cells = table.slice(0, 1).to_pylist()[0].values() if table.num_rows else []
    if not any(cell and cell.strip() for cell in header_cells):
        raise ImportRefused(
            f"row {header_row} of sheet {sheet_name!r} in {name} holds no headers; "
            "set header_row in the mapping to the row that does."
        )
    body = table.slice(1).rename_columns([cell or "" for cell in header_cells])
    lines = np.arange(header_row + 1, header_row + 1 + body.num_rows, dtype=np.int64)
    return RawTable(name, "xlsx", None, body, lines)


def _openpyxl_workbook(data: bytes):
    import openpyxl  # only for the rare workbook fastexcel cannot open; slow to import

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types (zip, xml, key errors) for a damaged file
        return None


class _OpenpyxlWorkbook:
    """The fallback when fastexcel cannot open a workbook that openpyxl can; renders cells as fastexcel does."""

    def __init__(self, data: bytes):
        self._book = _openpyxl_workbook(data)
        self.sheet_names = self._book.sheetnames

    def load(self, sheet_name: str, header_row: int) -> pa.Table:
        """Row 0 is the header row, as fastexcel returns it without header_row."""
        rows = [
            [_cell_text(v) for v in row]
            for row in self._book[sheet_name].iter_rows(min_row=header_row, values_only=True)
        ]
        width = max((len(r) for r in rows), default=0)
        columns = list(zip(*(r + [None] * (width - len(r)) for r in rows))) if rows else []
        return pa.table([pa.array(c, pa.string()) for c in columns], names=[f"c{i}" for i in range(len(columns))])


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return f"{value.isoformat()} 00:00:00"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- both ----------------------------------------------------------------------------------------------------


def _clean_headers(raw: RawTable) -> RawTable:
    """Trim headers; name blank ones by position; suffix repeated ones (and remember them: a mapping that names
    a repeated header is refused rather than silently taking one of the two)."""
    seen: dict[str, int] = {}
    names, duplicates = [], set()
    for i, header in enumerate(raw.data.column_names):
        clean = header.strip().lstrip("\ufeff").strip() or f"column_{i + 1}"
        if clean in seen:
            duplicates.add(clean)
            seen[clean] += 1
            clean = f"{clean}#{seen[clean]}"
        else:
            seen[clean] = 1
        names.append(clean)
    raw.data = raw.data.rename_columns(names)
    raw.duplicate_headers = frozenset(duplicates)
    return raw


def _drop_blank_rows(raw: RawTable) -> RawTable:
    """A row with nothing but empty cells is not a record (spreadsheets are full of them)."""
    if raw.data.num_columns == 0 or raw.data.num_rows == 0:
        return raw
    blank = np.arange(raw.data.num_rows)  # rows blank in every column so far: few after the first column
    for column in raw.data.columns:
        cells = column if blank.size == raw.data.num_rows else column.take(blank)
        empty = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(cells), ""), True)
        blank = blank[empty.to_numpy(zero_copy_only=False)]
        if not blank.size:
            return raw
    keep = np.ones(raw.data.num_rows, bool)
    keep[blank] = False
    raw.data = raw.data.filter(pa.array(keep))
    raw.lines = raw.lines[keep]
    return raw
