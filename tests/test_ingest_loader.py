"""The importer end to end: formats load identically, re-imports change nothing, later exports update,
undo restores, refused files leave the warehouse untouched, personal data never lands in clear text."""

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_ingest_helpers import (
    EXPECTED,
    HEADERS,
    MULTILINE_MATTER,
    ROWS,
    SURVEY_MAPPING,
    canonical_rows,
    scalar,
    write_cases_xlsx,
    write_csv,
    write_mapping,
)

from jianfu import cli, warehouse
from jianfu.ingest.errors import ImportRefused
from jianfu.ingest.loader import ImportOutcome, import_files, list_imports, list_rejects, undo

JIANFU = str(Path(sys.executable).parent / "jianfu")


def only(outcomes: list[ImportOutcome]) -> ImportOutcome:
    assert len(outcomes) == 1
    return outcomes[0]


@pytest.mark.parametrize("variant", ["utf-8", "utf-8-sig", "gb18030", "xlsx"])
def test_every_encoding_and_format_loads_the_same_rows(tmp_path, variant):
    if variant == "xlsx":
        path = write_cases_xlsx(tmp_path / "办件.xlsx")
    else:
        path = write_csv(tmp_path / f"办件_{variant}.csv", HEADERS, ROWS, variant)
    outcome = only(import_files([path], mapping=write_mapping(tmp_path)))
    assert (outcome.outcome, outcome.rows_read, outcome.rows_loaded, outcome.rows_rejected) == ("loaded", 3, 3, 0)
    assert canonical_rows() == EXPECTED
    stored = scalar("select matter from cases where case_id = 'A002'")
    assert stored.encode("utf-8") == MULTILINE_MATTER.encode("utf-8")


def test_the_same_file_twice_is_unchanged_and_writes_nothing(tmp_path):
    path = write_csv(tmp_path / "cases.csv", HEADERS, ROWS)
    mapping = write_mapping(tmp_path)
    first = only(import_files([path], mapping=mapping))
    version = warehouse.version_key()
    copy = tmp_path / "copy_with_another_name.csv"
    copy.write_bytes(path.read_bytes())
    again = import_files([path, copy], mapping=mapping)
    assert [(o.outcome, o.import_id) for o in again] == [("unchanged", first.import_id)] * 2
    assert warehouse.version_key() == version
    assert scalar("select count(*) from cases") == 3 and scalar("select count(*) from import_log") == 1


def test_a_later_export_updates_the_case_and_undo_restores_it(tmp_path):
    mapping = write_mapping(tmp_path)
    first = only(import_files([write_csv(tmp_path / "week1.csv", HEADERS, ROWS[:2])], mapping=mapping))
    before = canonical_rows("select * from cases order by case_id")
    closed = [
        ROWS[0],
        ["A002", MULTILINE_MATTER, "2025/01/03 14:20", "2025-01-06 16:00:00", "已办结", "网上办理", "0", "是"],
    ]
    second = only(import_files([write_csv(tmp_path / "week2.csv", HEADERS, closed)], mapping=mapping))
    assert (second.rows_loaded, second.rows_updated) == (2, 2)
    assert scalar("select count(*) from cases") == 2
    assert canonical_rows("select status, closed_at::varchar, source_file_id from cases where case_id = 'A002'") == [
        ("closed", "2025-01-06 16:00:00", second.import_id)
    ]
    assert scalar("select count(*) from cases__superseded where superseded_by = ?", [second.import_id]) == 2

    result = undo(second.import_id, who="test")
    assert (result.rows_removed, result.rows_restored) == (2, 2)
    assert canonical_rows("select * from cases order by case_id") == before
    assert scalar("select count(*) from cases__superseded") == 0
    log = {r["import_id"]: r for r in list_imports(warehouse.read_connection())}
    assert log[second.import_id]["outcome"] == "undone" and log[first.import_id]["outcome"] == "loaded"
    assert "undone by test" in log[second.import_id]["message"]


