"""The README's mapping example is a shipped file that loads: the TOML block under "Loading your own export" is
mappings/examples/district_12345.toml, byte for byte, and it imports the example export beside it."""

import datetime as dt
import re
from pathlib import Path

from test_ingest_helpers import canonical_rows

from jianfu.ingest.loader import import_files
from jianfu.ingest.mapping import MAPPINGS_DIR, load_mapping

README = Path(__file__).resolve().parents[1] / "README.md"
EXAMPLE = MAPPINGS_DIR / "examples" / "district_12345.toml"
EXPORT = MAPPINGS_DIR / "examples" / "district_12345.csv"


def readme_mapping_block() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Loading your own export") :]
    section = section[: section.index("\n## ", 1)]
    blocks = re.findall(r"```toml\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "the section shows one mapping example"
    return blocks[0]


def test_the_readme_example_is_the_shipped_file():
    assert readme_mapping_block() == EXAMPLE.read_text(encoding="utf-8")
    assert "mappings/examples/district_12345.toml" in README.read_text(encoding="utf-8")


def test_the_example_loads_and_names_its_source_system():
    mapping = load_mapping(EXAMPLE)
    assert (mapping.table, mapping.source_system) == ("cases", "district_12345")
    assert mapping.alternatives["received_at"] == ("来电时间", "受理时间")


def test_the_example_imports_its_export():
    [outcome] = import_files([EXPORT], mapping=EXAMPLE)
    assert (outcome.outcome, outcome.rows_read, outcome.rows_loaded, outcome.rows_rejected) == ("loaded", 4, 4, 0)
    assert canonical_rows(
        "select case_id, received_at, closed_at, status, matter, channel, source_system from cases order by case_id"
    ) == [
        (
            "12345-0001",
            dt.datetime(2025, 3, 3, 8, 15),
            dt.datetime(2025, 3, 4, 16, 40),
            "closed",
            "噪音扰民",
            "hotline",
            "district_12345",
        ),
        ("12345-0002", dt.datetime(2025, 3, 3, 9, 2), None, "in_progress", "占道经营", "hotline", "district_12345"),
        ("12345-0003", dt.datetime(2025, 3, 4, 10, 30), None, "in_progress", "路灯不亮", "hotline", "district_12345"),
        ("12345-0004", dt.datetime(2025, 3, 5, 14, 0), None, "closed", "噪音扰民", "hotline", "district_12345"),
    ]
    assert canonical_rows("select line, column_name, reason, quarantined from rejects") == [
        (5, "办结时间", "closed before received", True)
    ]
