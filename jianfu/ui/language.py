"""The language of a Streamlit run, for `jianfu.display.i18n.current_lang`: the sidebar switch (session state),
then the `lang` query parameter. Registered when `jianfu.ui` is imported (every page and the router import it),
so the display layer stays free of Streamlit."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from jianfu.display.i18n import LANGS

LANG_PARAM = "lang"  # query parameter
LANG_STATE = "app_lang"  # session-state key of the sidebar switch
LANG_CHOICE = "_lang"  # the chosen language; the widget's own state may be reset by a page switch


def run_language() -> str | None:
    """The language chosen in this run, or None outside a script run (Streamlit may call widget functions there)
    or when nothing was chosen."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    chosen = st.session_state.get(LANG_CHOICE)
    if chosen in LANGS:
        return chosen
    from_url = st.query_params.get(LANG_PARAM)
    return from_url if from_url in LANGS else None
