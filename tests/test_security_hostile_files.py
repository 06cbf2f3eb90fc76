"""Every hostile or broken export (tests/security_corpus.py, generated into tmp) gets a clear one-sentence
refusal or quarantined rows — never a traceback, a hang, a half-import, or a formula that runs in an export."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest
from security_corpus import CORPUS, MAPPING, good_csv

from jianfu import warehouse
from jianfu.export import to_csv, to_xlsx
from jianfu.export_safety import FORMULA_PREFIXES
from jianfu.ingest.loader import ImportRefused, import_files
from jianfu.schema import TABLES


@pytest.fixture(scope="module")
def baseline_dir(tmp_path_factory):
    """A data dir whose warehouse already holds one good import (so 'unchanged' means something)."""
    folder = tmp_path_factory.mktemp("hostile-baseline")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JIANFU_DATA_DIR", str(folder / "data"))
        (folder / "mapping.toml").write_text(MAPPING, encoding="utf-8")
        (folder / "baseline.csv").write_bytes(good_csv().replace(b"h-", b"base-"))
        [outcome] = import_files([folder / "baseline.csv"], mapping=folder / "mapping.toml", who="test")
        assert (outcome.outcome, outcome.rows_loaded) == ("loaded", 2)
        warehouse.close_read_connections()
    return folder


def snapshot() -> tuple[str, str, list[str]]:
    """(current version, its sha256, every file in the warehouse folder): equal before and after ⇔ untouched."""
    path = warehouse.current_path()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return path.name, digest, sorted(p.name for p in warehouse.warehouse_dir().iterdir() if p.name != ".write.lock")


def import_hostile(case, folder, monkeypatch):
    data_dir = folder / "data"
    monkeypatch.setenv("JIANFU_DATA_DIR", str(data_dir))
    path = folder / (case.file_name or f"{case.name}{case.suffix}")
    path.write_bytes(case.make())
    before = snapshot()
    mapping = None if case.auto_detect else folder / "mapping.toml"
    if case.isolated:
        return _import_in_subprocess(path, mapping), before
    try:
        [outcome] = import_files([path], mapping=mapping, who="hostile")
    except ImportRefused as exc:  # the API reports refusals as outcomes; a raised one is as good
        outcome = SimpleNamespace(outcome="refused", message=exc.message)
    warehouse.close_read_connections()
    return outcome, before


_ISOLATED = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
from jianfu.ingest.loader import import_files
[outcome] = import_files([sys.argv[1]], mapping=sys.argv[2] or None, who="hostile")
print(json.dumps(outcome.as_dict()))
"""


def _import_in_subprocess(path, mapping) -> SimpleNamespace:
    done = subprocess.run(
        [sys.executable, "-c", _ISOLATED, str(path), str(mapping or "")],
        capture_output=True,
        text=True,
        timeout=80,
        env=os.environ.copy(),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return SimpleNamespace(**json.loads(done.stdout))


def assert_one_sentence(message: str, file_name: str) -> None:
    assert message and "\n" not in message and "Traceback" not in message, message
    assert len(message) <= 400, f"{len(message)} characters: {message[:200]}…"


def text_values(con) -> str:
    """Every text value in the warehouse, joined (to search for what must never be stored)."""
    parts = []
    for table in [*TABLES, "rejects", "import_log"]:
        columns = [
            r[0]
            for r in con.execute(
                "select column_name from duckdb_columns() where table_name = ? and data_type = 'VARCHAR'", [table]
            ).fetchall()
        ]
        for column in columns:
            parts += [str(v[0]) for v in con.execute(f'select "{column}" from "{table}"').fetchall() if v[0]]
    return "\n".join(parts)


def assert_exports_are_inert(con, import_id: int) -> None:
    frame = con.execute("select * from cases where source_file_id = ?", [import_id]).fetch_df()
    parsed = pd.read_csv(io.BytesIO(to_csv(frame)), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    cells = [*parsed.columns, *parsed.to_numpy().ravel().tolist()]
    assert not [c for c in cells if c.startswith(FORMULA_PREFIXES)]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx({"cases": frame})))
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_PREFIXES), (cell.coordinate, cell.value)


