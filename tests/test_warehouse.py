"""The versioned warehouse: a change lands whole or not at all, and readers keep the version they opened."""

import pytest

from jianfu import warehouse


def _grid_count() -> int:
    return warehouse.read_connection().cursor().execute("select count(*) from grids").fetchone()[0]


def _add_grid(con, grid_id: str) -> None:
    con.execute(
        "insert into grids (grid_id, name, source_system, source_file_id) values (?, ?, 'test', 1)",
        [grid_id, f"网格{grid_id}"],
    )


def test_no_warehouse_yet_is_a_clear_error():
    with pytest.raises(warehouse.WarehouseMissing, match="no warehouse yet"):
        warehouse.read_connection()


def test_each_write_makes_a_new_current_version():
    with warehouse.write() as con:
        _add_grid(con, "g1")
    first = warehouse.current_path()
    with warehouse.write() as con:
        _add_grid(con, "g2")
    assert warehouse.current_path() != first
    assert first.name == "v000001.duckdb" and warehouse.current_path().name == "v000002.duckdb"
    assert _grid_count() == 2


def test_a_failed_write_leaves_the_current_version_untouched():
    with warehouse.write() as con:
        _add_grid(con, "g1")
    before = warehouse.current_path()
    with pytest.raises(RuntimeError, match="boom"):
        with warehouse.write() as con:
            _add_grid(con, "g2")
            raise RuntimeError("boom")
    assert warehouse.current_path() == before
    assert _grid_count() == 1
    assert [p.name for p in warehouse.warehouse_dir().glob("*.tmp*")] == []


def test_a_reader_opened_before_a_write_keeps_its_snapshot():
    with warehouse.write() as con:
        _add_grid(con, "g1")
    old = warehouse.read_connection().cursor()
    with warehouse.write() as con:
        _add_grid(con, "g2")
    assert old.execute("select count(*) from grids").fetchone()[0] == 1
    assert _grid_count() == 2


def test_old_versions_are_pruned(monkeypatch):
    monkeypatch.setenv("JIANFU_KEEP_VERSIONS", "2")
    for i in range(5):
        with warehouse.write() as con:
            _add_grid(con, f"g{i}")
    names = sorted(p.name for p in warehouse.warehouse_dir().glob("v*.duckdb"))
    assert names == ["v000003.duckdb", "v000004.duckdb", "v000005.duckdb"]
