"""The UI's pure parts: the string catalogue, number formatting, and the filter ↔ URL rules."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from jianfu.display import format, i18n
from jianfu.ui.filter_params import FilterOptions, parse, preset_window, to_params

ROOT = Path(__file__).resolve().parents[1]
HAN = re.compile(r"[\u3400-\u9fff]")


def test_every_key_has_both_languages():
    missing = [(key, lang) for key, entry in i18n.catalogue().items() for lang in i18n.LANGS if not entry.get(lang)]
    assert missing == []


def test_a_key_defined_in_two_files_is_an_error(tmp_path, monkeypatch):
    (tmp_path / "a.toml").write_text('[x]\ny = { zh = "一", en = "one" }\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('[x]\ny = { zh = "二", en = "two" }\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "STRINGS_DIR", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(i18n.CatalogueError, match="x.y is already defined in a.toml"):
            i18n.catalogue()
    finally:
        monkeypatch.undo()
        i18n.catalogue.cache_clear()


def _string_literals(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node


def _docstrings(path: Path) -> set[int]:
    ids = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node) is not None:
            ids.add(node.body[0].value.lineno)
    return ids


UI_FILES = sorted([*ROOT.glob("pages/*.py"), ROOT / "dashboard.py", *ROOT.glob("jianfu/ui/*.py")])


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: p.name)
def test_no_chinese_literals_in_page_code(path):
    """Chinese belongs in the string catalogue, so that English is one switch away. (format.py's 万/亿/年月日
    are number-formatting rules, not UI text.)"""
    if path.name == "format.py":
        return
    docs = _docstrings(path)
    found = [
        (node.lineno, node.value)
        for node in _string_literals(path)
        if HAN.search(node.value) and node.lineno not in docs
    ]
    assert found == []


def test_every_literal_key_used_in_code_exists():
    used = set()
    for path in UI_FILES:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]+)["']""", text))
        used |= set(re.findall(r"""(?:page_header|empty_state)\(\s*["']([a-z0-9_.]+)["']""", text))
    assert sorted(k for k in used if not i18n.has(k)) == []


@pytest.mark.parametrize(
    "x, lang, expected",
    [
        (9876, "zh", "9,876"),
        (12345, "zh", "1.2万"),
        (1_234_567, "zh", "123万"),
        (3.2e8, "zh", "3.2亿"),
        (12345, "en", "12,345"),
        (1_234_567, "en", "1.23 M"),
        (None, "zh", "—"),
        (0, "en", "0"),
    ],
)
def test_count(x, lang, expected):
    assert format.count(x, lang) == expected


def test_values_by_unit_and_suppression(monkeypatch):
    assert format.value(0.95341, "percent", n=200) == "95.3%"
    assert format.value(0.95341, "percent", n=9) == "n<10"
    monkeypatch.setenv("JIANFU_SUPPRESS_BELOW_N", "5")
    assert format.value(0.5, "percent", n=9) == "50.0%"
    assert format.value(3.25, "working_days", n=50, lang="en") == "3.2 working days"
    assert format.value(2.5, "per_1000", n=50, lang="zh") == "2.5 件/千件"
    assert format.value(float("nan"), "hours", n=50) == "—"
    assert format.value(11118.44, "hours", lang="zh") == "1.1万 小时"
    assert format.value(1118.44, "hours", lang="en") == "1,118 h"


def test_change_in_points_for_proportions_and_relative_otherwise():
    assert format.change(0.95, 0.93, "percent", lang="en") == "+2.0 pp"
    assert format.change(90, 100, "count") == "-10.0%"
    assert format.change(5, 0, "count") is None
    assert format.change(None, 3, "count") is None
    assert format.change(0.99001, 0.99002, "ratio", lang="en") == "+0.0 pp"


def test_a_change_that_reads_zero_gets_no_colour():
    from types import SimpleNamespace

    from jianfu.ui.components import _delta_color

    hours = SimpleNamespace(direction="down", unit="hours")
    assert _delta_color(hours, SimpleNamespace(value=11118.4, previous=11120.0, flags=frozenset())) == "off"
    assert _delta_color(hours, SimpleNamespace(value=10000.0, previous=11120.0, flags=frozenset())) == "inverse"
    rate = SimpleNamespace(direction="up", unit="percent")
    assert _delta_color(rate, SimpleNamespace(value=0.95001, previous=0.95, flags=frozenset())) == "off"
    assert _delta_color(rate, SimpleNamespace(value=0.96, previous=0.95, flags=frozenset())) == "normal"
    assert _delta_color(rate, SimpleNamespace(value=0.96, previous=0.95, flags=frozenset({"not_rankable"}))) == "off"


