"""数据 Data: import history, rejected rows, data-quality checks, upload an export, undo an import."""

import streamlit as st

from jianfu import quality, settings, warehouse, web_import
from jianfu.access import audit
from jianfu.display import format
from jianfu.display.i18n import t
from jianfu.ingest.loader import ImportRefused, undo
from jianfu.ui import components, data
from jianfu.ui.export_buttons import show_table
from jianfu.ui.login import audit_action, current_scope, current_user
from jianfu.ui.reasons import with_reason_text

FLASH = "data_flash"  # a message that must survive the rerun after an import or undo


@st.cache_data(show_spinner=False)
def _quality(version: str) -> list[quality.CheckResult]:
    con = data.connection()
    return quality.stored(con) or quality.run_checks(con)


def _flash(kind: str, text: str) -> None:
    st.session_state.setdefault(FLASH, []).append((kind, text))


components.page_header("page.data", "data.intro")
for kind, text in st.session_state.pop(FLASH, []):
    getattr(st, kind)(text)

if data.has_warehouse():
    st.subheader(t("data.imports_title"))
    imports = data.query("page_data_imports")
    if imports.empty:
        st.info(t("data.no_imports"))
    else:
        show_table(imports, key="data_imports", name=t("data.imports_title"), labels="data.column")

    st.subheader(t("data.rejects_title"))
    st.caption(t("data.rejects_caption"))
    rejects = with_reason_text(data.query("page_data_rejects_summary"))
    if rejects.empty:
        st.info(t("data.no_rejects"))
    else:
        show_table(rejects, key="data_rejects", name=t("data.rejects_title"), labels="data.column")
        import_ids = sorted(rejects["import_id"].unique().tolist(), reverse=True)
        chosen = st.selectbox(t("data.rejects_of_import"), import_ids, key="data_rejects_import")
        max_rows = int(settings.get("sql_max_rows"))
        detail = with_reason_text(data.query("page_data_rejects", import_id=chosen, max_rows=max_rows))
        total = int(rejects.loc[rejects["import_id"] == chosen, "rejected_rows"].sum())
        if total > len(detail):
            st.caption(t("data.rejects_shown", shown=format.count(len(detail)), total=format.count(total)))
        show_table(detail, key="data_reject_rows", name=f"{t('data.rejects_title')} {chosen}", labels="data.column")

    st.subheader(t("data.quality_title"))
    st.caption(t("data.quality_caption"))
    results = _quality(warehouse.version_key())
    passed = sum(r.passed for r in results)
    st.markdown(t("data.quality_passed", passed=passed, total=len(results)))
    for result in results:
        title = t(f"data.dq.{result.check}.title")
        if result.error:
            st.error(f"{title} — {t('data.quality_error', error=result.error)}")
        elif result.passed:
            st.markdown(f":green-badge[{t('data.quality_ok')}] {title}")
        else:
            with st.expander(f"{title} — {t('data.quality_failed', rows=format.count(result.rows))}"):
                st.caption(t("data.quality_sample", n=len(result.sample)))
                show_table(with_reason_text(result.sample), key=f"data_dq_{result.check}", name=result.check)
else:
    st.info(t("common.no_warehouse"))

if not current_scope().may_import:  # upload and undo are for admins only
    st.stop()
st.subheader(t("data.upload_title"))
st.caption(t("data.upload_caption", mb=settings.get("max_upload_mb")))
with st.form("data_upload", clear_on_submit=True):
    # Streamlit draws the widget's own words ("Upload", "per file") in English and has no option to change
    # them; our label, help and size limit (shown in the widget) are what we can set.
    max_mb = int(settings.get("max_upload_mb"))
    uploads = st.file_uploader(
        t("data.upload_files"),
        type=["csv", "xlsx", "xls"],
        accept_multiple_files=True,
        key="data_upload_files",
        help=t("data.upload_files_help"),
        max_upload_size=max_mb,
    )
    mapping_upload = st.file_uploader(
        t("data.upload_mapping"),
        type=["toml"],
        key="data_upload_mapping",
        help=t("data.upload_mapping_help"),
        max_upload_size=max_mb,
    )
    submitted = st.form_submit_button(t("data.upload_button"), type="primary")
if submitted:
    oversized = web_import.too_large(uploads or [])
    if not uploads:
        st.warning(t("data.upload_need_files"))
    elif oversized:
        for name in oversized:
            st.error(t("data.upload_too_large", name=name, mb=settings.get("max_upload_mb")))
    else:
        bar = st.progress(0.0)
        try:
            audit_action("import", ", ".join(u.name for u in uploads), files=len(uploads))
        except audit.AuditUnavailable as exc:
            st.error(t("access.audit_unavailable", error=str(exc)))
            st.stop()
        outcomes = web_import.import_uploads(
            uploads,
            mapping_upload,
            who=current_user().name,
            progress=lambda step, fraction: bar.progress(min(fraction, 1.0), step),
        )
        for o in outcomes:
            if o.outcome == "loaded":
                _flash(
                    "success",
                    t(
                        "data.upload_done",
                        name=o.file_name,
                        read=format.count(o.rows_read),
                        loaded=format.count(o.rows_loaded),
                        updated=format.count(o.rows_updated),
                        rejected=format.count(o.rows_rejected),
                    ),
                )
            elif o.outcome == "unchanged":
                _flash("info", t("data.upload_unchanged", name=o.file_name))
            else:
                _flash("error", t("data.upload_refused", message=f"{o.file_name}: {o.message}"))
        st.rerun()

if data.has_warehouse():
    st.subheader(t("data.undo_title"))
    st.caption(t("data.undo_caption"))
    imports = data.query("page_data_imports")
    undoable = imports[imports["outcome"] == "loaded"]
    if undoable.empty:
        st.info(t("data.no_undoable"))
    else:
        labels = {
            row.import_id: t(
                "data.import_option",
                import_id=row.import_id,
                file_name=row.file_name,
                target=row.target,
                finished=format.day(row.finished_at),
            )
            for row in undoable.itertuples()
        }
        import_id = st.selectbox(t("data.undo_choose"), list(labels), format_func=labels.get, key="data_undo_id")
        confirmed = st.checkbox(t("data.undo_confirm"), key=f"data_undo_confirm_{import_id}")
        if st.button(t("data.undo_button"), disabled=not confirmed, key="data_undo_button"):
            try:
                audit_action("undo", f"import {import_id}")
                undo(int(import_id), who=current_user().name)
                _flash("success", t("data.undo_done", import_id=import_id))
            except ImportRefused as refused:
                _flash("error", t("data.undo_failed", message=refused.message))
            except audit.AuditUnavailable as exc:
                _flash("error", t("access.audit_unavailable", error=str(exc)))
            st.rerun()
