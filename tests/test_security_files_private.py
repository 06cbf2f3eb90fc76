"""Issue 15, finding 3: the warehouse was readable by any local account (v*.duckdb 0644, warehouse/ and spill/
0755). Everything under the data dir is now owner-only, as PostgreSQL insists on for its data directory."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from security_corpus import MAPPING, good_csv

_WORK = """
import os, sys
os.umask(0o022)  # what a service account usually starts with
from jianfu import warehouse
from jianfu.access import audit, users
from jianfu.ingest.loader import import_files
[outcome] = import_files([sys.argv[1]], mapping=sys.argv[2], who="test")
assert outcome.outcome == "loaded", outcome.message
[outcome] = import_files([sys.argv[3]], mapping=sys.argv[2], who="test")  # a second version, copied from the first
assert outcome.outcome == "loaded", outcome.message
warehouse.read_connection().cursor().execute("select count(*) from cases").fetchall()  # creates spill/
users.add_user("admin", "admin", password="a long enough password")
audit.record("login", "cli:test", "admin")
"""


def test_everything_in_the_data_dir_is_owner_only(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)  # left by an older release: tightened on first use
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "one.csv").write_bytes(good_csv())
    (tmp_path / "two.csv").write_bytes(good_csv().replace(b"h-", b"second-"))
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _WORK,
            str(tmp_path / "one.csv"),
            str(tmp_path / "mapping.toml"),
            str(tmp_path / "two.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "JIANFU_DATA_DIR": str(data)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modes = {
        str(path.relative_to(tmp_path)): stat.S_IMODE(path.lstat().st_mode)
        for path in [data, *data.rglob("*")]
        if not path.is_symlink()
    }
    expected_names = {
        "data",
        "data/warehouse",
        "data/spill",
        "data/warehouse/v000001.duckdb",
        "data/warehouse/v000002.duckdb",
        "data/users.toml",
        "data/audit.log",
    }
    assert expected_names <= set(modes), sorted(modes)
    readable_by_others = {name: oct(mode) for name, mode in modes.items() if mode & 0o077}
    assert readable_by_others == {}