def test_dates():
    assert format.day(date(2025, 3, 1), "zh") == "2025年3月1日"
    assert format.day("2025-03-01 10:00:00", "en") == "2025-03-01"
    assert format.month(date(2025, 3, 1), "zh") == "2025年3月"


@pytest.mark.parametrize(
    "period, as_of, expected",
    [
        ("last_month", date(2026, 10, 31), (date(2026, 10, 1), date(2026, 10, 31))),
        ("last_month", date(2026, 10, 15), (date(2026, 9, 1), date(2026, 9, 30))),
        ("this_month_to_date", date(2026, 10, 15), (date(2026, 10, 1), date(2026, 10, 15))),
        ("this_month_to_date", date(2026, 10, 31), (date(2026, 10, 1), date(2026, 10, 31))),
        ("last_quarter", date(2026, 10, 31), (date(2026, 7, 1), date(2026, 9, 30))),
        ("last_quarter", date(2026, 9, 30), (date(2026, 7, 1), date(2026, 9, 30))),
        ("last_quarter", date(2026, 1, 31), (date(2025, 10, 1), date(2025, 12, 31))),
        ("year_to_date", date(2026, 10, 15), (date(2026, 1, 1), date(2026, 10, 15))),
        ("year_to_date", date(2026, 12, 31), (date(2026, 1, 1), date(2026, 12, 31))),
        ("last_12_months", date(2026, 10, 31), (date(2025, 11, 1), date(2026, 10, 31))),
    ],
)
def test_preset_windows_count_back_from_the_data(period, as_of, expected):
    assert preset_window(period, as_of) == expected


OPTIONS = FilterOptions(
    as_of=date(2026, 10, 31),
    grids={"g01": "金新御园网格", "g02": "香溢紫郡网格"},
    teams=("governance", "gov_affairs"),
    service_lines=("civil_affairs", "labour"),
    channels=("window", "online"),
)


def test_a_good_link_round_trips():
    params = {"start": "2026-01-01", "end": "2026-03-31", "grid": "g02,g01", "channel": "online"}
    chosen, notices = parse(params, OPTIONS)
    assert notices == []
    assert chosen == {
        "period": "custom",
        "start": date(2026, 1, 1),
        "end": date(2026, 3, 31),
        "grid": ["g02", "g01"],
        "channel": ["online"],
    }
    assert to_params(chosen) == params


def test_bad_parameters_are_dropped_with_notices_and_the_rest_applies():
    chosen, notices = parse({"period": "fortnight", "grid": "g01,g99", "team": "nobody", "line": "labour"}, OPTIONS)
    assert chosen == {"grid": ["g01"], "line": ["labour"]}
    assert [(n.key, n.fmt) for n in notices] == [
        ("filter.notice_bad_period", {"value": "fortnight"}),
        ("filter.notice_unknown_codes", {"param": "grid", "values": "g99"}),
        ("filter.notice_unknown_codes", {"param": "team", "values": "nobody"}),
    ]


@pytest.mark.parametrize(
    "params",
    [{"start": "2026-02-30", "end": "2026-03-01"}, {"start": "2026-03-01", "end": "2026-02-01"}, {"period": "custom"}],
)
def test_unusable_dates_fall_back_to_the_default_period(params):
    chosen, notices = parse(params, OPTIONS)
    assert chosen == {}
    assert [n.key for n in notices] == ["filter.notice_bad_dates"]


def test_defaults_are_never_written():
    chosen, _ = parse({"period": "last_month"}, OPTIONS)
    assert chosen == {} and to_params(chosen) == {}
    assert to_params({"period": "year_to_date", "team": []}) == {"period": "year_to_date"}


def test_a_score_change_that_reads_zero_is_neither_green_nor_red():
    from jianfu.display.format import score_change as _score_change
    from jianfu.ui.overview_view import _score_colour

    assert _score_change(1.2101, 1.2099) == "+0.00" and _score_colour("+0.00") == "off"
    assert _score_change(1.19, 1.2099) == "-0.02" and _score_colour("-0.02") == "normal"
    assert _score_change(None, 1.0) is None and _score_colour(None) == "off"