def test_undo_is_refused_while_a_later_import_replaced_its_rows(tmp_path):
    mapping = write_mapping(tmp_path)
    first = only(import_files([write_csv(tmp_path / "a.csv", HEADERS, ROWS)], mapping=mapping))
    second = only(import_files([write_csv(tmp_path / "b.csv", HEADERS, ROWS[:1])], mapping=mapping))
    version = warehouse.version_key()
    with pytest.raises(
        ImportRefused,
        match=f"import {second.import_id} replaced rows that import "
        f"{first.import_id} brought; undo import {second.import_id} first",
    ):
        undo(first.import_id)
    assert warehouse.version_key() == version
    undo(second.import_id)
    undo(first.import_id)
    assert scalar("select count(*) from cases") == 0
    with pytest.raises(ImportRefused, match=f"import {first.import_id} \\(a.csv\\) is undone"):
        undo(first.import_id)
    with pytest.raises(ImportRefused, match="there is no import 99"):
        undo(99)
    again = only(import_files([tmp_path / "a.csv"], mapping=mapping))  # undone bytes may load again
    assert again.outcome == "loaded" and scalar("select count(*) from cases") == 3


def test_a_bad_row_is_rejected_and_a_bad_field_set_aside_while_its_case_loads(tmp_path):
    rows = [
        *ROWS,
        ["A004", "低保申请", "2025-01-09 09:00:00", "2025-01-08 09:00:00", "已办结", "窗口", "1", "否"],
        ["A001", "重复", "2025-01-09 09:00:00", "", "办理中", "窗口", "1", "否"],
    ]
    outcome = only(import_files([write_csv(tmp_path / "bad.csv", HEADERS, rows)], mapping=write_mapping(tmp_path)))
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_rejected) == (5, 4, 1)
    assert outcome.message == "4 of 5 rows loaded; 1 rejected; 1 values set aside (their rows loaded)"
    assert [
        (r["file_name"], r["line"], r["column_name"], r["reason"], r["quarantined"])
        for r in list_rejects(warehouse.read_connection(), outcome.import_id)
    ] == [
        ("bad.csv", 6, "办结时间", "closed before received", True),
        ("bad.csv", 7, "受理编号", "duplicate case_id (first at line 2)", False),
    ]
    assert canonical_rows(
        "select case_id, received_at::varchar, closed_at, status, channel from cases where case_id = 'A004'"
    ) == [("A004", "2025-01-09 09:00:00", None, "closed", "window")]


def test_a_file_whose_every_row_is_rejected_is_refused_and_nothing_is_recorded(tmp_path):
    mapping = write_mapping(tmp_path)
    only(import_files([write_csv(tmp_path / "good.csv", HEADERS, ROWS)], mapping=mapping))
    version = warehouse.version_key()
    rows = [
        ["B1", "低保申请", "2025-13-01 09:00", "", "已办结", "窗口", "1", "否"],
        ["B2", "低保申请", "昨天", "", "已办结", "窗口", "1", "否"],
        ["B3", "低保申请", "2025-01-02 09:00:00", "", "暂停", "窗口", "1", "否"],
    ]
    outcome = only(import_files([write_csv(tmp_path / "all_bad.csv", HEADERS, rows)], mapping=mapping))
    assert (outcome.outcome, outcome.import_id) == ("refused", None)
    assert outcome.message == (
        "all_bad.csv was not imported: none of its 3 rows loaded (受理时间: 2 × not a date-time in a known format "
        "(%Y-%m-%d %H:%M…, first at line 2; 办理状态: 1 × value not listed in [values.status] of the mapping, first at "
        "line 4); nothing was recorded. Fix the mapping or the export, or pass --allow-empty to keep the rejects."
    )
    assert warehouse.version_key() == version
    assert canonical_rows("select count(*) from import_log") == [(1,)]
    assert canonical_rows("select count(*) from rejects") == [(0,)]

    allowed = only(import_files([tmp_path / "all_bad.csv"], mapping=mapping, allow_empty=True))
    assert (allowed.outcome, allowed.rows_loaded, allowed.rows_rejected) == ("loaded", 0, 3)
    assert canonical_rows("select count(*) from rejects where import_id = ?", [allowed.import_id]) == [(3,)]


def test_the_cli_refuses_an_all_rejected_file_unless_allow_empty(tmp_path):
    bad = write_csv(tmp_path / "all_bad.csv", HEADERS, [["B1", "低保申请", "昨天", "", "已办结", "窗口", "1", "否"]])
    run = lambda *args: CliRunner().invoke(cli.main, list(args))  # noqa: E731
    refused = run("ingest", str(bad), "--mapping", str(write_mapping(tmp_path)))
    assert refused.exit_code == 1
    assert refused.output.startswith(
        "refused    all_bad.csv: all_bad.csv was not imported: none of its 1 rows loaded (受理时间: 1 × not a date-time"
    )
    assert current_version_missing()
    allowed = run("ingest", str(bad), "--mapping", str(write_mapping(tmp_path)), "--allow-empty")
    assert allowed.exit_code == 0 and allowed.output.startswith("loaded     all_bad.csv → cases · import 1: 0 of 1")


