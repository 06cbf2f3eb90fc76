"""减负 Record-keeping: ledgers and hours removed (waterfall), duplicate fields and records, inspections, workers'
paperwork vs field time, access requests and the work list."""

import streamlit as st

from jianfu import kpi_frames
from jianfu.display import charts, flow_charts, format
from jianfu.display.i18n import current_lang, t
from jianfu.ui import components, data, filter_bar
from jianfu.ui.components import with_labels
from jianfu.ui.export_buttons import show_table

KPIS = [
    "ledger_reduction",
    "burden_hours",
    "hours_saved",
    "duplicate_fields",
    "duplicate_records",
    "inspections_rate",
    "access_refusals",
    "admin_time_share",
    "field_visits",
]

components.page_header("page.record_keeping", "record_keeping.intro")
components.require_warehouse()
filters = filter_bar.render()
as_of = data.data_as_of()
catalogue = data.catalogue()
results = components.kpi_grid(KPIS, filters, columns=3)
components.small_n_note()


def section(title_key: str, frame, key: str, chart=None, labels: str = "record_keeping.column", **table) -> None:
    """A titled block: the chart (when there is data), then the table with its exports; or the empty state."""
    st.subheader(t(title_key))
    if components.is_empty(frame):
        components.empty_state()
        return
    if chart is not None:
        components.show_chart(chart, key=f"{key}_chart")
    show_table(frame, key=key, name=t(title_key), labels=labels, filters=filters, as_of=as_of, **table)


steps = {s: t(f"record_keeping.step_{s}") for s in kpi_frames.WATERFALL_STEPS}
waterfall = kpi_frames.ledger_waterfall(results.get("ledger_reduction"), results.get("burden_hours"))
st.subheader(t("record_keeping.waterfall_title"))
baseline_label = catalogue.baseline_label_zh if current_lang() == "zh" else catalogue.baseline_label_en
st.caption(t("record_keeping.waterfall_caption", baseline=baseline_label))
if waterfall.empty:
    components.empty_state()
else:
    left, right = st.columns(2)
    with left:
        components.show_chart(
            flow_charts.waterfall(
                waterfall,
                "step",
                "ledgers",
                steps,
                t("record_keeping.waterfall_ledgers"),
                t("record_keeping.count_axis"),
            ),
            key="record_keeping_waterfall_ledgers",
        )
    with right:
        components.show_chart(
            flow_charts.waterfall(
                waterfall, "step", "hours", steps, t("record_keeping.waterfall_hours"), t("record_keeping.hours_axis")
            ),
            key="record_keeping_waterfall_hours",
        )
    show_table(
        waterfall.assign(step=waterfall["step"].map(steps)).rename(
            columns={"ledgers": "ledger_count", "hours": "yearly_hours"}
        ),
        key="record_keeping_waterfall",
        name=t("record_keeping.waterfall_title"),
        labels="record_keeping.column",
        filters=filters,
        as_of=as_of,
        kpis=[catalogue["ledger_reduction"], catalogue["burden_hours"], catalogue["hours_saved"]],
    )

fields = data.query("page_record_keeping_duplicate_fields", filters)
section(
    "record_keeping.duplicate_fields_title",
    fields,
    "record_keeping_duplicate_fields",
    kpis=[catalogue["duplicate_fields"]],
)
records = data.query("page_record_keeping_duplicate_records", filters)
section(
    "record_keeping.duplicate_records_title",
    records,
    "record_keeping_duplicate_records",
    chart=charts.bars(
        records.head(15),
        "name",
        "duplicate_entries",
        None,
        y_label=t("record_keeping.column.duplicate_entries"),
        horizontal=True,
    ),
    percent=["duplicate_share"],
    kpis=[catalogue["duplicate_records"]],
)

inspections = with_labels(data.query("page_record_keeping_inspections", filters), {"plan_status": "plan_status"})
section(
    "record_keeping.inspections_title",
    inspections,
    "record_keeping_inspections",
    chart=charts.bars(
        inspections, "quarter", "inspections", None, color="plan_status", y_label=t("record_keeping.column.inspections")
    ),
    kpis=[catalogue["inspections_rate"]],
)

time_use = with_labels(data.query("page_record_keeping_time_use", filters), {"activity": "activity"})
time_use["month"] = time_use["month"].map(format.month)
section(
    "record_keeping.time_use_title",
    time_use,
    "record_keeping_time_use",
    chart=charts.bars(time_use, "month", "hours", None, color="activity", y_label=t("record_keeping.hours_axis")),
    percent=["share_of_hours"],
    kpis=[catalogue["admin_time_share"], catalogue["field_visits"]],
)

access = with_labels(
    data.query("page_record_keeping_access", filters), {"decision": "decision", "reason": "access_reason"}
)
section(
    "record_keeping.access_title",
    access,
    "record_keeping_access",
    chart=charts.bars(
        access, "decision", "requests", None, color="reason", y_label=t("record_keeping.column.requests")
    ),
    kpis=[catalogue["access_refusals"]],
)

work_items = with_labels(data.query("page_record_keeping_work_items", filters), {"category": "work_category"})
section(
    "record_keeping.work_items_title",
    work_items,
    "record_keeping_work_items",
    chart=charts.bars(work_items, "category", "items", None, y_label=t("record_keeping.column.items")),
)
