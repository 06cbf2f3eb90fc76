"""The canonical tables (../shared/domain/DATA_MODEL.md) as data: the one contract between imports and KPIs.

Every import maps onto these tables; every query reads only these. Each loaded row also carries
`source_system` (which exporting system it came from, set by the mapping) and `source_file_id`
(the import_log id that brought it), so any number can be traced back to its file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column types are DuckDB types. "VARCHAR[]" holds lists (a ledger's field names).
TEXT, TS, DATE, INT, FLOAT, BOOL, TEXT_LIST = "VARCHAR", "TIMESTAMP", "DATE", "BIGINT", "DOUBLE", "BOOLEAN", "VARCHAR[]"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    # Closed code lists: any other value is a reject. Open code columns (service_line) only need to be
    # lowercase ASCII codes, so a new export can bring a new service line without a code change.
    codes: tuple[str, ...] | None = None
    open_codes: bool = False
    # "hash": the source value is personal (name, 身份证号, phone) and is stored as a keyed hash so that the
    # same person still joins across tables. "scrub": free text; phone/ID numbers inside it are masked.
    # "mask": a display name, stored masked (张三 → 张*).
    personal: str | None = None
    min_value: float | None = None
    max_value: float | None = None


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]  # unique within a source_system; a re-export of the same key updates the row
    columns: tuple[Column, ...]
    label_zh: str = ""
    date_column: str | None = None  # the column a time window filters on
    extra: dict = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


C = Column
CASE_STATUS = ("received", "in_progress", "closed", "returned", "cancelled")
CHANNELS = ("window", "online", "mobile", "hotline", "grid_visit", "other")
CENTERS = ("service_center", "resident_center")
TEAMS = ("party_masses", "publicity", "activities", "governance", "gov_affairs")
SERVICE_LINES = (
    "civil_affairs",
    "family_planning",
    "labour",
    "housing",
    "disability",
    "medical_insurance",
    "elderly",
    "other",
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "cases",
            ("case_id",),
            label_zh="办件",
            date_column="received_at",
            columns=(
                C("case_id", TEXT, True),
                C("received_at", TS, True),
                C("accepted_at", TS),
                C("handed_off_at", TS),
                C("first_response_at", TS),
                C("due_at", TS),
                C("closed_at", TS),
                C("status", TEXT, True, codes=CASE_STATUS),
                C("service_line", TEXT, open_codes=True),
                C("matter", TEXT),
                C("channel", TEXT, codes=CHANNELS),
                C("center", TEXT, codes=CENTERS),
                C("grid_id", TEXT),
                C("worker_id", TEXT),
                C("team", TEXT, codes=TEAMS),
                C("visits", INT, min_value=0, max_value=100),
                C("materials_required", INT, min_value=0, max_value=1000),
                C("materials_reused", INT, min_value=0, max_value=1000),
                C("immediate", BOOL),
                C("resolved_on_site", BOOL),
                C("reopened_at", TS),
                C("applicant_key", TEXT, personal="hash"),
                # A 12345 work order names the street office that handled it (承办单位) and often no grid; a case's street
                # is its grid's street when the grid is known, else this column.
                C("street", TEXT),
                # The 接诉即办 three rates' inputs as a 12345 export records them (是否响应, 是否解决, 满意度).
                C("responded", BOOL),
                C("resolved", BOOL),
                C("satisfaction", TEXT, codes=("satisfied", "basically_satisfied", "dissatisfied")),
                # 诉求内容: free text, stored scrubbed; shown only as aggregates (hot topics) and masked excerpts.
                C("request_text", TEXT, personal="scrub"),
                # 诉求地址: stored as a keyed hash, so repeat requests about one address are found without the address.
                C("address_key", TEXT, personal="hash"),
            ),
        ),
        Table(
            "evaluations",
            ("eval_id",),
            label_zh="好差评",
            date_column="rated_at",
            columns=(
                C("eval_id", TEXT, True),
                C("case_id", TEXT),
                C("rated_at", TS, True),
                C("rating", INT, True, min_value=1, max_value=5),
                C("source", TEXT, codes=("window", "online", "sms", "hotline_callback", "grid_callback")),
                C("realname", BOOL),
                C("verified", BOOL),
                C("rectify_due_at", TS),
                C("rectified_at", TS),
                C("callback_at", TS),
                C("resolved_answer", TEXT, codes=("resolved", "unresolved")),
                C("comment", TEXT, personal="scrub"),
            ),
        ),
        Table(
            "survey_responses",
            ("response_id",),
            label_zh="满意度测评答卷",
            date_column="responded_at",
            columns=(
                C("response_id", TEXT, True),
                C("wave", TEXT, True),
                C("responded_at", TS),
                C("grid_id", TEXT),
                C("age_band", TEXT),
                C("sex", TEXT),
                C("tenure", TEXT),
                C("channel", TEXT, open_codes=True),
                C("weight", FLOAT, min_value=0),
                C("comment", TEXT, personal="scrub"),
            ),
        ),
        Table(
            "survey_answers",
            ("response_id", "item"),
            label_zh="测评得分",
            columns=(
                C("response_id", TEXT, True),
                C("item", TEXT, True),
                C("score", FLOAT, True),
            ),
        ),
        Table(
            "survey_items",
            ("item",),
            label_zh="测评题目",
            columns=(
                C("item", TEXT, True),
                C("label_zh", TEXT),
                C("label_en", TEXT),
                C("dimension", TEXT),
                C("scale_min", FLOAT),
                C("scale_max", FLOAT, True),
                C("is_overall", BOOL),
            ),
        ),
        Table(
            "ledgers",
            ("ledger_id", "valid_from"),
            label_zh="台账",
            date_column="valid_from",
            columns=(
                C("ledger_id", TEXT, True),
                C("name", TEXT, True),
                C("owner_dept", TEXT),
                C("legal_basis", TEXT),
                C("status", TEXT, True, codes=("active", "merged", "abolished", "digitised")),
                C("merged_into", TEXT),
                C("frequency_per_year", FLOAT, min_value=0),
                C("population", FLOAT, min_value=0),
                C("minutes_per_entry", FLOAT, min_value=0),
                C("copies", INT, min_value=0, max_value=100),
                C("paper", BOOL),
                C("fields", TEXT_LIST),
                C("valid_from", DATE, True),
                C("valid_to", DATE),
            ),
        ),
        Table(
            "record_entries",
            ("entry_id",),
            label_zh="留痕记录",
            date_column="recorded_at",
            columns=(
                C("entry_id", TEXT, True),
                C("ledger_id", TEXT, True),
                C("worker_id", TEXT),
                C("recorded_at", TS, True),
                C("subject_key", TEXT, personal="hash"),
                C("event_key", TEXT),
                C("minutes", FLOAT, min_value=0),
            ),
        ),
        Table(
            "inspections",
            ("inspection_id",),
            label_zh="督查检查",
            date_column="held_on",
            columns=(
                C("inspection_id", TEXT, True),
                C("held_on", DATE, True),
                C("body", TEXT),
                C("kind", TEXT, True),
                C("in_annual_plan", BOOL),
                C("materials_requested", INT, min_value=0),
                C("photo_evidence_required", BOOL),
                C("staff_hours", FLOAT, min_value=0),
            ),
        ),
        Table(
            "work_items",
            ("item_id",),
            label_zh="工作事项",
            date_column="valid_from",
            columns=(
                C("item_id", TEXT, True),
                C("name", TEXT, True),
                C("list_version", TEXT),
                C("category", TEXT, True, codes=("statutory", "assist", "negative")),
                C("dept", TEXT),
                C("legal_basis", TEXT),
                C("funded", BOOL),
                C("grid_list", BOOL),
                C("valid_from", DATE),
                C("valid_to", DATE),
            ),
        ),
        Table(
            "access_requests",
            ("request_id",),
            label_zh="准入申请",
            date_column="received_at",
            columns=(
                C("request_id", TEXT, True),
                C("dept", TEXT, True),
                C("task", TEXT, True),
                C("received_at", TS, True),
                C("decision", TEXT, codes=("admitted", "refused", "pending")),
                C("reason", TEXT, open_codes=True),
                C("decided_at", TS),
                C("funded", BOOL),
            ),
        ),
        Table(
            "micro_projects",
            ("project_id",),
            label_zh="民生微实事",
            date_column="proposed_at",
            columns=(
                C("project_id", TEXT, True),
                C("title", TEXT, True),
                C("category", TEXT),
                C("grid_id", TEXT),
                C("proposed_at", TS, True),
                C(
                    "stage",
                    TEXT,
                    True,
                    codes=(
                        "proposed",
                        "sorted",
                        "council_review",
                        "voting",
                        "in_progress",
                        "accepted",
                        "done",
                        "rejected",
                    ),
                ),
                C("sorted_at", TS),
                C("reviewed_at", TS),
                C("voted_at", TS),
                C("started_at", TS),
                C("completed_at", TS),
                C("due_at", TS),
                C("votes_for", INT, min_value=0),
                C("votes_against", INT, min_value=0),
                C("eligible_voters", INT, min_value=0),
                C("budget_yuan", FLOAT, min_value=0),
                C("acceptance_rating", INT, min_value=1, max_value=5),
            ),
        ),
        Table(
            "grids",
            ("grid_id",),
            label_zh="网格",
            columns=(
                C("grid_id", TEXT, True),
                C("name", TEXT, True),
                C("kind", TEXT, codes=("basic", "special")),
                C("community", TEXT),
                C("households", INT, min_value=0),
                C("residents", INT, min_value=0),
                C("leader_worker_id", TEXT),
                # The hierarchy above the community: district > street > community > grid.
                C("street", TEXT),
                C("district", TEXT),
            ),
        ),
        Table(
            "workers",
            ("worker_id",),
            label_zh="社工与网格员",
            columns=(
                C("worker_id", TEXT, True),
                C("display_name", TEXT, personal="mask"),
                C("team", TEXT, codes=TEAMS),
                C("role", TEXT, codes=("social_worker", "grid_member", "volunteer")),
                C("grid_id", TEXT),
                C("joined_on", DATE),
                C("left_on", DATE),
            ),
        ),
        Table(
            "time_use",
            ("worker_id", "week"),
            label_zh="工时",
            date_column="week",
            columns=(
                C("worker_id", TEXT, True),
                C("week", DATE, True),
                C("hours_admin", FLOAT, min_value=0, max_value=168),
                C("hours_field", FLOAT, min_value=0, max_value=168),
                C("home_visits", INT, min_value=0),
            ),
        ),
        Table(
            "partner_activities",
            ("activity_id",),
            label_zh="联盟活动",
            date_column="held_on",
            columns=(
                C("activity_id", TEXT, True),
                C("held_on", DATE, True),
                C("alliance", TEXT, codes=("party_building", "property", "social_innovation")),
                C("org", TEXT),
                C("kind", TEXT, codes=("purchased_service", "volunteer", "joint_governance")),
                C("participants", INT, min_value=0),
                C("volunteer_hours", FLOAT, min_value=0),
                C("cost_yuan", FLOAT, min_value=0),
            ),
        ),
    ]
}

# Columns every canonical table carries besides its own (provenance).
PROVENANCE_COLUMNS = (Column("source_system", TEXT, True), Column("source_file_id", INT, True))

# A survey export is usually wide (one row per respondent, one column per question); one import of it
# fills these three tables together.
SURVEY_TABLES = ("survey_responses", "survey_answers", "survey_items")


def create_table_sql(table: Table, name: str | None = None, extra: str = "") -> str:
    cols = [f'"{c.name}" {c.type}' for c in (*table.columns, *PROVENANCE_COLUMNS)]
    return f'create table if not exists "{name or table.name}" ({", ".join(cols)}{extra})'
