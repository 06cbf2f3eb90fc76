"""Small building blocks every page shares: the page header, KPI cards, charts, small-n and empty-state notes.

Components format through `format` and label through `i18n`; they never compute a number themselves: values,
comparisons, scores, flags and signals all come from the engine's `KpiResult` and `kpi_series`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from jianfu.display import charts, format
from jianfu.display.i18n import code_label, current_lang, t
from jianfu.metrics.series import CONTROL_CHART_MONTHS
from jianfu.ui import data, drill_view, routing

PRINT_PARAM = "print"
SPARKLINE_MONTHS = 12  # drawn; the series behind a card covers the control chart's window, for its signal
SERIES_MONTHS = CONTROL_CHART_MONTHS
FLAG_COLOURS = {"partial_period": "blue", "workdays_unknown": "orange"}  # the other flags are gray
CARDS_KEY = "kpi_cards"  # containers of cards carry a key starting with this (CSS class st-key-kpi_cards…)
# On a phone Streamlit stacks columns one per row; cards read better two per row (and the overview stays short).
_PHONE_CSS = """<style>
@media (max-width: 640px) {
  [class*="st-key-kpi_cards"] [data-testid="stHorizontalBlock"] { flex-flow: row wrap !important;
    gap: 0.5rem !important; }
  [class*="st-key-kpi_cards"] [data-testid="stColumn"] { flex: 0 0 calc(50% - 0.25rem) !important;
    width: calc(50% - 0.25rem) !important; min-width: 0 !important; }
  [class*="st-key-kpi_cards"] [data-testid="stMetricValue"] { font-size: 1.4rem; }
  [class*="st-key-kpi_cards"] [data-testid="stColumn"] [data-testid="stVerticalBlock"] { gap: 0.3rem; }
  [class*="st-key-kpi_cards"] [data-testid="stLayoutWrapper"] > [data-testid="stVerticalBlock"] { padding: 0.5rem; }
  /* the sparkline and the n / last-year line wait for a wider screen: the cards fit in about three screens */
  [class*="st-key-kpi_cards"] [data-testid="stMetricChart"],
  [class*="st-key-kpi_cards"] [data-testid="stElementContainer"]:has([data-testid="stCaptionContainer"])
    :not(:has([data-testid="stMetric"])) { display: none; }
}
</style>"""


def phone_layout() -> None:
    """The CSS that puts cards two per row on a narrow screen (once per run; it only styles keyed card rows)."""
    st.html(_PHONE_CSS)


def cards_container(name: str):
    """A container whose card columns go two per row on a phone (see _PHONE_CSS)."""
    return st.container(key=f"{CARDS_KEY}_{name}")


def print_mode() -> bool:
    """True for the print-friendly view (`?print=1`): no sidebar, no navigation, cards laid out for paper."""
    return st.query_params.get(PRINT_PARAM) == "1"


def page_header(title_key: str, intro_key: str | None = None) -> None:
    """The page title, its one-line purpose, and the date the data runs to (数据截至). Every page calls this
    first: it also makes sure the run went through the router (routing.py)."""
    routing.ensure_routed()
    st.title(t(title_key))
    as_of = data.data_as_of() if data.has_warehouse() else None
    line = t("common.data_as_of", date=format.day(as_of)) if as_of is not None else t("common.no_data_yet")
    st.caption(f"{t(intro_key)} · {line}" if intro_key else line)


def require_warehouse() -> None:
    """Stop the page with a pointer to the data page when nothing has been imported yet."""
    if not data.has_warehouse():
        st.info(t("common.no_warehouse"), icon=":material/upload_file:")
        st.stop()


def _delta_color(kpi, result) -> str:
    """Colour a change only when the KPI has a direction, enough observations to be ranked, and the change
    shows (a +0.0% coloured as worse would send a meeting after nothing)."""
    if (
        kpi.direction not in ("up", "down")
        or "not_rankable" in result.flags
        or format.no_visible_change(result.value, result.previous, kpi.unit)
    ):
        return "off"
    return "normal" if kpi.direction == "up" else "inverse"


def latest_signal(series: pd.DataFrame | None) -> str | None:
    """The control-chart rule the latest complete period breaks ('outside_limits', 'run_of_7'), '' for
    common-cause variation, None when there is no chart."""
    if series is None or series.empty or series["mean"].isna().all():
        return None
    complete = series[~series["partial"].astype(bool)]
    return str(complete["signal_rule"].iloc[-1]) if not complete.empty else None


def latest_note(filters) -> None:
    """Label a section that shows its latest period with data instead of the chosen window."""
    st.caption(t("common.latest_period", start=format.day(filters.start), end=format.day(filters.end)))


def kpi_card(kpi, result, series: pd.DataFrame | None = None, filters=None, shown_filters=None) -> None:
    """One KPI: value (or n<10), n, change vs the previous period and last year, sparkline, target status and
    the control-chart signal of the latest period. `series` is `data.series(kpi.id, filters)`; `shown_filters`
    the window the result is for when it is not the chosen one (data.section_filters), labelled on the card.
    With `filters`, a drillable KPI's card has a button that opens its rows (drill_view)."""
    lang = current_lang()
    with st.container(border=True):
        if shown_filters is not None:
            latest_note(shown_filters)
        if "missing_input" in result.flags:
            st.metric(kpi.label(lang), format.DASH, help=kpi.description(lang))
            st.caption(t("kpi.missing_inputs", inputs=", ".join(m.rpartition(" ")[2] for m in result.missing)))
            return
        suppressed = "suppressed" in result.flags
        values = series["value"].tail(SPARKLINE_MONTHS).dropna().tolist() if series is not None else []
        st.metric(
            kpi.label(lang),
            format.suppressed_text() if suppressed else format.value(result.value, kpi.unit),
            delta=None if suppressed else format.change(result.value, result.previous, kpi.unit),
            delta_color=_delta_color(kpi, result),
            delta_description=t("kpi.vs_previous"),
            help=kpi.description(lang),
            chart_data=values if len(values) > 1 else None,
        )
        details = [format.n_text(result.n)]
        year_change = None if suppressed else format.change(result.value, result.last_year, kpi.unit)
        if year_change:
            details.append(t("kpi.vs_last_year", change=year_change))
        st.caption(" · ".join(details))
        _status_badges(kpi, result, series)
        if filters is not None and not suppressed and drill_view.can_drill(kpi.id) and not print_mode():
            if st.button(t("drill.open"), key=f"card_rows_{kpi.id}", icon=":material/table_rows:", type="tertiary"):
                drill_view.rows_dialog(kpi.id, filters)


