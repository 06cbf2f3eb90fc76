"""What the engine must know about a warehouse before it runs any KPI query: which inputs hold data, the span of
the data (when it ends decides partial periods and as-of times) and the grid and service-line values filters are
checked against.

These facts change only when an import makes a new warehouse version, yet finding them scans every table. The
engine finds them itself when a caller gives none (the CLI, the report, tests); the dashboard finds them once per
warehouse version and passes them to every call (jianfu/ui/data.py), so a page pays for them once, not per card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jianfu.metrics.sql import column_presence, data_coverage, run_rows


@dataclass(frozen=True)
class WarehouseFacts:
    presence: dict[str, dict[str, int]]  # column_presence(): per table, "*" row count and non-null counts
    data_from: datetime | None
    data_as_of: datetime | None
    known_values: dict[str, frozenset[str]] | None = None  # Filters field ('grids', 'service_lines') → values
    # The latest event that is not a closing: default periods count back from it (filters.data_window).
    activity_through: datetime | None = None


def known_filter_values(con) -> dict[str, frozenset[str]]:
    """The grid, service-line, street and district values the warehouse knows, by Filters field."""
    found: dict[str, set[str]] = {"grids": set(), "service_lines": set(), "streets": set(), "districts": set()}
    fields = {"grid_id": "grids", "service_line": "service_lines", "street": "streets", "district": "districts"}
    for row in run_rows(con, "filter_values", {}):
        found[fields[row["dimension"]]].add(row["value"])
    return {name: frozenset(values) for name, values in found.items()}


def warehouse_facts(con, *, with_values: bool = True) -> WarehouseFacts:
    data_from, data_as_of, activity_through = data_coverage(con)
    return WarehouseFacts(
        column_presence(con), data_from, data_as_of, known_filter_values(con) if with_values else None, activity_through
    )


def facts_for(con, facts: WarehouseFacts | None) -> WarehouseFacts:
    """The given facts, else those of `con` (filter values are then looked up only if a filter needs them)."""
    return facts if facts is not None else warehouse_facts(con, with_values=False)
