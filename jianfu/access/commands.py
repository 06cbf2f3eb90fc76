"""`jianfu user add|remove|list` and `jianfu recover`. Passwords come from a hidden prompt or stdin, never
from the command line (it would land in shell history and `ps`), and are never echoed or logged."""

from __future__ import annotations

import sys

import click

from jianfu.access import recovery, users


@click.group()
def user() -> None:
    """Manage who may log in (the users file in the data dir)."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(users.ROLES), help="What the user may see and do.")
@click.option("--grid", "grids", multiple=True, help="A grid the user may see (grid_staff; repeatable).")
@click.option("--district", "districts", multiple=True, help="A district the user leads (leader; repeatable).")
@click.option("--street", "streets", multiple=True, help="A street the user leads (leader; repeatable).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.option("--sso", is_flag=True, help="No password: the user logs in only through OIDC (NAME = e-mail).")
def add(
    name: str,
    role: str,
    grids: tuple[str, ...],
    districts: tuple[str, ...],
    streets: tuple[str, ...],
    password_stdin: bool,
    sso: bool,
) -> None:
    """Create a user or replace an existing one's role, grids and password."""
    if sso and password_stdin:
        raise click.UsageError("--sso users have no password; drop --password-stdin")
    if sso:
        password = None
    elif password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    try:
        created = users.add_user(name, role, grids, password, districts=districts, streets=streets)
    except (users.InvalidUser, users.UsersFileError) as exc:
        raise click.ClickException(str(exc)) from None
    scope = "".join(
        f" {label} {', '.join(values)}"
        for label, values in (("grids", created.grids), ("districts", created.districts), ("streets", created.streets))
        if values
    )
    click.echo(f"user {created.name}: {created.role}{scope}{' (sso only)' if sso else ''}")


@user.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Remove a user (their open session ends at their next click)."""
    try:
        removed = users.remove_user(name)
    except users.UsersFileError as exc:
        raise click.ClickException(str(exc)) from None
    if not removed:
        raise click.ClickException(f"there is no user {name!r}")
    click.echo(f"removed {name}")
    if not users.load_users():
        click.echo(f"no users are left, so nobody can log in; delete {users.users_path()} to return to demo mode")


@user.command("list")
def list_users() -> None:
    """Every user with role, grids and login method (never the hashes)."""
    try:
        records = users.load_users()
    except users.UsersFileError as exc:
        raise click.ClickException(str(exc)) from None
    if users.demo_mode():
        click.echo("no users: the dashboard runs in demo mode (anyone sees everything)")
        return
    for name, record in sorted(records.items()):
        method = "password" if record.password_hash else "sso"
        limit = ",".join((*record.user.grids, *record.user.districts, *record.user.streets)) or "-"
        click.echo(f"{name}\t{record.user.role}\t{limit}\t{method}")


@click.command()
def recover() -> None:
    """Make the newest warehouse version that opens and reads completely current again."""
    result = recovery.recover()
    for version, problem in result.damaged:
        click.echo(f"{version.name} is damaged: {problem}")
    if result.current is None:
        raise click.ClickException(
            "no warehouse version is sound; re-import the exports "
            "(`jianfu ingest FILE…`, or delete the warehouse folder and `jianfu serve`)"
        )
    if result.current == result.was:
        click.echo(f"the current warehouse {result.current.name} is sound; nothing to do")
    else:
        click.echo(f"the warehouse is back at {result.current.name}; imports after it must be run again")


COMMANDS = [user, recover]
