"""One zh/en string catalogue, merged from the TOML files in `strings/` (one file per area, so two people can add
strings without editing the same file).

A file holds nested tables whose leaves are `{ zh = "…", en = "…" }`; the dotted path is the key:

    [overview]
    title = { zh = "总览", en = "Overview" }      # key "overview.title"

The language is the one passed, else the language of the Streamlit run (the sidebar switch, then the `lang` query
parameter: `jianfu.ui.language` reads them and registers itself here, so this module never imports Streamlit), else
the `lang` setting (zh by default), as in tests, the CLI and the report.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from jianfu import settings

LANGS = ("zh", "en")
STRINGS_DIR = Path(__file__).resolve().parent / "strings"


class CatalogueError(ValueError):
    pass


def _flatten(table: dict, prefix: str, source: str, out: dict[str, dict[str, str]]) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}" if prefix else name
        if not isinstance(value, dict):
            raise CatalogueError(f"{source}: {key} must be a table or {{ zh = …, en = … }}")
        if any(lang in value for lang in LANGS):
            if key in out:
                raise CatalogueError(f"{source}: key {key} is already defined in {out[key]['_file']}")
            out[key] = {**{k: str(v) for k, v in value.items()}, "_file": source}
        else:
            _flatten(value, key, source, out)


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every key → {lang: text, '_file': source file}. A key defined in two files is an error."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(STRINGS_DIR.glob("*.toml")):
        with path.open("rb") as f:
            _flatten(tomllib.load(f), "", path.name, out)
    return out


def default_lang() -> str:
    lang = str(settings.get("lang"))
    return lang if lang in LANGS else "zh"


def _no_run() -> str | None:
    return None


_run_language: Callable[[], str | None] = _no_run  # jianfu.ui.language in a Streamlit app


def read_run_language_with(source: Callable[[], str | None]) -> None:
    """Where `current_lang` finds the language of the running app (a code, or None outside a run)."""
    global _run_language
    _run_language = source


def current_lang() -> str:
    lang = _run_language()
    return lang if lang in LANGS else default_lang()


def t(key: str, lang: str | None = None, **fmt) -> str:
    """The text for `key` in the current (or given) language, `str.format`-ed with `fmt`.

    A missing key shows as `⟦key⟧` instead of raising: a page must never crash over a string (a test makes
    sure no key is missing)."""
    entry = catalogue().get(key)
    text = entry.get(lang or current_lang()) if entry else None
    if text is None:
        return f"⟦{key}⟧"
    return text.format(**fmt) if fmt else text


def has(key: str) -> bool:
    return key in catalogue()


def code_label(kind: str, code: str | None, lang: str | None = None) -> str:
    """The label of a stored code (`code.team.party_masses` → 党群). Open code lists (service lines) may bring
    codes the catalogue does not know yet: those show as the code itself."""
    if _missing(code):
        return t("common.unknown", lang)
    key = f"code.{kind}.{code}"
    return t(key, lang) if has(key) else str(code)


def _missing(code) -> bool:
    """None, or a missing value as pandas gives it in a frame (NaN is not equal to itself; pd.NA cannot say)."""
    if code is None:
        return True
    try:
        return bool(code != code)
    except TypeError:
        return True


def formatter(key_template: str):
    """A `format_func` for widgets: `formatter("filter.period_{code}")` labels option codes in the language of
    this run. The language is captured now because Streamlit (and AppTest) may call the function outside the
    script run, where the session's language is unknown."""
    lang = current_lang()
    return lambda code: t(key_template.format(code=code), lang)


def code_formatter(kind: str):
    """A `format_func` labelling stored codes of `kind` (see `code_label`) in the language of this run."""
    lang = current_lang()
    return lambda code: code_label(kind, code, lang)