def _status_badges(kpi, result, series) -> None:
    badges = []
    if result.score is not None and "suppressed" not in result.flags:
        met = result.score >= 1
        if kpi.target_source == "policy":
            text = t("kpi.target_met" if met else "kpi.target_missed", target=format.value(kpi.target, kpi.unit))
        else:
            text = t(
                "kpi.baseline_better" if met else "kpi.baseline_worse", value=format.value(result.reference, kpi.unit)
            )
        badges.append((text, "green" if met else "orange"))
    signal = latest_signal(series)
    if signal:
        badges.append((t(f"kpi.signal_{signal}"), "violet"))
    elif signal is not None:
        badges.append((t("kpi.common_cause"), "gray"))
    for flag in ("partial_period", "not_rankable", "unfiltered", "workdays_unknown"):
        if flag in result.flags:
            badges.append((t(f"kpi.flag_{flag}"), FLAG_COLOURS.get(flag, "gray")))
    if badges:
        st.markdown(" ".join(f":{colour}-badge[{text}]" for text, colour in badges))


def kpi_grid(
    ids: list[str],
    filters,
    columns: int = 4,
    series: dict[str, pd.DataFrame] | None = None,
    results: dict | None = None,
    name: str = "page",
) -> dict:
    """Cards for the KPIs in `ids` that the catalogue knows, `columns` per row, each with a 12-month sparkline
    and control-chart signal. `series` and `results` may hold the sparklines and the engine's results already
    (the overview fetches every card's in one batch). Returns the engine's results for the page to reuse."""
    catalogue = data.catalogue()
    ids = [kpi_id for kpi_id in ids if kpi_id in catalogue]
    if results is None:
        results = data.kpis(filters, ids)
    if series is None:
        series = data.series_many(ids, filters, periods=SERIES_MONTHS)
    phone_layout()
    with cards_container(name):
        for start in range(0, len(ids), columns):
            for column, kpi_id in zip(st.columns(columns), ids[start : start + columns]):
                with column:
                    result, shown = results[kpi_id], None
                    if "suppressed" in result.flags and "missing_input" not in result.flags:
                        latest, fell_back = data.section_filters(kpi_id, filters)  # never an empty card
                        if fell_back:
                            result, shown = data.kpis(latest, [kpi_id])[kpi_id], latest
                    kpi_card(catalogue[kpi_id], result, series[kpi_id], shown or filters, shown_filters=shown)
    return results


