"""The app shell the router (dashboard.py) builds on every run: page config, language switch, print mode, and
the navigation over the ten pages. Pages never call these."""

from __future__ import annotations

import streamlit as st

from jianfu.display.i18n import LANGS, default_lang, formatter, t
from jianfu.ui import data, routing
from jianfu.ui import filter_bar as filters
from jianfu.ui.components import print_mode
from jianfu.ui.language import LANG_CHOICE, LANG_PARAM, LANG_STATE

# (page file, url path, title key, section key, shows the filter bar). url paths are stable English words:
# links survive a language switch.
PAGES = (
    ("overview", "overview", "page.overview", "nav.leadership", True),
    ("satisfaction", "satisfaction", "page.satisfaction", "nav.leadership", True),
    ("throughput", "throughput", "page.throughput", "nav.leadership", True),
    ("record_keeping", "record-keeping", "page.record_keeping", "nav.leadership", True),
    ("grids_teams", "grids-teams", "page.grids_teams", "nav.leadership", True),
    ("ranking", "ranking", "page.ranking", "nav.leadership", True),
    ("micro_projects", "micro-projects", "page.micro_projects", "nav.leadership", True),
    ("hot_topics", "hot-topics", "page.hot_topics", "nav.leadership", True),
    ("catalogue", "catalogue", "page.catalogue", "nav.analysis", False),
    ("data", "data", "page.data", "nav.analysis", False),
    ("explorer", "explorer", "page.explorer", "nav.analysis", True),
)
DEFAULT = "overview"
FILTERED = {url_path for _, url_path, _, _, uses_filters in PAGES if uses_filters}

# Print view: hide Streamlit's chrome and keep cards from splitting across paper pages. Layout only, no colours.
_PRINT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1rem; max-width: 100%; }
[data-testid="stVerticalBlockBorderWrapper"] { break-inside: avoid; }
</style>"""


def configure_page() -> None:
    routing.mark_routed()
    st.set_page_config(
        page_title=t("app.title"),
        page_icon=":material/insights:",
        layout="wide",
        initial_sidebar_state="collapsed" if print_mode() else "auto",
    )
    if print_mode():
        st.html(_PRINT_CSS)


def _remember_language() -> None:
    st.session_state[LANG_CHOICE] = st.session_state[LANG_STATE]


def language_switch() -> None:
    """Sidebar zh/en switch. The session is seeded from `?lang=`; the URL carries `lang` only when it differs
    from the default language."""
    state = st.session_state
    if LANG_CHOICE not in state:
        from_url = st.query_params.get(LANG_PARAM)
        state[LANG_CHOICE] = from_url if from_url in LANGS else default_lang()
    # Drawn before st.navigation, the radio can come back as a new widget after a page switch: it starts from
    # the remembered choice, and only a user's click (on_change) changes that choice.
    st.sidebar.radio(
        t("app.language"),
        LANGS,
        index=LANGS.index(state[LANG_CHOICE]),
        key=LANG_STATE,
        horizontal=True,
        on_change=_remember_language,
        format_func=formatter("app.lang_{code}"),
    )
    lang = state[LANG_CHOICE]
    if lang == default_lang():
        if LANG_PARAM in st.query_params:
            del st.query_params[LANG_PARAM]
    elif st.query_params.get(LANG_PARAM) != lang:
        st.query_params[LANG_PARAM] = lang


def navigation(scope=None):
    """The ten pages grouped into sections (only those the user's `Scope` may open); hidden in print view.
    A page the role may not open stays out of the menu, and its URL answers with a "no access" page instead of
    Streamlit's "page not found" jump to the overview. Returns the page to run and whether it shows the filter bar."""
    sections: dict[str, list] = {}
    closed = set()
    for file, url_path, title_key, section_key, _ in PAGES:
        if scope is not None and not scope.may_open(file):
            closed.add(url_path)
            page = st.Page(_no_access(title_key), title=t(title_key), url_path=url_path, visibility="hidden")
            sections.setdefault(t(section_key), []).append(page)
            continue
        section = sections.setdefault(t(section_key), [])
        if url_path == DEFAULT:
            # Streamlit serves the default page at "/" only, so its own address (/overview, in links and
            # bookmarks) would be "Page not found". A hidden twin answers that address; the default page's
            # internal path only has to differ from it (it never shows in a URL).
            section.append(st.Page(f"pages/{file}.py", title=t(title_key), url_path=f"{url_path}-root", default=True))
            section.append(st.Page(f"pages/{file}.py", title=t(title_key), url_path=url_path, visibility="hidden"))
        else:
            section.append(st.Page(f"pages/{file}.py", title=t(title_key), url_path=url_path))
    current = st.navigation(sections, position="hidden" if print_mode() else "sidebar")
    # The default page's url_path is always "" (it answers the app's root URL).
    path = current.url_path or DEFAULT
    return current, path in FILTERED and path not in closed


def _no_access(title_key: str):
    def no_access() -> None:
        st.title(t(title_key))
        st.warning(t("access.page_not_allowed"), icon=":material/lock:")
        st.page_link(f"pages/{DEFAULT}.py", label=t("access.back_to_overview"), icon=":material/arrow_back:")

    return no_access


def filter_bar(uses_filters: bool) -> None:
    """Draw the global filter bar when the page uses it and there is a warehouse to filter."""
    st.session_state.pop(filters.FILTERS, None)
    if uses_filters and data.has_warehouse():
        filters.draw()
