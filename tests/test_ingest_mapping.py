"""Mapping files: mistakes are named with file and key; profiles are picked by their match headers."""

import pytest
from test_ingest_helpers import CASES_MAPPING, HEADERS, ROWS, SURVEY_MAPPING, write_csv, write_mapping

from jianfu.ingest import mapping as mapping_module
from jianfu.ingest.errors import ImportRefused
from jianfu.ingest.mapping import SURVEY, detect, load_mapping, profiles
from jianfu.ingest.readers import Source


def test_a_valid_mapping_loads_with_defaults_filled_in(tmp_path):
    m = load_mapping(write_mapping(tmp_path))
    assert (m.table, m.source_system, m.target.name) == ("cases", "test_center", "cases")
    assert m.columns["case_id"] == "受理编号" and m.constants == {"center": "service_center"}
    assert m.values["channel"]["*"] == "other"
    assert m.datetime_formats == ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M")
    assert m.header_row == 1 and m.sheet is None and "NA" in m.null_values


@pytest.mark.parametrize(
    "change, message",
    [
        (
            ('table = "cases"', 'table = "tickets"'),
            "mapping bad.toml: \\[options\\] table = 'tickets' is not a canonical",
        ),
        (
            ("[columns]", '[columns]\ncase_number = "编号"'),
            "mapping bad.toml: unknown \\[columns\\] column 'case_number'",
        ),
        (("[options]", '[options]\nencoding = "gbk"'), "mapping bad.toml: unknown \\[options\\] key 'encoding'"),
        (("[constants]", "[extras]"), "mapping bad.toml: unknown top-level section 'extras'"),
        (
            ('received_at = "受理时间"\n', ""),
            "mapping bad.toml: required column\\(s\\) received_at of cases are not mapped",
        ),
        (('source_system = "test_center"\n', ""), "mapping bad.toml: \\[options\\] source_system is missing"),
        (("[options]", "[options]\nheader_row = 0"), "mapping bad.toml: \\[options\\] header_row counts from 1"),
        (("match = [", "match = 3 #"), "mapping bad.toml: \\[options\\] match must be a list"),
        (('"已办结" = "closed"', '"已办结" = ["closed"]'), "mapping bad.toml: \\[values.status\\] maps source values"),
        (("[values.channel]", "[values.team]"), "mapping bad.toml: \\[values.team\\] has no source"),
        (("[options]", "[options"), "mapping bad.toml is not valid TOML"),
    ],
)
def test_mapping_mistakes_name_the_file_and_the_key(tmp_path, change, message):
    text = CASES_MAPPING.replace(*change)
    path = write_mapping(tmp_path, text, "bad.toml")
    with pytest.raises(ImportRefused, match=message):
        load_mapping(path)


@pytest.mark.parametrize(
    "change, message",
    [
        (("scale_max = 5", "scale_max = 5\nweight = 2"), "unknown \\[items.overall\\] key 'weight'"),
        (("scale_max = 5", ""), "\\[items.overall\\] needs header and scale_max"),
        (("[items.overall]", "[items.Overall]"), "item code 'Overall' must be lowercase ASCII"),
        (("scale_min = 1\nscale_max = 5", "scale_min = 5\nscale_max = 5"), "scale_min must be below scale_max"),
        (('table = "survey"', 'table = "cases"'), '\\[items\\] belong to table = "survey" mappings only'),
    ],
)
def test_survey_mapping_mistakes_are_named(tmp_path, change, message):
    with pytest.raises(ImportRefused, match=message):
        load_mapping(write_mapping(tmp_path, SURVEY_MAPPING.replace(*change), "survey.toml"))


def test_survey_items_default_to_a_scale_from_1(tmp_path):
    m = load_mapping(write_mapping(tmp_path, SURVEY_MAPPING, "survey.toml"))
    assert m.table == SURVEY and m.target.name == "survey_responses"
    assert (m.items["not_in_file"].scale_min, m.items["not_in_file"].scale_max) == (1.0, 5.0)


def test_every_shipped_mapping_is_valid_and_recognisable():
    shipped = {m.label: m for m in profiles()}
    assert {"boston311_cases.toml", "somerville_survey.toml"} <= set(shipped)
    assert shipped["boston311_cases.toml"].table == "cases"
    assert shipped["somerville_survey.toml"].table == SURVEY


def test_the_most_specific_profile_wins(tmp_path, monkeypatch):
    folder = tmp_path / "mappings"
    (folder / "builtin").mkdir(parents=True)
    write_mapping(
        folder / "builtin",
        CASES_MAPPING.replace('source_system = "test_center"', 'source_system = "loose"').replace(
            'match = ["受理编号", "受理时间", "办理状态"]', 'match = ["受理编号"]'
        ),
        "loose.toml",
    )
    write_mapping(folder, CASES_MAPPING, "specific.toml")
    write_mapping(
        folder,
        CASES_MAPPING.replace('match = ["受理编号", "受理时间", "办理状态"]', 'match = ["受理编号", "评价结果"]'),
        "other.toml",
    )
    monkeypatch.setattr(mapping_module, "MAPPINGS_DIR", folder)
    chosen, raw = detect(Source(write_csv(tmp_path / "export.csv", HEADERS, ROWS)))
    assert chosen.label == "specific.toml" and chosen.source_system == "test_center"
    assert raw.rows_read == 3


def test_no_profile_fits_refuses_naming_the_headers_and_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(mapping_module, "MAPPINGS_DIR", tmp_path / "none")
    (tmp_path / "none").mkdir()
    path = write_csv(tmp_path / "other.csv", ["工号", "联系电话13812345678"], [["1", "2"]])
    with pytest.raises(ImportRefused) as refused:
        detect(Source(path))
    message = str(refused.value)
    assert message.startswith("no mapping recognises the headers of other.csv (工号, 联系电话138****5678)")
    assert "--mapping FILE" in message and "13812345678" not in message
