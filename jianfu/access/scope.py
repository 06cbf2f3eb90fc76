"""What a role may see and do, as data, and the clamp that makes every query respect it.

The scope is applied where queries are built (`clamp_filters` on every `Filters`, `sql_grids` for the SQL
console's views), not only by hiding widgets: a grid_staff user who edits the URL to ask for another grid gets
their own grids back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from jianfu.access.users import User


@dataclass(frozen=True)
class UnitScope:
    """A scope above the grid for the SQL console (`jianfu.sandbox`): the rows of these districts and streets,
    by the rule of queries/unit_hierarchy.sql (a case's street is its grid's, else the one its work order names)."""

    districts: tuple[str, ...] = ()
    streets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scope:
    role: str
    grids: tuple[str, ...] | None  # None: every grid
    may_see_rows: bool  # drill-down to case-level rows (personal fields masked for everyone)
    may_run_sql: bool
    may_export: bool
    may_import: bool  # upload, undo and user management
    # A leader of a district or a street: None = not limited at that level.
    districts: tuple[str, ...] | None = None
    streets: tuple[str, ...] | None = None

    @property
    def limited(self) -> bool:
        """Whether this user sees only part of the data (some grids, a street, a district)."""
        return self.grids is not None or self.districts is not None or self.streets is not None

    @property
    def sql_grids(self) -> tuple[str, ...] | UnitScope | None:
        """The `scope=` argument of `jianfu.sandbox.run_sql`: the grids, or the district/street unit."""
        if self.districts is not None or self.streets is not None:
            return UnitScope(self.districts or (), self.streets or ())
        return self.grids

    def may_open(self, page: str) -> bool:
        """Whether the page is in this user's navigation (see _CLOSED_PAGES)."""
        return page not in _CLOSED_PAGES.get(self.role, ())


# Pages a role never gets in its menu (opening their URL says so). The data page (import history, rejected rows,
# quality samples) is street-wide and cannot be narrowed to a grid; leaders see aggregates only, and the
# explorer is rows, pivots of raw tables and SQL.
_CLOSED_PAGES = {"leader": ("data", "explorer"), "grid_staff": ("data",)}

# role → (may_see_rows, may_run_sql, may_export, may_import); leaders see aggregates only.
_RIGHTS = {
    "leader": (False, False, False, False),
    "analyst": (True, True, True, False),
    "grid_staff": (True, True, True, False),
    "admin": (True, True, True, True),
}


def scope_for(user: User) -> Scope:
    rights = _RIGHTS[user.role]  # an unknown role is a KeyError, never a default grant
    grids = tuple(user.grids) if user.role == "grid_staff" else None
    if grids == ():
        # An empty grid list must never reach a query: there it would mean "all grids".
        raise ValueError(f"{user.name} is grid_staff without grids")
    districts = tuple(user.districts) or None
    streets = tuple(user.streets) or None
    return Scope(user.role, grids, *rights, districts=districts, streets=streets)


def clamp_grids(requested: tuple[str, ...], scope: Scope) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(grids to query, requested grids that were dropped). An empty result of a limited scope never means
    "all grids": it becomes the scope's own grids."""
    if scope.grids is None:
        return tuple(requested), ()
    kept = tuple(g for g in requested if g in scope.grids)
    dropped = tuple(g for g in requested if g not in scope.grids)
    return (kept or scope.grids), dropped


def _clamp_level(requested: tuple[str, ...], allowed: tuple[str, ...] | None) -> tuple[str, ...]:
    """As clamp_grids for a district or street: the allowed ones asked for, else all the allowed ones."""
    if allowed is None:
        return tuple(requested)
    return tuple(v for v in requested if v in allowed) or allowed


def clamp_filters(filters, scope: Scope):
    """The same `Filters` limited to the scope's grids, district or street (any dataclass with `grids`, and
    `districts`/`streets` when the scope is limited at those levels). The levels combine as AND, so a street
    leader who asks for another district keeps their street and sees nothing of the other district."""
    grids, _ = clamp_grids(tuple(filters.grids), scope)
    changes = {} if grids == tuple(filters.grids) else {"grids": grids}
    for name in ("districts", "streets"):
        allowed = getattr(scope, name)
        if allowed is not None:
            clamped = _clamp_level(tuple(getattr(filters, name)), allowed)
            if clamped != tuple(getattr(filters, name)):
                changes[name] = clamped
    return replace(filters, **changes) if changes else filters