def current_version_missing() -> bool:
    return warehouse.current_path() is None


REFUSALS = [
    ("junk.csv", lambda p: p.write_bytes(bytes(range(256)) * 20), "junk.csv is a binary file"),
    (
        "gbk_broken.csv",
        lambda p: p.write_bytes("受理编号,受理时间\n".encode("gbk") + b"\x81\x20\xff\n"),
        "gbk_broken.csv is neither UTF-8 nor GB18030/GBK text",
    ),
    (
        "no_date.csv",
        lambda p: write_csv(p, ["受理编号", "办理状态"], [["A1", "已办结"]]),
        "no_date.csv has no column '受理时间', which mapping cases.toml needs for the required received_at",
    ),
]


@pytest.mark.parametrize("name, make, message", REFUSALS)
def test_a_refused_file_leaves_the_warehouse_untouched(tmp_path, name, make, message):
    mapping = write_mapping(tmp_path)
    only(import_files([write_csv(tmp_path / "good.csv", HEADERS, ROWS)], mapping=mapping))
    version = warehouse.version_key()
    make(tmp_path / name)
    outcome = only(import_files([tmp_path / name], mapping=mapping))
    assert (outcome.outcome, outcome.import_id) == ("refused", None)
    assert outcome.message.startswith(message) and outcome.message.endswith(".")
    assert warehouse.version_key() == version
    assert sorted(p.name for p in warehouse.warehouse_dir().glob("v*")) == ["v000001.duckdb"]


