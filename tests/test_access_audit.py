"""The audit log: one JSON line per action, appended whole even from many threads, no personal data."""

from __future__ import annotations

import json
import os
import threading

import pytest

from jianfu.access import audit


def test_entry_fields_and_sql_scrubbed_of_phone_and_id_numbers():
    audit.record(
        "sql", "li", "select * from cases where note like '%13812345678%' or id = '110101199003071234'", rows=0
    )
    audit.record("export", "li", "cases.xlsx", rows=12, format="xlsx")
    first, second = audit.entries()
    assert set(first) == {"when", "who", "action", "what", "rows"}
    assert (first["who"], first["action"], first["rows"]) == ("li", "sql", 0)
    assert first["what"] == "select * from cases where note like '%138****5678%' or id = '110101************'"
    assert {k: second[k] for k in ("who", "action", "what", "rows", "format")} == {
        "who": "li",
        "action": "export",
        "what": "cases.xlsx",
        "rows": 12,
        "format": "xlsx",
    }
    assert "13812345678" not in audit.audit_path().read_text(encoding="utf-8")


def test_unknown_action_is_refused():
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record("delete_everything", "li")
    assert audit.entries() == []


def test_concurrent_writers_never_interleave_lines():
    def write(worker: int) -> None:
        for i in range(50):
            audit.record("sql", f"user{worker}", "select " + "x" * 2000, n=i)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = audit.audit_path().read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1000
    parsed = [json.loads(line) for line in lines]
    assert sorted((e["who"], e["n"]) for e in parsed) == sorted((f"user{w}", i) for w in range(20) for i in range(50))


def test_log_is_private_and_only_appended():
    audit.record("login", "li")
    before = audit.audit_path().read_bytes()
    audit.record("logout", "li")
    assert audit.audit_path().read_bytes().startswith(before)
    assert os.stat(audit.audit_path()).st_mode & 0o777 == 0o600


def test_an_unwritable_log_stops_the_action():
    audit.audit_path().mkdir()  # a directory where the file should be: every write fails
    with pytest.raises(audit.AuditUnavailable, match="the action was not performed"):
        audit.record("export", "li", "cases.csv")


def test_cli_ingest_and_undo_are_audited_and_not_done_when_the_log_cannot_be_written(tmp_path):
    import getpass

    from click.testing import CliRunner
    from test_ingest_loader import HEADERS, ROWS, write_csv, write_mapping

    from jianfu import cli, warehouse

    run = lambda *args: CliRunner().invoke(cli.main, list(args))  # noqa: E731
    export = write_csv(tmp_path / "a.csv", HEADERS, ROWS)
    assert run("ingest", str(export), "--mapping", str(write_mapping(tmp_path))).exit_code == 0
    assert run("undo", "1").exit_code == 0
    who = f"cli:{getpass.getuser()}"
    assert [(e["who"], e["action"], e["what"]) for e in audit.entries()] == [
        (who, "import", "a.csv"),
        (who, "undo", "import 1"),
    ]

    audit.audit_path().unlink()
    audit.audit_path().mkdir()  # the log cannot be opened for writing: the import must not happen
    version = warehouse.current_path()
    refused = run("ingest", str(export), "--mapping", str(write_mapping(tmp_path)))
    assert refused.exit_code == 1 and refused.output.startswith("Error: the audit log cannot be written")
    assert warehouse.current_path() == version
