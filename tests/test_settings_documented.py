"""Docs as contract: every setting is documented in README.md with its environment variable and default."""

from pathlib import Path

from jianfu import settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme():
    missing = [s.env for s in settings.SETTINGS if f"`{s.env}`" not in README]
    assert missing == []


def test_settings_read_environment(monkeypatch):
    monkeypatch.setenv("JIANFU_SUPPRESS_BELOW_N", "12")
    monkeypatch.setenv("JIANFU_TIMEZONE", "Asia/Hong_Kong")
    assert settings.get("suppress_below_n") == 12
    assert settings.get("timezone") == "Asia/Hong_Kong"
    assert settings.get("rank_below_n") == 30