def test_the_cli_exits_1_with_each_sentence_and_no_traceback(tmp_path):
    good = write_csv(tmp_path / "good.csv", HEADERS, ROWS)
    for name, make, _ in REFUSALS:
        make(tmp_path / name)
    result = subprocess.run(
        [
            JIANFU,
            "ingest",
            str(good),
            *(str(tmp_path / name) for name, _, _ in REFUSALS),
            "--mapping",
            str(write_mapping(tmp_path)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "loaded     good.csv → cases · import 1: 3 of 3 rows loaded"
    assert [line.split(": ", 1)[0] for line in lines[1:]] == [f"refused    {name}" for name, _, _ in REFUSALS]
    assert all(message in line for line, (_, _, message) in zip(lines[1:], REFUSALS))


def test_the_cli_lists_imports_and_rejects_and_undoes(tmp_path):
    mapping = write_mapping(tmp_path)
    rows = [*ROWS, ["A004", "低保申请", "2025-01-09 09:00:00", "2025-01-08 09:00:00", "已办结", "窗口", "1", "否"]]
    runner = CliRunner()
    run = lambda *args: runner.invoke(cli.main, list(args))  # noqa: E731
    assert run("imports").output == "no imports yet\n"
    assert run("ingest", str(write_csv(tmp_path / "a.csv", HEADERS, rows)), "--mapping", str(mapping)).exit_code == 0
    imports = run("imports").output.splitlines()
    assert imports[1].split()[:7] == ["1", "loaded", "cases", "4", "4", "0", "0"] and imports[1].endswith("a.csv")
    assert run("rejects", "--import", "1").output.splitlines() == [
        "import 1  a.csv:6  办结时间: closed before received [2025-01-08 09:00:00] (value set aside, row loaded)"
    ]
    assert run("undo", "1").output.startswith("undone     import 1 (a.csv): undone by cli: 4 rows removed")
    refused = run("undo", "1")
    assert (refused.exit_code, refused.output) == (
        1,
        "refused    import 1 (a.csv) is undone; only a loaded import can be undone.\n",
    )
    assert run("rejects").output == "no rejects\n"


EVAL_MAPPING = """
[options]
table = "evaluations"
source_system = "test_center"
[columns]
eval_id = "评价编号"
case_id = "受理编号"
rated_at = "评价时间"
rating = "评价结果"
comment = "评价内容"
[values.rating]
"非常满意" = 5
"不满意" = 2
"""
ID_NUMBERS = ["320102199001011234", "11010119851212002X"]
PHONES = ["13812345678", "15900001111"]


def test_personal_numbers_never_land_in_any_text_column(tmp_path):
    cases = write_csv(
        tmp_path / "办件_含个人信息.csv",
        [*HEADERS, "申请人身份证号", "联系电话"],
        [
            [*ROWS[0], ID_NUMBERS[0], PHONES[0]],
            [*ROWS[2], ID_NUMBERS[1], PHONES[1]],
            [
                "A009",
                "低保申请",
                ID_NUMBERS[1],
                "",
                "办理中",
                "窗口",
                "1",
                "否",
                ID_NUMBERS[1],
                PHONES[1],
            ],  # ID as date
        ],
    )
    evaluations = write_csv(
        tmp_path / "评价.csv",
        ["评价编号", "受理编号", "评价时间", "评价结果", "评价内容"],
        [
            ["E1", "A001", "2025-01-06 10:00:00", "非常满意", f"工作人员很耐心，我的电话{PHONES[0]}"],
            ["E2", "A003", "2025-01-06 11:00:00", "不满意", f"身份证{ID_NUMBERS[1]}被要求复印三次，回电 {PHONES[1]}"],
            ["E3", "A003", "2025-01-07 11:00:00", f"{PHONES[1]}", "评价结果栏误填电话"],
        ],
    )
    outcomes = import_files([cases], mapping=write_mapping(tmp_path)) + import_files(
        [evaluations], mapping=write_mapping(tmp_path, EVAL_MAPPING, "evaluations.toml")
    )
    assert [(o.outcome, o.rows_loaded, o.rows_rejected) for o in outcomes] == [("loaded", 2, 1), ("loaded", 2, 1)]
    keys = canonical_rows("select applicant_key from cases order by case_id")
    assert [len(k) for (k,) in keys] == [32, 32] and keys[0] != keys[1]
    assert canonical_rows("select comment from evaluations order by eval_id") == [
        ("工作人员很耐心，我的电话138****5678",),
        ("身份证110101************被要求复印三次，回电 159****1111",),
    ]

    con = warehouse.read_connection().cursor()
    text_columns = con.execute(
        "select table_name, column_name from information_schema.columns where data_type in ('VARCHAR', 'VARCHAR[]')"
    ).fetchall()
    assert len(text_columns) > 100  # every table, its __superseded shadow, rejects and import_log
    secrets = ID_NUMBERS + PHONES
    found = []
    for table, column in text_columns:
        for secret in secrets:
            hits = con.execute(
                f'select count(*) from "{table}" where "{column}"::varchar like ?', [f"%{secret}%"]
            ).fetchall()[0][0]
            if hits:
                found.append((table, column, secret))
    assert found == []
    assert scalar("select count(*) from rejects") == 2  # the ID typed as a date and the phone typed as a rating


def test_a_re_exported_response_replaces_its_answers_as_a_set_and_undo_restores_them(tmp_path):
    mapping = write_mapping(tmp_path, SURVEY_MAPPING, "survey.toml")
    headers = ["问卷编号", "批次", "总体满意度", "幸福感"]
    first = only(
        import_files(
            [write_csv(tmp_path / "wave.csv", headers, [["1", "2025Q4", "4", "7"], ["2", "2025Q4", "5", "9"]])],
            mapping=mapping,
        )
    )
    answers = "select response_id, item, score, source_file_id from survey_answers order by 1, 2"
    before = canonical_rows(answers)
    assert before == [
        ("1", "happy", 7.0, 1),
        ("1", "overall", 4.0, 1),
        ("2", "happy", 9.0, 1),
        ("2", "overall", 5.0, 1),
    ]
    corrected = write_csv(tmp_path / "wave_corrected.csv", headers, [["1", "2025Q4", "3", ""]])
    second = only(import_files([corrected], mapping=mapping))
    assert (second.rows_loaded, second.rows_updated) == (1, 1)
    assert canonical_rows(answers) == [("1", "overall", 3.0, 2), ("2", "happy", 9.0, 1), ("2", "overall", 5.0, 1)]
    assert scalar("select count(*) from survey_items") == 2  # replaced, not doubled
    undo(second.import_id)
    assert canonical_rows(answers) == before
    assert canonical_rows("select item, source_file_id from survey_items order by 1") == [
        ("happy", first.import_id),
        ("overall", first.import_id),
    ]
