"""Every committed sample export loads by its built-in profile to exactly the counts sample_data/manifest.toml
promises; the deliberately bad rows are rejects with reasons; importing everything again changes nothing."""

import tomllib
from pathlib import Path

from test_ingest_helpers import canonical_rows, scalar

from jianfu import warehouse
from jianfu.ingest.loader import import_files

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
MANIFEST = SAMPLE / "manifest.toml"


def exports() -> list[Path]:
    return sorted(p for p in SAMPLE.iterdir() if p.is_file() and p.suffix.lower() not in (".toml", ".md"))


def table_counts(tables) -> dict[str, int]:
    return {t: scalar(f'select count(*) from "{t}"') for t in tables}


def test_all_sample_exports_load_to_the_manifest_counts():
    assert MANIFEST.exists(), "sample_data/manifest.toml is missing: run `jianfu sample` (the sample generator)"
    manifest = tomllib.loads(MANIFEST.read_text(encoding="utf-8"))
    files = exports()
    assert files, "sample_data/ holds no exports"

    outcomes = import_files(files, who="test")
    refused = [(o.file_name, o.message) for o in outcomes if o.outcome != "loaded"]
    assert refused == []
    by_name = {o.file_name: o for o in outcomes}
    assert set(manifest["files"]) == set(by_name)
    for name, expected in manifest["files"].items():  # rows: records in the file; rejected: its reject entries
        entries = scalar("select count(*) from rejects where import_id = ?", [by_name[name].import_id])
        assert (by_name[name].rows_read, entries) == (expected["rows"], expected["rejected"]), name
    assert all(o.rows_loaded + o.rows_rejected == o.rows_read for o in outcomes)
    assert table_counts(manifest["tables"]) == manifest["tables"]
    assert scalar("select count(*) from rejects") == manifest["rejects"]["total"]
    assert manifest["rejects"]["total"] > 0
    assert canonical_rows("select count(*) from rejects where reason is null or reason = '' or line is null") == [(0,)]

    version = warehouse.version_key()
    again = import_files(files, who="test")
    assert {o.outcome for o in again} == {"unchanged"}
    assert warehouse.version_key() == version
    assert table_counts(manifest["tables"]) == manifest["tables"]
