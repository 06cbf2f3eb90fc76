"""A damaged warehouse file, said clearly: the app shows one sentence pointing at `jianfu recover` instead of a
DuckDB traceback (checksum errors surface at the first query that reads a bad block, anywhere in a page)."""
from __future__ import annotations

from contextlib import contextmanager

import duckdb

# What DuckDB 2.0 says when a file is truncated, overwritten or has a bad block (seen in tests).
_DAMAGE_SIGNS = ("Corrupt database file", "not a valid DuckDB database file", "Could not read enough bytes")


def is_damage(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.Error) and any(sign in str(exc) for sign in _DAMAGE_SIGNS)


@contextmanager
def damage_shown_as_notice():
    """Run a page; if the warehouse turns out to be damaged, show what to do instead of the traceback."""
    try:
        yield
    except duckdb.Error as exc:
        if not is_damage(exc):
            raise
        import streamlit as st

        from jianfu.ui.i18n import t

        st.error(t("access.damaged", error=str(exc).strip().splitlines()[0][:200]))
