"""`jianfu user …` never shows or stores the password; `jianfu recover` returns to the last sound version."""

from __future__ import annotations

import re

import duckdb
from click.testing import CliRunner

from jianfu import warehouse
from jianfu.access import users
from jianfu.cli import main


def _run(*args, stdin=None):
    return CliRunner().invoke(main, list(args), input=stdin)


def test_user_add_from_stdin_list_remove():
    added = _run(
        "user",
        "add",
        "wang",
        "--role",
        "grid_staff",
        "--grid",
        "g01",
        "--grid",
        "g03",
        "--password-stdin",
        stdin="Pa55word-long\n",
    )
    assert added.exit_code == 0, added.output
    assert added.output == "user wang: grid_staff grids g01, g03\n"
    assert users.verify_password("wang", "Pa55word-long").grids == ("g01", "g03")
    assert _run("user", "add", "li@example.cn", "--role", "leader", "--sso").exit_code == 0
    listed = _run("user", "list")
    assert listed.output == "li@example.cn\tleader\t-\tsso\nwang\tgrid_staff\tg01,g03\tpassword\n"
    assert _run("user", "remove", "wang").output == "removed wang\n"
    assert _run("user", "remove", "li@example.cn").output == (
        f"removed li@example.cn\nno users are left, so nobody can log in; delete {users.users_path()} to return "
        "to demo mode\n"
    )
    assert "wang" not in users.load_users()


def test_prompted_password_is_not_echoed():
    result = _run("user", "add", "zhao", "--role", "analyst", stdin="prompted-secret\nprompted-secret\n")
    assert result.exit_code == 0, result.output
    assert "prompted-secret" not in result.output
    assert users.verify_password("zhao", "prompted-secret").role == "analyst"


def test_invalid_requests_give_one_sentence():
    result = _run("user", "add", "wang", "--role", "grid_staff", "--password-stdin", stdin="long enough pw\n")
    assert result.exit_code == 1
    assert result.output == "Error: wang is grid_staff and needs at least one grid (--grid CODE)\n"
    assert _run("user", "remove", "nobody").output == "Error: there is no user 'nobody'\n"
    assert "demo mode" in _run("user", "list").output


def _write_version(rows: int) -> None:
    with warehouse.write() as con:
        con.execute("delete from grids")
        con.execute("insert into grids (grid_id, name) select 'g' || range, 'n' from range(?)", [rows])


def _grid_count() -> int:
    warehouse.close_read_connections()
    return warehouse.read_connection().cursor().execute("select count(*) from grids").fetchall()[0][0]


def test_recover_returns_to_the_newest_sound_version():
    _write_version(3000)
    _write_version(4000)
    _write_version(5000)
    newest = warehouse.current_path()
    size = newest.stat().st_size
    with open(newest, "r+b") as f:  # damage a data block in the middle of the newest version
        f.seek(size // 2)
        f.write(bytes(range(256)) * 32)
    result = _run("recover")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.match(
        rf"{newest.name} is damaged: cannot be (opened|read) \(Corrupt database file: computed "
        r"checksum \d+ does not match",
        lines[0],
    ), lines[0]
    assert lines[1] == "the warehouse is back at v000002.duckdb; imports after it must be run again"
    assert _grid_count() == 4000
    assert (newest.parent / f"{newest.name}.damaged").exists()
    assert _run("recover").output == "the current warehouse v000002.duckdb is sound; nothing to do\n"
    _write_version(10)  # the next import builds on the recovered version
    assert warehouse.current_path().name == "v000003.duckdb" and _grid_count() == 10


def test_recover_with_no_sound_version_says_so():
    _write_version(10)
    warehouse.current_path().write_bytes(b"not a database at all")
    result = _run("recover")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "v000001.duckdb is damaged: cannot be opened (IO Error: The file "
        f'"{warehouse.current_path()}" exists, but it is not a valid DuckDB database file!)',
        "Error: no warehouse version is sound; re-import the exports (`jianfu ingest FILE…`, or delete the "
        "warehouse folder and `jianfu serve`)",
    ]
    assert duckdb.__version__.startswith("2.")


def test_commands_on_a_damaged_warehouse_say_so_in_one_line_and_change_nothing():
    _write_version(10)
    _write_version(20)
    damaged = warehouse.current_path()
    damaged.write_bytes(b"not a database at all" * 100)
    warehouse.close_read_connections()
    files = sorted(p.name for p in damaged.parent.iterdir())
    for args in (["imports"], ["rejects"], ["undo", "1"], ["kpis", "--period", "2026-10"]):
        result = _run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert "Traceback" not in result.output
        assert result.output.startswith("Error: the warehouse file is damaged (IO Error:"), (args, result.output)
        assert result.output.rstrip().endswith(
            "run `jianfu recover` to go back to the newest version that reads completely"
        ), args
        assert sorted(p.name for p in damaged.parent.iterdir()) == files  # nothing written, nothing left behind
