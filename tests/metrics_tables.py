"""Helpers for the metric tests: tiny canonical tables in an in-memory warehouse, and a warehouse built from the
sample world's canonical frames (no exports, no importer: the KPIs are tested on their own)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from jianfu import warehouse
from jianfu.schema import TABLES


def insert(con, table: str, rows: list[dict]) -> None:
    """Insert rows (dicts of canonical columns; timestamps as 'YYYY-MM-DD HH:MM' text) into a table."""
    frame = pd.DataFrame(rows)
    frame["source_system"] = "test"
    frame["source_file_id"] = 1
    con.register("new_rows", frame)
    try:
        con.execute(f'insert into "{table}" by name select * from new_rows')
    finally:
        con.unregister("new_rows")


def load_world(con, world: dict[str, pd.DataFrame]) -> None:
    for name, frame in world.items():
        if name not in TABLES:
            continue
        arrow = pa.Table.from_pandas(frame, preserve_index=False)
        con.register("world_frame", arrow)
        con.execute(
            f"insert into \"{name}\" by name select *, 'sample' as source_system, 0 as source_file_id from world_frame"
        )
        con.unregister("world_frame")


def memory_warehouse(**tables: list[dict]):
    con = warehouse.connect_memory()
    for table, rows in tables.items():
        insert(con, table, rows)
    return con
