"""`jianfu export parquet`: every canonical table by month, hive style, with a manifest; nothing half-written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from metrics_tables import memory_warehouse

from jianfu.parquet_export import NULL_PARTITION, ExportError, export_parquet, read_manifest
from jianfu.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
JIANFU = str(Path(sys.executable).parent / "jianfu")


def _tiny_warehouse():
    return memory_warehouse(
        cases=[
            {
                "case_id": "a",
                "received_at": "2024-01-31 23:59",
                "status": "closed",
                "grid_id": "g1",
                "closed_at": "2024-02-02 10:00",
            },
            {"case_id": "b", "received_at": "2024-01-05 08:00", "status": "received", "grid_id": "g2"},
            {"case_id": "c", "received_at": "2024-02-01 00:01", "status": "received", "grid_id": "g1"},
        ],
        ledgers=[{"ledger_id": "L1", "valid_from": "2024-01-01", "status": "active", "fields": ["name", "phone"]}],
        grids=[{"grid_id": "g1", "households": 10}, {"grid_id": "g2", "households": 20}],
    )


def test_tables_are_partitioned_by_month_and_read_back_unchanged(tmp_path):
    con = _tiny_warehouse()
    manifest = export_parquet(con, tmp_path / "export", "v-test")
    out = tmp_path / "export"
    # a case at 23:59 on 31 January and one at 00:01 on 1 February are in different months
    assert sorted(p.name for p in (out / "cases").iterdir()) == ["month=2024-01", "month=2024-02"]
    assert manifest["tables"]["cases"]["months"] == ["2024-01", "2024-02"]
    jan = duckdb.sql(f"select case_id from read_parquet('{out}/cases/month=2024-01/*.parquet') order by 1")
    assert jan.fetchall() == [("a",), ("b",)]
    back = duckdb.sql(
        f"select * exclude (month) from read_parquet('{out}/cases/*/*.parquet', "
        "hive_partitioning = true) order by case_id"
    ).fetchall()
    assert back == con.sql("select * from cases order by case_id").fetchall()
    # the month is a folder, not a column of the files
    assert (
        "month"
        not in duckdb.sql(
            f"select * from read_parquet('{out}/cases/month=2024-02/*.parquet', hive_partitioning = false)"
        ).columns
    )
    ledgers = duckdb.sql(f"select fields from read_parquet('{out}/ledgers/*/*.parquet')").fetchall()
    assert ledgers == [(["name", "phone"],)]
    # tables without a time column are one file
    assert manifest["tables"]["grids"]["partition_by"] is None
    assert duckdb.sql(f"select sum(households) from read_parquet('{out}/grids/*.parquet')").fetchall() == [(30,)]


def test_manifest_lists_tables_rows_types_version_and_span(tmp_path):
    export_parquet(_tiny_warehouse(), tmp_path / "export", "v-test")
    manifest = read_manifest(tmp_path / "export")
    assert manifest["warehouse_version"] == "v-test"
    assert set(manifest["tables"]) == set(TABLES)
    assert {name: t["rows"] for name, t in manifest["tables"].items() if t["rows"]} == {
        "cases": 3,
        "ledgers": 1,
        "grids": 2,
    }
    cases = manifest["tables"]["cases"]
    types = {c["name"]: c["type"] for c in cases["columns"]}
    assert types["received_at"] == "TIMESTAMP" and types["visits"] == "BIGINT" and types["immediate"] == "BOOLEAN"
    assert {c["name"]: c["type"] for c in manifest["tables"]["ledgers"]["columns"]}["fields"] == "VARCHAR[]"
    assert cases["time_column"] == "received_at" and cases["partition_by"] == "month"
    # span: the first receipt and the latest event (the closing on 2 February)
    assert (manifest["data_from"], manifest["data_as_of"]) == ("2024-01-05T08:00:00", "2024-02-02T10:00:00")


def test_an_empty_table_keeps_its_columns_and_types(tmp_path):
    export_parquet(_tiny_warehouse(), tmp_path / "export", "v-test")
    files = list((tmp_path / "export" / "evaluations").iterdir())
    assert [f.name for f in files] == ["data_0.parquet"]
    relation = duckdb.sql(f"select * from read_parquet('{files[0]}')")
    assert relation.fetchall() == []
    assert dict(zip(relation.columns, map(str, relation.types)))["rated_at"] == "TIMESTAMP"


def test_rows_without_a_time_go_to_hives_null_partition(tmp_path):
    con = memory_warehouse(
        record_entries=[
            {"entry_id": "e1", "ledger_id": "L1", "recorded_at": "2024-03-01 09:00"},
            {"entry_id": "e2", "ledger_id": "L1", "recorded_at": None},
        ]
    )
    manifest = export_parquet(con, tmp_path / "export", "v-test")
    assert manifest["tables"]["record_entries"]["months"] == ["2024-03", NULL_PARTITION]
    back = duckdb.sql(
        f"select entry_id, month from read_parquet('{tmp_path}/export/record_entries/*/*.parquet', "
        "hive_partitioning = true) order by entry_id"
    ).fetchall()
    assert back == [("e1", "2024-03"), ("e2", None)]


def test_an_existing_folder_is_refused_and_a_failure_leaves_nothing(tmp_path, monkeypatch):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("mine")
    with pytest.raises(ExportError, match="not an empty folder"):
        export_parquet(_tiny_warehouse(), taken, "v-test")
    assert [p.name for p in taken.iterdir()] == ["keep.txt"]

    import jianfu.parquet_export as module

    def fail(con, name, staging):
        if name == "grids":
            raise OSError("disk full")
        return real(con, name, staging)

    real = module._export_table
    monkeypatch.setattr(module, "_export_table", fail)
    with pytest.raises(OSError, match="disk full"):
        export_parquet(_tiny_warehouse(), tmp_path / "new", "v-test")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]  # no export, no staging folder left


def test_command_exports_the_current_warehouse_version(sample_warehouse, tmp_path):
    from jianfu import warehouse

    out = tmp_path / "export"
    env = {**os.environ, "JIANFU_DATA_DIR": str(sample_warehouse)}
    done = subprocess.run(
        [JIANFU, "export", "parquet", "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["warehouse_version"] == warehouse.version_key()
    con = warehouse.read_connection().cursor()
    for name, table in manifest["tables"].items():
        assert table["rows"] == con.execute(f'select count(*) from "{name}"').fetchall()[0][0], name
    assert manifest["tables"]["cases"]["rows"] > 1000
    again = subprocess.run(
        [JIANFU, "export", "parquet", "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert again.returncode == 1 and "not an empty folder" in again.stderr
