"""The catalogue as a contract: every KPI of KPIS.md is in it, with labels and descriptions in both languages;
every query file starts with its header comment and returns the columns its KPIs' kinds need; a broken
catalogue is refused with clear messages."""

import re
from datetime import date
from pathlib import Path

import pytest

from jianfu import warehouse
from jianfu.metrics import CatalogueError, Filters, load_catalogue
from jianfu.metrics.catalogue import CATALOGUE_FILE, KIND_PARTS, QUERY_DIR, TEXT_FIELDS
from jianfu.metrics.engine import Period, query_params
from jianfu.metrics.sql import query_parameters, query_text, run_rows

KPIS_MD = Path(__file__).resolve().parents[2] / "shared" / "domain" / "KPIS.md"
CJK = re.compile(r"[\u4e00-\u9fff]")


def kpis_md_ids() -> list[str]:
    """The id column of the KPI tables in sections A–E of KPIS.md."""
    ids, in_sections = [], False
    for line in KPIS_MD.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_sections = bool(re.match(r"## [A-E]\. ", line))
        match = re.match(r"\|\s*([a-z][a-z0-9_]*)\s*\|", line)
        if in_sections and match and match.group(1) != "id":
            ids.append(match.group(1))
    return ids


@pytest.mark.skipif(not KPIS_MD.exists(), reason="../shared/domain/KPIS.md is not present")
def test_every_kpi_of_kpis_md_is_in_the_catalogue():
    ids = kpis_md_ids()
    assert len(ids) == 40 and ids[0] == "case_volume" and ids[-1] == "city_score"
    assert sorted(set(ids) - set(load_catalogue())) == []


def test_every_kpi_has_labels_descriptions_and_formulas_in_both_languages():
    for kpi in load_catalogue().values():
        for name in TEXT_FIELDS:
            assert getattr(kpi, name).strip(), f"{kpi.id} lacks {name}"
        assert CJK.search(kpi.label_zh) and CJK.search(kpi.description_zh), kpi.id
        assert not CJK.search(kpi.label_en), kpi.id
        assert kpi.label("zh") == kpi.label_zh and kpi.description("en") == kpi.description_en


def test_every_query_file_starts_with_its_header_comment():
    files = sorted(QUERY_DIR.glob("*.sql"))
    assert len(files) >= 15
    for path in files:
        head = path.read_text(encoding="utf-8").split("\n\n")[0]
        for field in ("purpose", "parameters", "grain"):
            assert re.search(rf"^-- {field}: \S", head, re.MULTILINE), f"{path.name} lacks '-- {field}:'"


def test_every_query_returns_the_parts_its_kpis_need():
    cat = load_catalogue()
    con = warehouse.connect_memory()
    filters = Filters(date(2025, 1, 1), date(2025, 1, 31))
    params = query_params(filters, [Period("current", filters.start, filters.end)], None, "all", cat.baseline[1])
    by_query = {}
    for kpi in cat.values():
        if kpi.query_name and not kpi.reducer:
            by_query.setdefault(kpi.query_name, []).append(kpi)
    for name, kpis in by_query.items():
        relation = con.cursor().sql(query_text(name), params={k: params[k] for k in query_parameters(name)})
        columns = set(relation.columns)
        assert {"period_key", "group_key"} <= columns, name
        for kpi in kpis:
            needed = {f"{kpi.id}__{part}" for part in KIND_PARTS[kpi.kind]}
            assert needed <= columns, f"{name} lacks {sorted(needed - columns)} for {kpi.id}"
    assert run_rows(con, "data_coverage", {}) == [{"data_from": None, "data_as_of": None, "activity_through": None}]


def test_table_column_counts_covers_every_canonical_table():
    from jianfu.schema import TABLES

    rows = run_rows(warehouse.connect_memory(), "table_column_counts", {})
    assert {r["table_name"] for r in rows} == set(TABLES)
    assert {"table_name": "cases", "column_name": "*", "non_null": 0} in rows


@pytest.mark.parametrize(
    "change, message",
    [
        (('unit = "ratio"', 'unit = "percent"'), "on_time_rate: unknown unit 'percent'"),
        (('direction = "up"', 'direction = "higher"'), "on_time_rate: unknown direction 'higher'"),
        (('label_en = "On-time completion"', 'label_en = ""'), "on_time_rate: missing label_en"),
        (('inputs = ["cases.due_at"]', 'inputs = ["cases.deadline"]'), "'cases.deadline' is not a canonical"),
        (('query = "kpi_survey"', 'query = "kpi_surveys"'), "satisfaction_index: query 'kpi_survey' is not declared"),
        (('query = "kpi_ledgers"', 'query = "kpi_ledger"'), "ledger_reduction: query 'kpi_ledger' is not declared"),
        (
            ('value = "lead_days"', 'valued = "lead_days"'),
            "proposal_lead_time: kind 'median' needs value in its measure",
        ),
        (
            ("[model.time_use]", "[model.time_used]"),
            "model time_used: query file queries/model_time_used.sql is missing",
        ),
        (('id = "cycle_time_p90"', 'id = "cycle_time"'), "cycle_time: defined twice"),
        (
            ("step_at = [2025-01-01, 2025-04-01", 'step_at = ["2025-13-01", 2025-04-01'),
            "ledger_reduction: step_at '2025-13-01' is not a date",
        ),
        (
            ("step_at = [2025-01-01, 2025-04-01", "step_at = [2025-04-01, 2025-04-01"),
            "ledger_reduction: step_at lists a date twice",
        ),
    ],
)
def test_a_broken_catalogue_is_refused_with_a_clear_message(tmp_path, change, message):
    text = CATALOGUE_FILE.read_text(encoding="utf-8")
    old, new = change
    assert old in text
    broken = tmp_path / "catalogue.toml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogueError, match=re.escape(message)):
        load_catalogue(broken)


def test_a_missing_query_file_is_named(tmp_path, monkeypatch):
    import jianfu.metrics.catalogue as catalogue_module

    for path in QUERY_DIR.glob("*.sql"):
        (tmp_path / path.name).write_text(path.read_text())
    (tmp_path / "kpi_ledgers.sql").unlink()
    monkeypatch.setattr(catalogue_module, "QUERY_DIR", tmp_path)
    with pytest.raises(
        CatalogueError, match=re.escape("ledger_reduction: query file queries/kpi_ledgers.sql is missing")
    ):
        load_catalogue(CATALOGUE_FILE)


def test_the_ledger_kpis_restart_their_limits_at_the_reform_waves():
    from datetime import date

    cat = load_catalogue()
    waves = tuple(date(y, m, 1) for y, m in ((2025, 1), (2025, 4), (2025, 7), (2025, 10), (2026, 1)))
    assert {k: cat[k].step_at for k in cat if cat[k].step_at} == {
        "ledger_reduction": waves,
        "burden_hours": waves,
        "hours_saved": waves,
        "duplicate_fields": waves,
    }
