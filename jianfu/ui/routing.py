"""Every page must run through the router (dashboard.py): it checks the login, draws the navigation, the
language switch and the filter bar.

Streamlit treats a `pages/` folder next to the entrypoint as an old-style multipage app until the first
`st.navigation` call in the process. So the very first visit to a fresh server that opens a page URL directly
(`/data`, `/throughput?…`) runs `pages/<name>.py` alone, skipping the router — and its login. The router marks
each run; a page that finds no mark switches the old mode off and reruns, this time through the router.
"""

from __future__ import annotations

import streamlit as st

ROUTED = "_routed"


def mark_routed() -> None:
    """Called by the router at the start of every run."""
    st.session_state[ROUTED] = True


def ensure_routed() -> None:
    """Called by every page before it shows anything (components.page_header does)."""
    if st.session_state.pop(ROUTED, False):
        return
    from streamlit.runtime.pages_manager import PagesManager

    # What st.navigation itself does on its first call; without it the rerun would skip the router again.
    PagesManager.uses_pages_directory = False
    st.rerun()