@pytest.mark.timeout(90)
@pytest.mark.parametrize("case", CORPUS, ids=[c.name for c in CORPUS])
def test_hostile_file(case, baseline_dir, tmp_path, monkeypatch):
    shutil.copytree(baseline_dir, tmp_path, dirs_exist_ok=True, symlinks=True)
    outcome, before = import_hostile(case, tmp_path, monkeypatch)
    if case.expect != "either":
        assert outcome.outcome == case.expect, outcome.message
    if outcome.outcome == "refused":
        assert_one_sentence(outcome.message, case.name)
        assert snapshot() == before, "a refused file changed the warehouse"
        return
    assert outcome.outcome == "loaded", outcome.message
    assert outcome.rows_loaded + outcome.rows_rejected == outcome.rows_read
    if case.rejected is not None:
        assert outcome.rows_rejected == case.rejected, outcome.message
    con = warehouse.read_connection().cursor()
    stored = con.execute("select count(*) from cases where source_file_id = ?", [outcome.import_id]).fetchone()[0]
    assert stored == outcome.rows_loaded
    rejects = con.execute(
        "select count(distinct line) filter (where not quarantined), "
        "count(*) filter (where reason is null or reason = '') "
        "from rejects where import_id = ?",
        [outcome.import_id],
    ).fetchone()
    assert rejects == (outcome.rows_rejected, 0)  # one reject line per rejected row, each with a reason
    assert not [p for p in os.listdir(warehouse.warehouse_dir()) if ".tmp" in p]
    assert_exports_are_inert(con, outcome.import_id)


@pytest.mark.parametrize("case", [c for c in CORPUS if c.forbidden], ids=lambda c: c.name)
def test_nothing_forbidden_is_stored(case, baseline_dir, tmp_path, monkeypatch):
    shutil.copytree(baseline_dir, tmp_path, dirs_exist_ok=True, symlinks=True)
    outcome, _ = import_hostile(case, tmp_path, monkeypatch)
    stored = text_values(warehouse.read_connection().cursor())
    for text in case.forbidden:
        assert text not in stored and text not in outcome.message


def test_corpus_is_large_and_varied():
    assert len(CORPUS) >= 50
    assert len({c.name for c in CORPUS}) == len(CORPUS)
    assert {"refused", "loaded", "either"} == {c.expect for c in CORPUS}


_THROUGH = """
import json, os, resource, subprocess, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # a reader without a guard fails here, not the machine
kind, path, mapping = sys.argv[1:4]
if kind == "cli":
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "jianfu"), "ingest", path, "--mapping", mapping],
                          capture_output=True, text=True)
    print(json.dumps({"code": done.returncode, "out": done.stdout + done.stderr}))
else:
    from pathlib import Path
    from jianfu.web_import import import_uploads

    class Upload:  # what st.file_uploader hands over: a name and the bytes
        name = Path(path).name
        def getvalue(self):
            return Path(path).read_bytes()
    [outcome] = import_uploads([Upload()], who="browser")
    print(json.dumps({"code": 0 if outcome.outcome == "loaded" else 1, "out": outcome.message}))
"""
BOMBS = {
    "xlsx_zip_bomb": "would unpack to",
    "xlsx_zip_bomb_with_lying_sizes": "unpacks to more than",
    "xlsx_billion_laughs": "declares XML entities",
    "xlsx_external_entity": "declares XML entities",
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("through", ["cli", "browser_upload"])
@pytest.mark.parametrize("case_name", sorted(BOMBS))
def test_workbook_bombs_are_refused_through_the_cli_and_the_upload(
    case_name, through, baseline_dir, tmp_path, monkeypatch
):
    """The same guard holds on both ways in: `jianfu ingest` and the admin's browser upload (the function the
    upload page calls), in a 3 GB-limited process, with one sentence and the warehouse unchanged."""
    shutil.copytree(baseline_dir, tmp_path, dirs_exist_ok=True, symlinks=True)
    monkeypatch.setenv("JIANFU_DATA_DIR", str(tmp_path / "data"))
    [case] = [c for c in CORPUS if c.name == case_name]
    path = tmp_path / f"{case.name}.xlsx"
    path.write_bytes(case.make())
    before = snapshot()
    done = subprocess.run(
        [sys.executable, "-c", _THROUGH, through, str(path), str(tmp_path / "mapping.toml")],
        capture_output=True,
        text=True,
        timeout=110,
        env=os.environ.copy(),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout)
    assert answer["code"] == 1 and BOMBS[case_name] in answer["out"], answer
    assert "Traceback" not in answer["out"]
    assert snapshot() == before
