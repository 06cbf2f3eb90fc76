"""How a row that names another table's row by id alone finds that row (a rating its case, an answer its
response, a worker's hours their worker).

Ids are unique only within their exporting system (`source_system` + key), and a child often comes from another
system than its parent (好差评 rates the service centre's cases), so the id alone can name two rows in two grids.
The rule, everywhere (SQL console views, the explorer's filters, the KPI queries in `queries/`):

1. the parent row of the child's own system with that id, else
2. the only parent row carrying that id;
3. an id that several other systems share names no row: the child belongs to no grid, so it is hidden from grid
   staff and counted in no grid (street-wide totals still count it).
"""

from __future__ import annotations

# child table → (parent table, the id column both carry)
PARENTS = {
    "evaluations": ("cases", "case_id"),
    "survey_answers": ("survey_responses", "response_id"),
    "time_use": ("workers", "worker_id"),
    "record_entries": ("workers", "worker_id"),
}


def parent_exists(child: str, child_ref: str, parent_from: str, all_parents: str, condition: str = "true") -> str:
    """SQL: true when the row `child_ref` (the child table's name or alias in the outer query) has its parent, by
    the rule above, among the rows of `parent_from` that meet `condition` (written over alias `p`). `all_parents`
    holds every parent row in every grid, so that a shared id is recognised even when its other row is filtered
    away."""
    _, key = PARENTS[child]
    return (
        f'exists (select 1 from {parent_from} as p where p."{key}" = {child_ref}."{key}" and ({condition}) '
        f"and (p.source_system = {child_ref}.source_system or not exists (select 1 from {all_parents} as q "
        f'where q."{key}" = p."{key}" and q.source_system <> p.source_system)))'
    )
