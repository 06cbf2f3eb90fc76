"""Roles → rights, and the grid clamp every query goes through."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from jianfu.access.scope import Scope, clamp_filters, clamp_grids, scope_for
from jianfu.access.users import User

STAFF = scope_for(User("wang", "grid_staff", ("g01", "g02")))
ANALYST = scope_for(User("li", "analyst"))


def test_rights_per_role():
    assert scope_for(User("a", "leader")) == Scope("leader", None, False, False, False, False)
    assert ANALYST == Scope("analyst", None, True, True, True, False)
    assert STAFF == Scope("grid_staff", ("g01", "g02"), True, True, True, False)
    assert scope_for(User("a", "admin")) == Scope("admin", None, True, True, True, True)
    assert STAFF.sql_grids == ("g01", "g02") and ANALYST.sql_grids is None


def test_unknown_role_or_grid_staff_without_grids_gets_nothing():
    with pytest.raises(KeyError):
        scope_for(User("a", "superuser"))
    with pytest.raises(ValueError, match="without grids"):
        scope_for(User("a", "grid_staff", ()))


@pytest.mark.parametrize(
    ("requested", "expected", "dropped"),
    [
        ((), ("g01", "g02"), ()),  # nothing chosen → their grids, never "all"
        (("g02",), ("g02",), ()),
        (("g02", "g07"), ("g02",), ("g07",)),
        (("g07",), ("g01", "g02"), ("g07",)),  # only foreign grids → their grids, never "all"
        (("g07", "g08"), ("g01", "g02"), ("g07", "g08")),
    ],
)
def test_grid_staff_clamp(requested, expected, dropped):
    assert clamp_grids(requested, STAFF) == (expected, dropped)


def test_unlimited_roles_keep_their_choice():
    assert clamp_grids(("g07",), ANALYST) == (("g07",), ())
    assert clamp_grids((), ANALYST) == ((), ())


@dataclass(frozen=True)
class _Filters:  # the shape of jianfu.metrics.Filters that the clamp relies on
    start: str
    grids: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()


def test_clamp_filters_replaces_only_the_grids():
    assert clamp_filters(_Filters("2026-01-01", ("g07",), ("labour",)), STAFF) == _Filters(
        "2026-01-01", ("g01", "g02"), ("labour",)
    )
    unchanged = _Filters("2026-01-01", ("g07",))
    assert clamp_filters(unchanged, ANALYST) is unchanged
