"""A damaged warehouse file, said clearly: the app shows one sentence pointing at `jianfu recover` instead of a
DuckDB traceback (checksum errors surface at the first query that reads a bad block, anywhere in a page)."""

from __future__ import annotations

from contextlib import contextmanager

import duckdb
import streamlit as st

from jianfu.display.i18n import t
from jianfu.warehouse import is_damage


@contextmanager
def damage_shown_as_notice():
    """Run a page; if the warehouse turns out to be damaged, show what to do instead of the traceback."""
    try:
        yield
    except duckdb.Error as exc:
        if not is_damage(exc):
            raise
        st.error(t("access.damaged", error=str(exc).strip().splitlines()[0][:200]))
