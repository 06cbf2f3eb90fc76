"""Rows for ingest: rows/s importing the service centre's case export through `import_files` with its mapping, as
UTF-8 CSV, GB18030 CSV and XLSX, each next to the bare floor on the same file: DuckDB `read_csv` (UTF-8), Python
decode + DuckDB `read_csv` (GB18030), fastexcel into DuckDB (XLSX)."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.context import Context
from benchmarks.datasets import CASES_PER_SCALE_UNIT, INGEST_FORMATS, ingest_files, parse_scale
from benchmarks.report import Row

INGEST_MAX_CASES = 1_000_000  # rows/s is a rate: above this the files only take longer to write and read
INGEST_RATIO = 0.5


def ingest_rows(ctx: Context) -> list[Row]:
    cases = min(parse_scale(ctx.scale) if ctx.scale != "sample" else CASES_PER_SCALE_UNIT, INGEST_MAX_CASES)
    files = ingest_files(cases, ctx.cache, log=ctx.log)
    rows = []
    for fmt in INGEST_FORMATS:
        spec = files[fmt]
        ctx.log(f"[{ctx.scale}] ingest {fmt}: {spec['rows']:,} rows")
        ours = ctx.spawn("ingest", {**spec, "runs": ctx.cold_runs, "work": str(ctx.work)})
        bare = ctx.spawn("ingest_floor", {**spec, "format": fmt, "runs": ctx.cold_runs, "work": str(ctx.work)})
        ours_row = Row(
            f"ingest {fmt} (import_files)",
            ctx.scale,
            ours["seconds"],
            rows=spec["rows"],
            target=f"≥ {INGEST_RATIO:g}× floor rows/s",
            note=ours["note"],
        )
        floor_row = Row(f"ingest {fmt} floor", ctx.scale, bare["seconds"], rows=spec["rows"], note=bare["note"])
        ours_row.ingest_floor = ours_row.rows_per_second / floor_row.rows_per_second
        ours_row.met = ours_row.ingest_floor >= INGEST_RATIO
        rows += [ours_row, floor_row]
    return rows


def import_once(args: dict) -> dict:
    """Child task: import the file into an empty warehouse `runs` times; seconds per run."""
    import os

    from jianfu.ingest.loader import import_files

    seconds, outcome = [], None
    for _ in range(args["runs"]):
        data_dir = Path(tempfile.mkdtemp(dir=args["work"], prefix="ingest-"))
        os.environ["JIANFU_DATA_DIR"] = str(data_dir)
        try:
            started = time.perf_counter()
            [outcome] = import_files([args["path"]], mapping=args["mapping"], who="benchmark")
            seconds.append(time.perf_counter() - started)
        finally:
            shutil.rmtree(data_dir)
        if outcome.outcome != "loaded":
            raise RuntimeError(f"import of {args['path']} was {outcome.outcome}: {outcome.message}")
    note = f"{outcome.rows_loaded:,} loaded, {outcome.rows_rejected:,} rejected"
    return {"seconds": seconds, "note": note}


def floor_once(args: dict) -> dict:
    """Child task: the bare floor on the same file, `runs` times, into an in-memory DuckDB table."""
    import duckdb
    import fastexcel

    from jianfu.warehouse import DUCKDB_CONFIG

    seconds, loaded = [], 0
    for _ in range(args["runs"]):
        con = duckdb.connect(":memory:", config=DUCKDB_CONFIG)
        started = time.perf_counter()
        if args["format"] == "xlsx":
            sheet = fastexcel.read_excel(args["path"]).load_sheet(0).to_arrow()
            con.register("sheet", sheet)
            con.execute("create table cases as select * from sheet")
        elif args["format"] == "gb18030 csv":
            with tempfile.NamedTemporaryFile(dir=args["work"], suffix=".csv") as utf8:
                utf8.write(Path(args["path"]).read_bytes().decode("gb18030").encode("utf-8"))
                utf8.flush()
                con.execute("create table cases as select * from read_csv($path)", {"path": utf8.name})
        else:
            con.execute("create table cases as select * from read_csv($path)", {"path": args["path"]})
        seconds.append(time.perf_counter() - started)
        loaded = con.execute("select count(*) from cases").fetchall()[0][0]
        con.close()
    how = {"xlsx": "fastexcel → DuckDB", "gb18030 csv": "Python decode + DuckDB read_csv"}.get(
        args["format"], "DuckDB read_csv"
    )
    return {"seconds": seconds, "note": f"{how}, {loaded:,} rows"}