def show_chart(fig, key: str, selectable: bool = False):
    """Render a figure (`jianfu.display.charts`) full width with the Streamlit theme (keys are page-prefixed like
    every widget key). A `selectable` chart reruns the page on a click and returns the selection event
    (drill_view.bar_rows)."""
    if selectable:
        return st.plotly_chart(
            fig, key=key, theme="streamlit", config={"displaylogo": False}, on_select="rerun", selection_mode="points"
        )
    st.plotly_chart(fig, key=key, theme="streamlit", config={"displaylogo": False})
    return None


def bar_chart(
    frame: pd.DataFrame, x: str, y: str, title: str, key: str, *, unit: str | None = None, filters=None, **bars
) -> None:
    """A bar chart, or the number itself when it would be a single bar (st.metric). When the frame carries
    kpi_id, split and group_code columns (`breakdown`, or a page frame given them) and `filters` are passed, a
    click on a bar shows that bar's rows under the chart (drill_view.bar_rows) with the page's filters."""
    if charts.single_bar(frame, x, bars.get("color")):
        with st.container(border=True):
            label = f"{title} · {frame[x].iloc[0]}" if not frame.empty else title
            st.metric(label, format.value(frame[y].iloc[0] if not frame.empty else None, unit))
        return
    drill = ["kpi_id", "split", "group_code"]
    drillable = filters is not None and all(c in frame for c in drill) and not print_mode()
    figure = charts.bars(frame, x, y, title, drill=drill if drillable else None, **bars)
    event = show_chart(figure, key=key, selectable=drillable)
    if drillable:
        names = dict(zip(zip(frame["split"], frame["group_code"]), frame[x]))
        drill_view.bar_rows(event, filters, key=key, group_label=lambda split, code: names.get((split, code), code))


def breakdown(ids: list[str], filters, by: str) -> pd.DataFrame:
    """The KPIs in `ids` split by `by` (the engine's `compute_by`), stacked long for a grouped bar chart:
    group (labelled), kpi (label), kpi_id, value, n, split (`by`) and group_code (for drill_view). Suppressed
    groups are left out (their value is hidden).
    All the KPIs come from one evaluation, so a page asks for everything it splits by `by` in one call."""
    catalogue = data.catalogue()
    lang = current_lang()
    parts = []
    ids = [i for i in ids if i in catalogue]
    frames = data.by_many(ids, filters, by=by) if ids else {}
    for kpi_id in ids:
        frame = frames[kpi_id]
        frame = frame[~frame["suppressed"].astype(bool) & frame["value"].notna()]
        parts.append(
            pd.DataFrame(
                {
                    "group": frame["group"],
                    "kpi": catalogue[kpi_id].label(lang),
                    "kpi_id": kpi_id,
                    "value": frame["value"],
                    "n": frame["n"],
                    "split": by,
                    "group_code": frame["group"].astype(str),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["group", "kpi", "kpi_id", "value", "n", "split", "group_code"])
    long = pd.concat(parts, ignore_index=True)
    kind = {"grid_id": None, "team": "team", "service_line": "service_line", "channel": "channel"}.get(by)
    if by == "grid_id":
        grids = data.filter_options().grids
        long["group"] = [grids.get(g, g) for g in long["group"]]
    elif kind:
        long = with_labels(long, {"group": kind})
    return long


def with_labels(frame: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    """A copy with code columns replaced by their labels ({column: code kind}, e.g. {"team": "team"})."""
    out = frame.copy()
    for column, kind in kinds.items():
        out[column] = [code_label(kind, code) for code in out[column]]
    return out


def small_n_note() -> None:
    """Explain the small-numbers rule under a table or chart that may hide or grey out groups."""
    st.caption(t("common.small_n_note", suppress=format.suppress_below_n(), rank=format.rank_below_n()))


def empty_state(message_key: str = "common.empty_filters") -> None:
    """The message shown instead of a chart or table when the filters match nothing."""
    st.info(t(message_key), icon=":material/filter_alt_off:")


def nothing_matches(filters, *counts: str) -> bool:
    """True when the window and filters match no rows of the given kinds ('cases', 'ratings', 'responses');
    the page then shows `empty_state()` and stops instead of drawing empty cards."""
    activity = data.query("page_window_activity", filters)
    return int(activity[list(counts or ("cases", "ratings", "responses"))].sum(axis=1).iloc[0]) == 0


def is_empty(frame: pd.DataFrame | None, count_column: str | None = None) -> bool:
    """True when a result has no rows (or only zero counts): the caller shows `empty_state()` instead."""
    if frame is None or frame.empty:
        return True
    return bool(count_column) and float(pd.to_numeric(frame[count_column]).fillna(0).sum()) == 0
