"""The people who act: users, their passwords and API tokens."""

from __future__ import annotations

import sys

import click

from cli.context import Context, pass_ctx
from cli.output import MAX_ID, emit_json, print_rows


@click.group()
def users() -> None:
    """Manage the people who act in dondoc."""


@users.command("add")
@click.argument("name")
@click.option("--agency", required=True, help="Agency code, e.g. kon-tum/sct.")
@click.option(
    "--role", required=True, type=click.Choice(["coordinator", "officer", "contributor", "viewer"])
)
@pass_ctx
def users_add(obj: Context, name: str, agency: str, role: str) -> None:
    """Add a user.

    \b
    Example: dondoc users add lan --agency kon-tum/sct --role coordinator
    """
    from engine.users import add_user

    with obj.session() as s:
        user = add_user(s, name, agency, role)
        click.echo(
            obj.w(
                "cli.user.added",
                name=user.name,
                role=obj.w.role(user.role),
                agency=user.agency_code,
            )
        )


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.option("--dissolved", is_flag=True, help="Only users whose agency has ended.")
@pass_ctx
def users_list(obj: Context, as_json: bool, dissolved: bool) -> None:
    """List users.  Example: dondoc users list --dissolved"""
    from engine.names import AgencyNames
    from engine.users import list_users

    if dissolved:
        from cli.succession import print_dissolved

        print_dissolved(obj, as_json)
        return

    w = obj.w
    with obj.session() as s:
        rows = [{"name": u.name, "agency": u.agency_code, "role": u.role} for u in list_users(s)]
        names = AgencyNames.read(s)
    if as_json:
        emit_json(rows)
        return
    shown = [
        {**r, "agency": names.short(r["agency"], w.lang), "role": w.role(r["role"])} for r in rows
    ]
    columns = [
        ("name", "cli.col.user", 30),
        ("agency", "cli.col.agency", 40),
        ("role", "cli.col.role", 24),
    ]
    print_rows(shown, columns, False, w)


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin (scripts).")
@pass_ctx
def users_passwd(obj: Context, name: str, password_stdin: bool) -> None:
    """Set a user's password for the web board (asked twice, never echoed).

    \b
    Example: dondoc users passwd lan
             printf '%s' "$PW" | dondoc users passwd lan --password-stdin
    """
    from engine.auth import set_password

    if password_stdin:
        password = sys.stdin.read().rstrip("\r\n")
    else:
        password = click.prompt(
            obj.w("cli.password.prompt"),
            hide_input=True,
            confirmation_prompt=obj.w("cli.password.again"),
        )
    with obj.session() as s:
        set_password(s, name, password)
    click.echo(obj.w("cli.password.set", name=name))


@users.command("token")
@click.argument("name")
@click.option(
    "--revoke",
    "revoke_id",
    type=click.IntRange(1, MAX_ID),
    help="Revoke the token with this number.",
)
@click.option("--list", "show_list", is_flag=True, help="List the user's tokens.")
@pass_ctx
def users_token(obj: Context, name: str, revoke_id: int | None, show_list: bool) -> None:
    """Issue an API token (shown once), list tokens or revoke one.

    \b
    Example: dondoc users token lan
             dondoc users token lan --revoke 3
    """
    from engine import auth

    w = obj.w
    with obj.session() as s:
        if revoke_id is not None:
            auth.revoke_token(s, name, revoke_id)
            click.echo(w("cli.token.revoked", token=revoke_id, name=name))
        elif show_list:
            for t in auth.list_tokens(s, name):
                state = (
                    w("cli.token.revoked_on", day=f"{t.revoked_at:%Y-%m-%d}")
                    if t.revoked_at
                    else w("cli.token.active")
                )
                created = w("cli.token.created_on", day=f"{t.created_at:%Y-%m-%d}")
                click.echo(f"{t.id}  {created}  {state}")
        else:
            issued = auth.issue_token(s, name)
            click.echo(w("cli.token.issued", token=issued.id, name=name))
            click.echo(issued.secret)


COMMANDS = [users]
