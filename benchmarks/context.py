"""What the measurements of one scale share: the dataset, the run counts, and results several sections need
(each page's recorded query set, the filter windows), computed once on first use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path

import duckdb

from benchmarks import child
from benchmarks.datasets import Dataset
from benchmarks.report import ROOT
from jianfu.warehouse import DUCKDB_CONFIG

FILTERS = ("default", "narrow")


@dataclass
class Context:
    dataset: Dataset
    runs: int  # warm repetitions in one process
    cold_runs: int  # fresh processes
    visits: int  # browser visits after the first
    cache: Path  # built data; children's scratch files go to its work/ folder
    log: Callable[[str], None] = print
    shared: dict = field(default_factory=dict)

    @property
    def scale(self) -> str:
        return self.dataset.scale

    @property
    def work(self) -> Path:
        return self.cache / "work"

    def spawn(self, task: str, args: dict) -> dict:
        return child.spawn(task, args, self.dataset.env(), self.work)

    @cached_property
    def pages(self) -> list[str]:
        from jianfu.ui.shell import PAGES

        return [file for file, *_ in PAGES if (ROOT / "pages" / f"{file}.py").exists()]

    @cached_property
    def url_paths(self) -> dict[str, str]:
        from jianfu.ui.shell import PAGES

        return {file: url_path for file, url_path, *_ in PAGES}

    @cached_property
    def title_keys(self) -> dict[str, str]:
        from jianfu.ui.shell import PAGES

        return {file: title_key for file, _, title_key, *_ in PAGES}

    @cached_property
    def narrow_grid(self) -> str:
        """The grid with the most cases: the narrow filter is this grid and the default month."""
        sql = (ROOT / "benchmarks" / "queries" / "busiest_grid.sql").read_text(encoding="utf-8")
        with duckdb.connect(str(self.dataset.warehouse_file), read_only=True, config=DUCKDB_CONFIG) as con:
            row = con.execute(sql).fetchall()
        if not row:
            raise RuntimeError("the benchmark warehouse has no case with a grid")
        return row[0][0]

    @cached_property
    def recording(self) -> dict:
        """{page: {render_default, errors_default, calls_default, … narrow}} from one AppTest process."""
        self.log(f"[{self.scale}] rendering {len(self.pages)} pages with AppTest (recording their queries)")
        return self.spawn(
            "render", {"pages": self.pages, "title_keys": self.title_keys, "narrow_params": {"grid": self.narrow_grid}}
        )

    def filters(self, filter_name: str):
        """The engine's Filters a page used (the overview's first KPI call, else any page's)."""
        for page in ["overview", *self.pages]:
            for call in self.recording.get(page, {}).get(f"calls_{filter_name}", []):
                for value in (*call.args, *call.kwargs.values()):
                    if hasattr(value, "start") and hasattr(value, "end") and hasattr(value, "grids"):
                        return value
        raise RuntimeError("no page called the engine with filters: is the overview built?")

    @cached_property
    def data_end(self) -> datetime:
        """The engine's "data as of" time: a month ending later is judged as of then."""
        from jianfu import metrics

        with duckdb.connect(str(self.dataset.warehouse_file), read_only=True, config=DUCKDB_CONFIG) as con:
            return metrics.data_as_of(con)

    def floor_params(self, filter_name: str) -> dict:
        """The floor's and the peer's parameters: the 13 months ending with the filter's window (the window, the
        same month last year and a sparkline), the data end and the grids."""
        chosen = self.filters(filter_name)
        end = chosen.end + timedelta(days=1)
        return {
            "series_start": _midnight(_first_of_month(chosen.start, -12)),
            "end_exclusive": _midnight(end),
            "data_end": self.data_end,
            "grids": list(chosen.grids),
        }


def _first_of_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)
