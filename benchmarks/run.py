"""`python -m benchmarks.run [--scale 100k|1m|10m|sample …] [--only ingest,pages,floor,peer,memory,browser]`

Builds (or reuses) the synthetic warehouse for each scale, measures, prints one table and writes it as markdown
to benchmarks/results/latest.md. The exit code is 1 only when a measurement could not be taken; missed targets
are reported in the table, never as a failure (CI runs this as a smoke test at 100k)."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from benchmarks import browser, measure_ingest, measure_queries
from benchmarks.context import Context
from benchmarks.datasets import CACHE, dataset, parse_scale
from benchmarks.report import ROOT, Row, machine, render_markdown, render_text

RESULTS = ROOT / "benchmarks" / "results"
# Section name → the rows it measures, in table order. `memory` and `browser` are one measurement (the server
# is measured while the browser draws every page).
SECTIONS = {
    "ingest": [measure_ingest.ingest_rows],
    "floor": [measure_queries.floor_rows],
    "pages": [measure_queries.render_rows, measure_queries.page_rows],
    "peer": [measure_queries.peer_rows],
    "browser": [browser.browser_rows],
}
ALIASES = {"memory": "browser"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale",
        action="append",
        help="100k, 1m, 10m, sample (the committed sample data) or any "
        "case count such as 5k; repeat or comma-separate for several (default 100k)",
    )
    parser.add_argument(
        "--only",
        default=",".join([*SECTIONS, *ALIASES]),
        help="comma-separated sections: ingest, pages, floor, peer, memory, browser",
    )
    parser.add_argument("--runs", type=int, default=3, help="warm repetitions in one process (default 3)")
    parser.add_argument("--cold-runs", type=int, default=2, help="fresh processes per cold measurement (default 2)")
    parser.add_argument("--visits", type=int, default=3, help="browser visits of the overview after the first")
    parser.add_argument("--cache-dir", type=Path, default=CACHE, help="where built warehouses are kept")
    parser.add_argument("--results-dir", type=Path, default=RESULTS, help="where latest.md is written")
    args = parser.parse_args(argv)
    args.scales = [s.strip().lower() for value in (args.scale or ["100k"]) for s in value.split(",") if s.strip()]
    for scale in args.scales:
        if scale != "sample":
            parse_scale(scale)  # a bad scale fails before anything is built
    wanted = {ALIASES.get(name.strip(), name.strip()) for name in args.only.split(",") if name.strip()}
    unknown = wanted - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}: choose from {', '.join([*SECTIONS, *ALIASES])}")
    args.sections = [name for name in SECTIONS if name in wanted]
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure_scale(scale: str, args: argparse.Namespace) -> tuple[list[Row], list[str], bool]:
    ctx = Context(
        dataset(scale, args.cache_dir, log=log),
        runs=args.runs,
        cold_runs=args.cold_runs,
        visits=args.visits,
        cache=args.cache_dir,
        log=log,
    )
    rows: list[Row] = []
    notes = [
        f"{scale}: " + ", ".join(f"{table} {count:,}" for table, count in ctx.dataset.manifest["rows"].items() if count)
    ]
    failed = False
    for section in args.sections:
        for measure in SECTIONS[section]:
            started = time.perf_counter()
            try:
                rows += measure(ctx)
            except Exception as exc:  # one broken measurement must not hide the others
                failed = True
                log(traceback.format_exc())
                rows.append(Row(f"{section}: {measure.__name__}", scale, note=f"FAILED: {exc}"[:300]))
            log(f"[{scale}] {measure.__name__}: {time.perf_counter() - started:.0f} s")
    if "pages" in args.sections:
        notes += measure_queries.profile(ctx)
    return rows, notes, failed


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    info = machine()
    rows: list[Row] = []
    notes: list[str] = []
    failed = False
    for scale in args.scales:
        scale_rows, scale_notes, scale_failed = measure_scale(scale, args)
        rows += scale_rows
        notes += scale_notes
        failed |= scale_failed
    print(render_text(rows, info))
    print()
    print("\n".join(notes))
    args.results_dir.mkdir(parents=True, exist_ok=True)
    markdown = render_markdown(rows, info, notes)
    (args.results_dir / "latest.md").write_text(markdown, encoding="utf-8")
    stamp = info["date"].replace(" ", "_").replace(":", "")
    (args.results_dir / f"{stamp}_{'-'.join(args.scales)}.md").write_text(markdown, encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
