"""The browser upload path (data page → jianfu/web_import.py) refuses an export none of whose rows load, as the
command line does: the page shows the refusal with the reasons by column, and nothing is recorded."""

from __future__ import annotations

from apptest_pages import open_page
from test_app_analysis_pages import MAPPING, Upload, server_past_first_visit  # noqa: F401 — a fixture

from jianfu import warehouse, web_import
from jianfu.display.i18n import t

ALL_BAD = b"id,day,what\nx1,2026-02-30,inspection\nx2,yesterday,inspection\n"  # held_on unusable in both rows


def test_web_import_refuses_an_upload_whose_every_row_is_rejected():
    [outcome] = web_import.import_uploads([Upload("检查.csv", ALL_BAD)], Upload("mapping.toml", MAPPING))
    assert (outcome.outcome, outcome.import_id) == ("refused", None)
    assert outcome.message.startswith("检查.csv was not imported: none of its 2 rows loaded (day: 2 × not a date")
    assert warehouse.current_path() is None  # nothing written, not even an empty warehouse


def test_the_data_page_shows_the_refusal_and_records_nothing(fresh_caches, server_past_first_visit):
    [kept] = web_import.import_uploads(
        [Upload("good.csv", b"id,day,what\ng1,2026-01-05,inspection\n")], Upload("mapping.toml", MAPPING)
    )
    assert kept.outcome == "loaded"  # a warehouse the refused upload must leave as it is
    version = warehouse.version_key()
    at = open_page("data")
    files, mapping = at.get("file_uploader")
    files.upload("检查.csv", ALL_BAD, "text/csv")
    mapping.upload("mapping.toml", MAPPING, "application/toml")
    next(b for b in at.button if b.label == t("data.upload_button")).click()
    at.run()
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(
        t("data.upload_refused", message="检查.csv: 检查.csv was not imported: none of its 2 rows")
    )
    assert "day: 2 × not a date" in errors[0]
    assert warehouse.version_key() == version
    con = warehouse.read_connection().cursor()
    assert con.execute("select file_name from import_log").fetchall() == [("good.csv",)]
    assert con.execute("select count(*) from rejects").fetchall() == [(0,)]
