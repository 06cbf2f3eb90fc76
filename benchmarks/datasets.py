"""Synthetic warehouses at benchmark scale, built once and cached in benchmarks/cache/<scale>/<code hash>/.

The generator's frames are written straight into a versioned warehouse through `warehouse.write()` (a bulk insert
from Arrow: the importer's speed is measured separately, on export files). The cache key hashes the code that
decides the data (generator, schema, warehouse, this file), so a changed generator rebuilds and an unchanged one
is reused across runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.report import ROOT

CACHE = ROOT / "benchmarks" / "cache"
# The generator makes ~39,600 cases at cases_scale=1.0 (jianfu/sample/world.py: ~28,900 of the community, ~10,600
# 12345 work orders of six streets); the manifest records the real count.
CASES_PER_SCALE_UNIT = 39_600
# Tables the peer reads from Parquet (the "usual way": an analyst's pandas notebook over exported files).
PARQUET_TABLES = ("cases", "evaluations")
_SCALE = re.compile(r"^(\d+(?:\.\d+)?)([km]?)$")


def parse_scale(text: str) -> int:
    """'100k' → 100_000, '1m' → 1_000_000, '2500' → 2_500."""
    match = _SCALE.match(text.strip().lower())
    if not match:
        raise ValueError(f"scale {text!r} is not a case count like 100k, 1m or 10m")
    number, suffix = match.groups()
    return int(float(number) * {"": 1, "k": 1_000, "m": 1_000_000}[suffix])


SAMPLE = "sample"  # the committed sample exports, imported as `make run` does
# What decides each kind of data: a change in any of these files rebuilds it.
WORLD_SOURCES = ("jianfu/sample", "jianfu/schema.py", "jianfu/warehouse.py", "benchmarks/datasets.py")
SAMPLE_SOURCES = (
    "sample_data",
    "mappings",
    "jianfu/ingest",
    "jianfu/schema.py",
    "jianfu/warehouse.py",
    "benchmarks/datasets.py",
)


def code_hash(sources: tuple[str, ...] = WORLD_SOURCES) -> str:
    files: list[Path] = []
    for source in sources:
        path = ROOT / source
        files += sorted(path.rglob("*")) if path.is_dir() else [path]
    digest = hashlib.sha256()
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class Dataset:
    scale: str
    folder: Path

    @property
    def data_dir(self) -> Path:
        """JIANFU_DATA_DIR for the dashboard and the queries."""
        return self.folder / "data"

    @property
    def warehouse_file(self) -> Path:
        return (self.data_dir / "warehouse" / "current.duckdb").resolve()

    @property
    def parquet_dir(self) -> Path:
        return self.folder / "parquet"

    @property
    def manifest(self) -> dict:
        return json.loads((self.folder / "manifest.json").read_text())

    def env(self) -> dict[str, str]:
        return {**os.environ, "JIANFU_DATA_DIR": str(self.data_dir)}


def dataset(scale: str, cache: Path = CACHE, log=print) -> Dataset:
    """The cached warehouse for `scale`, built first when missing or built from other code."""
    key = code_hash(SAMPLE_SOURCES if scale == SAMPLE else WORLD_SOURCES)
    scale_dir = cache / scale
    built = Dataset(scale, scale_dir / key)
    if (built.folder / "manifest.json").exists():
        return built
    if scale_dir.exists():  # built from older code: stale, and large
        shutil.rmtree(scale_dir)
    log(f"building the {scale} warehouse ({key}); cached in {built.folder}")
    started = time.perf_counter()
    tmp = Dataset(scale, scale_dir / f"{key}.tmp")
    if tmp.folder.exists():
        shutil.rmtree(tmp.folder)
    tmp.parquet_dir.mkdir(parents=True)
    with _data_dir(tmp.data_dir):
        counts = _import_sample(tmp) if scale == SAMPLE else _build(tmp, parse_scale(scale) / CASES_PER_SCALE_UNIT)
    manifest = {
        "scale": scale,
        "code_hash": key,
        "rows": counts,
        "build_seconds": round(time.perf_counter() - started, 1),
    }
    (tmp.folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    tmp.folder.rename(built.folder)
    log(f"built {scale}: {counts.get('cases', 0):,} cases in {manifest['build_seconds']} s")
    return built


@contextmanager
def _data_dir(path: Path):
    """JIANFU_DATA_DIR set to `path` while the block runs (the warehouse module reads it on each call)."""
    previous = os.environ.get("JIANFU_DATA_DIR")
    os.environ["JIANFU_DATA_DIR"] = str(path)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["JIANFU_DATA_DIR"]
        else:
            os.environ["JIANFU_DATA_DIR"] = previous


def _import_sample(target: Dataset) -> dict[str, int]:
    from jianfu import warehouse
    from jianfu.schema import TABLES
    from jianfu.serve import ensure_warehouse

    ensure_warehouse()
    con = warehouse.read_connection()
    counts = {name: con.execute(f'select count(*) from "{name}"').fetchall()[0][0] for name in TABLES}
    for name in PARQUET_TABLES:
        con.table(name).write_parquet(str(target.parquet_dir / f"{name}.parquet"))
    warehouse.close_read_connections()
    return counts


def _build(target: Dataset, cases_scale: float) -> dict[str, int]:
    import pyarrow as pa

    from jianfu import warehouse
    from jianfu.sample.world import build_world
    from jianfu.schema import PROVENANCE_COLUMNS, TABLES

    world = build_world(seed=2026, cases_scale=cases_scale)
    counts: dict[str, int] = {}
    with warehouse.write() as con:
        con.execute("set enable_progress_bar = false")
        for name, frame in world.items():
            if name not in TABLES:
                continue
            arrow = pa.Table.from_pandas(frame, preserve_index=False)
            known = [c for c in TABLES[name].column_names if c in arrow.column_names]
            arrow = arrow.select(known)
            for column in PROVENANCE_COLUMNS:
                if column.name not in arrow.column_names:
                    value = "benchmark" if column.name == "source_system" else 1
                    arrow = arrow.append_column(column.name, pa.array([value] * arrow.num_rows))
            con.register("frame", arrow)
            con.execute(f'insert into "{name}" by name select * from frame')
            con.unregister("frame")
            counts[name] = arrow.num_rows
        con.execute(
            "insert into import_log (import_id, file_name, sha256, target, rows_read, rows_loaded, "
            "started_at, finished_at, who, outcome) values (1, 'benchmark world', '', 'all', $n, $n, "
            "now()::timestamp, now()::timestamp, 'benchmark', 'loaded')",
            {"n": sum(counts.values())},
        )
        for name in PARQUET_TABLES:
            con.table(name).write_parquet(str(target.parquet_dir / f"{name}.parquet"))
    del world
    warehouse.close_read_connections()
    return counts


INGEST_FORMATS = ("utf-8 csv", "gb18030 csv", "xlsx")
INGEST_PROFILE = "service_center_cases"  # the service centre's case export and its built-in mapping
XLSX_MAX_ROWS = 100_000  # writing a larger workbook takes minutes, and rows/s is a rate


def ingest_files(cases: int, cache: Path = CACHE, log=print) -> dict[str, dict]:
    """The service centre's case export with about `cases` rows as UTF-8 CSV, GB18030 CSV (the same text) and
    XLSX (its first XLSX_MAX_ROWS rows): {format: {path, rows, mapping}}, cached like the warehouses."""
    folder = cache / f"ingest-{cases}" / code_hash(WORLD_SOURCES)
    index = folder / "files.json"
    if index.exists():
        return json.loads(index.read_text())
    if folder.parent.exists():
        shutil.rmtree(folder.parent)
    log(f"writing ingest files of ~{cases:,} cases into {folder}")
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from jianfu.sample.exports import write_exports
    from jianfu.sample.world import build_world

    exports = folder / "exports"
    manifest = write_exports(build_world(seed=2026, cases_scale=cases / CASES_PER_SCALE_UNIT), exports, large=True)
    mapping = ROOT / "mappings" / "builtin" / f"{INGEST_PROFILE}.toml"
    types = _header_types(mapping)
    convert = pacsv.ConvertOptions(
        column_types={
            header: {"TIMESTAMP": pa.timestamp("s"), "BIGINT": pa.int64()}.get(kind, pa.string())
            for header, kind in types.items()
        }
    )
    parts = [
        pacsv.read_csv(exports / name, convert_options=convert)
        for name, spec in sorted(manifest["files"].items())
        if spec["profile"] == INGEST_PROFILE
    ]
    table = pa.concat_tables(parts)
    # A case still open at a yearly export appears again, updated, in the next year's: keep its last version.
    key = table.column(0)
    last = pa.table({"key": key, "row": pa.array(range(table.num_rows))}).group_by("key").aggregate([("row", "max")])
    kept = last.column("row_max")
    table = table.take(pc.take(kept, pc.sort_indices(kept)))
    utf8 = folder / "cases_utf8.csv"
    pacsv.write_csv(table, utf8)
    gb18030 = folder / "cases_gb18030.csv"
    gb18030.write_bytes(utf8.read_bytes().decode("utf-8").encode("gb18030"))
    xlsx = folder / "cases.xlsx"
    _write_xlsx(table.slice(0, XLSX_MAX_ROWS), xlsx)
    mapping = str(mapping)
    files = {
        "utf-8 csv": {"path": str(utf8), "rows": table.num_rows, "mapping": mapping},
        "gb18030 csv": {"path": str(gb18030), "rows": table.num_rows, "mapping": mapping},
        "xlsx": {"path": str(xlsx), "rows": min(table.num_rows, XLSX_MAX_ROWS), "mapping": mapping},
    }
    shutil.rmtree(exports)
    index.write_text(json.dumps(files, indent=2))
    return files


def _header_types(mapping: Path) -> dict[str, str]:
    """{export header: canonical column type} from the mapping's [columns]; other headers are text."""
    import tomllib

    from jianfu.schema import TABLES

    spec = tomllib.loads(mapping.read_text(encoding="utf-8"))
    table = TABLES[spec["options"]["table"]]
    return {header: table.column(column).type for column, header in spec["columns"].items()}


def _write_xlsx(table, path: Path) -> None:
    """Dates as real Excel dates and numbers as numbers, as the service centre's system writes them."""
    import pyarrow as pa
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    sheet = workbook.add_worksheet("办件明细")  # the sheet the built-in mapping reads
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    columns = [(field.type, table.column(i).to_pylist()) for i, field in enumerate(table.schema)]
    sheet.write_row(0, 0, table.column_names)
    for row in range(table.num_rows):
        for col, (kind, values) in enumerate(columns):
            value = values[row]
            if value is None:
                continue
            if pa.types.is_timestamp(kind):
                sheet.write_datetime(row + 1, col, value, stamp)
            elif pa.types.is_integer(kind) or pa.types.is_floating(kind):
                sheet.write_number(row + 1, col, value)
            else:
                sheet.write_string(row + 1, col, str(value))
    workbook.close()
