"""The global filter bar (sidebar): period preset or custom range, district, street, grid, team, service line,
channel. The district and street selectors appear only when the data (as far as the user may see it) has more
than one of them, so a single street office's bar stays as it was.

The router (dashboard.py, through `shell.filter_bar_for`) draws the bar before the page runs, so its widgets
belong to the entrypoint and keep their state across page switches; a page reads the result with `render()`.
The user's choices live in one session-state entry and are mirrored to the URL on every run, so a copied link
reproduces the view and a page switch (which clears the URL) does not lose them. On a session's first run the
URL is read instead; unusable parameters are dropped with a notice that stays until the user changes a filter.
Widget keys are prefixed `filter_`; pages never touch them.
"""

from __future__ import annotations

import streamlit as st

from jianfu.display import format
from jianfu.display.i18n import code_formatter, formatter, t
from jianfu.ui import data
from jianfu.ui.filter_params import (
    DEFAULT_PERIOD,
    LIST_PARAMS,
    PARAMS,
    PERIODS,
    FilterOptions,
    parse,
    to_filters,
    to_params,
    window,
)

CHOICES = "_filter_choices"  # validated user choices ({param: value}); absent = default
NOTICES = "_filter_notices"  # (choices as loaded from the URL, [message]) while those choices stand
FILTERS = "_filters"  # the Filters the bar selected in this run
_CODE_KINDS = {"team": "team", "line": "service_line", "channel": "channel"}


# Levels of the hierarchy whose selector is drawn only when there is a choice to make.
_UNIT_PARAMS = ("district", "street")


def _label(param: str, options: FilterOptions):
    if param == "grid":
        return lambda code: options.grids.get(code) or code
    if param in _UNIT_PARAMS:
        return str  # names as the data writes them (横塘街道)
    return code_formatter(_CODE_KINDS[param])


def _load_from_url(options: FilterOptions) -> None:
    chosen, notices = parse({k: st.query_params.get(k) for k in PARAMS if k in st.query_params}, options)
    st.session_state[CHOICES] = chosen
    messages = []
    for notice in notices:
        fmt = dict(notice.fmt)
        if "param" in fmt:  # name the filter as the sidebar does, not by its URL parameter
            fmt["param"] = t(f"filter.{fmt['param']}")
        messages.append(t(notice.key, **fmt))
    st.session_state[NOTICES] = (chosen, messages)


def _show_notices(chosen: dict) -> None:
    loaded, messages = st.session_state.get(NOTICES, ({}, []))
    if chosen != loaded:
        st.session_state.pop(NOTICES, None)
        return
    for message in messages:
        st.warning(message, icon=":material/link_off:")


def _seed_widgets(chosen: dict, options: FilterOptions) -> None:
    """Give each filter widget its value from the choices when it has none (first run, or after a page switch
    dropped the widget's state). Widgets get no `default=`: the session state is their only source."""
    state = st.session_state
    state.setdefault("filter_period", chosen.get("period", DEFAULT_PERIOD))
    start, end = window(chosen, options)
    state.setdefault("filter_start", start)
    state.setdefault("filter_end", end)
    for param in LIST_PARAMS:
        state.setdefault(f"filter_{param}", list(chosen.get(param, [])))


def _choices_from_widgets() -> tuple[dict, bool]:
    """The choices the widgets now show; second value False when the custom range is unusable."""
    state = st.session_state
    chosen: dict = {}
    ok = True
    if state["filter_period"] == "custom":
        start, end = state["filter_start"], state["filter_end"]
        if start is None or end is None or end < start:
            ok = False
        else:
            chosen.update(period="custom", start=start, end=end)
    elif state["filter_period"] != DEFAULT_PERIOD:
        chosen["period"] = state["filter_period"]
    for param in LIST_PARAMS:
        if state[f"filter_{param}"]:
            chosen[param] = list(state[f"filter_{param}"])
    return chosen, ok


def _write_url(chosen: dict) -> None:
    """Mirror the choices to the URL: set what was chosen, remove what is back to its default."""
    wanted = to_params(chosen)
    for param in PARAMS:
        if param in wanted:
            if st.query_params.get(param) != wanted[param]:
                st.query_params[param] = wanted[param]
        elif param in st.query_params:
            del st.query_params[param]


def _reset() -> None:
    for key in [k for k in st.session_state if str(k).startswith("filter_")]:
        del st.session_state[key]
    st.session_state[CHOICES] = {}


def draw() -> None:
    """Draw the filter bar in the sidebar (the router calls this once per run, before the page)."""
    options = data.filter_options()
    if CHOICES not in st.session_state:
        _load_from_url(options)
    _seed_widgets(st.session_state[CHOICES], options)
    with st.sidebar:
        st.subheader(t("filter.title"))
        period = st.selectbox(
            t("filter.period"),
            PERIODS,
            key="filter_period",
            persist_state="session",
            format_func=formatter("filter.period_{code}"),
        )
        if period == "custom":
            first, second = st.columns(2)
            first.date_input(t("filter.start"), key="filter_start", format="YYYY-MM-DD", persist_state="session")
            second.date_input(t("filter.end"), key="filter_end", format="YYYY-MM-DD", persist_state="session")
        for param, (kind, _) in LIST_PARAMS.items():
            codes = list(dict.fromkeys([*options.codes(kind), *st.session_state[f"filter_{param}"]]))
            if param in _UNIT_PARAMS and len(codes) < 2:
                continue
            st.multiselect(
                t(f"filter.{param}"),
                codes,
                key=f"filter_{param}",
                format_func=_label(param, options),
                placeholder=t("filter.all"),
                persist_state="session",
            )
        st.button(t("filter.reset"), key="filter_reset", on_click=_reset, icon=":material/filter_alt_off:")
    chosen, ok = _choices_from_widgets()
    if not ok:
        st.warning(t("filter.notice_bad_range"), icon=":material/date_range:")
        chosen = {k: v for k, v in st.session_state[CHOICES].items()}
    st.session_state[CHOICES] = chosen
    _show_notices(chosen)
    _write_url(chosen)
    filters = data.scoped(to_filters(chosen, options))  # grid staff: no grid chosen means their own grids
    st.sidebar.caption(t("filter.window", start=format.day(filters.start), end=format.day(filters.end)))
    if "period" not in chosen:  # the default is computed from the data: say from what
        st.sidebar.caption(t("filter.default_note", date=format.day(options.as_of)))
    st.session_state[FILTERS] = filters


def render():
    """The engine's `Filters` for the sidebar's current choices (drawn by the router for pages marked
    `filtered` in shell.PAGES)."""
    if FILTERS not in st.session_state:
        raise RuntimeError("the filter bar is drawn by the router: mark this page `filtered` in shell.PAGES")
    return st.session_state[FILTERS]


def describe(filters) -> str:
    """One line naming the window and any dimension filters, for headers, print view and exports."""
    parts = [t("filter.window", start=format.day(filters.start), end=format.day(filters.end))]
    options = data.filter_options()
    for param, (_, field_name) in LIST_PARAMS.items():
        codes = getattr(filters, field_name)
        if codes:
            names = [_label(param, options)(code) for code in codes]
            parts.append(f"{t(f'filter.{param}')}: {', '.join(names)}")
    return " · ".join(parts)
