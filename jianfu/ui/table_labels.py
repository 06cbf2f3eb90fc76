"""Rows of the canonical tables as people read them: stored codes (`closed`, `housing`) as their labels and
column names (`received_at`) as `column.<name>` from the string catalogue, in the run's language. Used by the
explorer's drill-down and pivot tables, so their screen and their exports say 已办结 / 接件时间, not raw codes.
Pages with their own queries label their columns with their own prefixes (export_buttons.show_table)."""

from __future__ import annotations

import pandas as pd

from jianfu.display.i18n import code_label, has, t

# Canonical code columns → the code lists (`code.<kind>.<code>`) their values come from. A column name shared by
# tables with different lists (a micro-project's and a work item's category) tries each list in turn; a code no
# list knows is shown as it is.
CODE_KINDS = {
    "status": ("case_status",),
    "service_line": ("service_line",),
    "team": ("team",),
    "channel": ("channel",),
    "center": ("center",),
    "source": ("eval_source",),
    "stage": ("project_stage",),
    "alliance": ("alliance",),
    "category": ("project_category", "work_category"),
    "kind": ("grid_kind", "partner_kind"),
    "decision": ("decision",),
    "reason": ("access_reason",),
    "age_band": ("age_band",),
}


def code_text(column: str, code, lang: str | None = None):
    """The label of one stored value of `column` (missing values and non-code columns unchanged)."""
    if column not in CODE_KINDS or code is None or (isinstance(code, float) and code != code):
        return code
    for kind in CODE_KINDS[column]:
        if has(f"code.{kind}.{code}"):
            return code_label(kind, code, lang)
    return code


def column_label(column: str, lang: str | None = None) -> str:
    return t(f"column.{column}", lang) if has(f"column.{column}") else column


def readable(frame: pd.DataFrame, lang: str | None = None, codes_across: str | None = None) -> pd.DataFrame:
    """A copy with code values labelled and columns renamed. `codes_across`: a pivot's column dimension, whose
    codes are the other column headers (e.g. `window`, `online` across the top of a channel pivot)."""
    out = frame.copy()
    for column in out.columns:
        if column in CODE_KINDS:
            out[column] = out[column].map(lambda code, c=column: code_text(c, code, lang))
    names = {c: column_label(c, lang) for c in out.columns if has(f"column.{c}")}
    if codes_across is not None:
        names |= {c: str(code_text(codes_across, c, lang)) for c in out.columns if c not in names}
    return out.rename(columns=names)
