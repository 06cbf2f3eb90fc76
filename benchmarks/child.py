"""Measurements that need a fresh process ("cold"): `python -m benchmarks.child TASK IN OUT` reads its arguments
from the pickle IN and writes its result to the pickle OUT. The parent sets JIANFU_DATA_DIR to the benchmark
warehouse. Imports happen before any clock starts: a server has them loaded before its first page."""

from __future__ import annotations

import os
import pickle
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.report import ROOT


def spawn(task: str, args: dict, env: dict[str, str], work: Path, timeout: float = 4 * 3600) -> dict:
    """Run TASK in a fresh Python process and return its result; raises with the child's stderr on failure."""
    work.mkdir(parents=True, exist_ok=True)
    stamp = f"{task}-{os.getpid()}-{time.monotonic_ns()}"
    inp, out = work / f"{stamp}.in", work / f"{stamp}.out"
    inp.write_bytes(pickle.dumps(args))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.child", task, str(inp), str(out)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0 or not out.exists():
            print(done.stderr, file=sys.stderr)
            last_line = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"benchmark task {task} failed: {last_line}")
        return pickle.loads(out.read_bytes())
    finally:
        inp.unlink(missing_ok=True)
        out.unlink(missing_ok=True)


def render(args: dict) -> dict:
    """First server-side render of each page (AppTest, Streamlit's caches cleared just before), recording each
    page's query set, for the default filters and for the narrow filter. One session per filter visits the pages
    in turn, as a user does: the first run shows the default page (`pages[0]`), and AppTest can switch to a page
    registered under its own url_path only after a run."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from benchmarks.page_queries import install_recorder
    from jianfu.display.i18n import t

    recorder = install_recorder()
    result: dict = {page: {} for page in args["pages"]}
    for filter_name, query_params in (("default", {}), ("narrow", args["narrow_params"])):
        app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=args.get("timeout", 3600))
        for key, value in query_params.items():
            app.query_params[key] = value
        for index, page in enumerate(args["pages"]):
            if index:
                app.switch_page(f"pages/{page}.py")
            st.cache_data.clear()
            st.cache_resource.clear()
            recorder.reset()
            started = time.perf_counter()
            app.run()
            seconds = time.perf_counter() - started
            errors = [str(e.value)[:300] for e in app.exception]
            shown, wanted = [title.value for title in app.title][:1], t(args["title_keys"][page])
            if shown != [wanted]:
                errors.append(f"rendered {shown} instead of the page titled {wanted!r}")
            result[page].update(
                {
                    f"render_{filter_name}": seconds,
                    f"errors_{filter_name}": errors,
                    f"calls_{filter_name}": list(recorder.calls),
                }
            )
    return result


def replay(args: dict) -> dict:
    """One page's query set, uncached: once cold (the first time this process runs it), then `runs` times warm."""
    import pyarrow  # noqa: F401  the server has it loaded; importing it is not the queries' cost

    from benchmarks.page_queries import run_calls
    from jianfu import warehouse
    from jianfu.ui import data  # noqa: F401  imported before the clock starts, as in a running server

    warehouse.read_connection()  # open before the first page in a server: opening it is not a page's cost
    calls = args["calls"]
    cold = run_calls(calls)
    warm = [run_calls(calls) for _ in range(args["runs"])]
    return {
        "cold": sum(cold),
        "cold_calls": cold,
        "warm": [sum(w) for w in warm],
        "warm_calls": [statistics.median(column) for column in zip(*warm)] if calls else [],
    }


def profile(args: dict) -> dict:
    """One page's query set with every DuckDB statement timed: once cold, once warm."""
    import pyarrow  # noqa: F401

    from benchmarks.page_queries import profile_calls
    from jianfu import warehouse
    from jianfu.ui import data  # noqa: F401

    warehouse.read_connection()
    return {"cold": profile_calls(args["calls"]), "warm": profile_calls(args["calls"])}


def floor(args: dict) -> dict:
    """The single-scan floor query: cold once, then `runs` times warm."""
    import pandas  # noqa: F401  the server has these loaded; importing them is not the query's cost
    import pyarrow  # noqa: F401

    from jianfu import warehouse

    sql = (ROOT / "benchmarks" / "queries" / "floor_case_kpis.sql").read_text(encoding="utf-8")
    con = warehouse.read_connection()
    samples = []
    for _ in range(args["runs"] + 1):
        started = time.perf_counter()
        cursor = con.cursor()
        frame = cursor.execute(sql, args["params"]).to_arrow_table().to_pandas()
        samples.append(time.perf_counter() - started)
        cursor.close()
    return {"cold": samples[0], "warm": samples[1:], "values": frame}


def peer(args: dict) -> dict:
    """The pandas peer from Parquet: load, then compute, `runs` times in this process."""
    from benchmarks import peer as pandas_peer

    load, compute = [], []
    for _ in range(args["runs"]):
        started = time.perf_counter()
        frames = pandas_peer.load(Path(args["parquet_dir"]))
        loaded = time.perf_counter()
        values = pandas_peer.compute(frames, **args["params"])
        compute.append(time.perf_counter() - loaded)
        load.append(loaded - started)
        del frames
    return {"load": load, "compute": compute, "values": values}


def ingest(args: dict) -> dict:
    from benchmarks.measure_ingest import import_once

    return import_once(args)


def ingest_floor(args: dict) -> dict:
    from benchmarks.measure_ingest import floor_once

    return floor_once(args)


TASKS = {
    "render": render,
    "replay": replay,
    "profile": profile,
    "floor": floor,
    "peer": peer,
    "ingest": ingest,
    "ingest_floor": ingest_floor,
}


def main() -> None:
    task, inp, out = sys.argv[1:4]
    result = TASKS[task](pickle.loads(Path(inp).read_bytes()))
    Path(out).write_bytes(pickle.dumps(result))


if __name__ == "__main__":
    main()
