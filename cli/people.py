"""The people who act: users, their passwords and API tokens."""

from __future__ import annotations

import sys
from typing import Any

import click

from cli.context import Context, pass_ctx
from cli.output import MAX_ID, emit_json, print_rows, stream_json


@click.group()
def users() -> None:
    """Manage the people who act in dondoc."""


@users.command("add")
@click.argument("name")
@click.option("--agency", required=True, help="Agency code, e.g. kon-tum/sct.")
@click.option(
    "--role", required=True, type=click.Choice(["coordinator", "officer", "contributor", "viewer"])
)
@click.option("--full-name", help="The person's full name, as pages show it.")
@click.option("--email", help="The person's e-mail address.")
@pass_ctx
def users_add(
    obj: Context, name: str, agency: str, role: str, full_name: str | None, email: str | None
) -> None:
    """Add a user.

    \b
    Example: dondoc users add lan --agency kon-tum/sct --role coordinator
    """
    from engine.accounts import create_account

    with obj.session() as s:
        user = create_account(
            s,
            obj.acting_user(s),
            name,
            agency=agency,
            role=role,
            full_name=full_name,
            email=email,
        )
        click.echo(
            obj.w(
                "cli.user.added",
                name=user.name,
                role=obj.w.role(user.role),
                agency=user.agency_code,
            )
        )


@users.command("set")
@click.argument("name")
@click.option("--agency", help="Move the user to this agency (code).")
@click.option("--role", type=click.Choice(["coordinator", "officer", "contributor", "viewer"]))
@click.option("--full-name", help="The person's full name.")
@click.option("--email", help="The person's e-mail address ('' clears it).")
@pass_ctx
def users_set(
    obj: Context,
    name: str,
    agency: str | None,
    role: str | None,
    full_name: str | None,
    email: str | None,
) -> None:
    """Change a user's agency, role, full name or e-mail (recorded).

    \b
    Example: dondoc users set minh --role viewer
    """
    from engine import accounts

    with obj.session() as s:
        actor = obj.acting_user(s)
        if agency is not None:
            accounts.move_account(s, actor, name, agency)
        if role is not None:
            accounts.set_role(s, actor, name, role)
        user = accounts.update_account(s, actor, name, full_name=full_name, email=email)
        click.echo(
            obj.w(
                "cli.user.updated",
                name=user.name,
                role=obj.w.role(user.role),
                agency=user.agency_code,
            )
        )


def _switch(command: str, active: bool, help_text: str) -> None:
    """``users disable`` and ``users enable``: one user's sign-in turned off or on (recorded)."""

    @users.command(command, help=help_text)
    @click.argument("name")
    @pass_ctx
    def switch(obj: Context, name: str) -> None:
        from engine.accounts import set_active

        with obj.session() as s:
            set_active(s, obj.acting_user(s), name, active)
        w = obj.w
        click.echo(
            w("cli.user.enabled", name=name) if active else w("cli.user.disabled", name=name)
        )


_switch(
    "disable",
    False,
    """Disable a user: his sessions and API tokens stop working at once.

    \b
    Example: dondoc users disable minh
    """,
)
_switch(
    "enable",
    True,
    """Enable a disabled user again (his old API tokens stay revoked).

    \b
    Example: dondoc users enable minh
    """,
)


@users.command("changes")
@click.option("--province", help="Only the accounts of this province, e.g. kon-tum.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def users_changes(obj: Context, province: str | None, as_json: bool) -> None:
    """The record of changes to accounts and agencies: who changed what, when, and how.

    An agency's edit has an empty "user" and the agency's code in its details.

    \b
    Example: dondoc users changes --province kon-tum --json
    """
    from engine.accounts import changes
    from notifiers.naming import Namer

    with obj.session(reads=True) as s:
        namer = Namer.read(s, obj.w.lang)
        rows: list[dict[str, Any]] = [
            {
                "at": c.at.isoformat(),
                "actor": c.actor,
                "user": c.user_name,
                "province": c.province,
                "action": c.action,
                "details": c.details,
            }
            for c in changes(s, obj.acting_user(s), province)
        ]
    if as_json:
        emit_json(rows)
        return
    shown = [
        {
            **r,
            "at": namer.moment(r["at"]),  # Vietnam's time, as the board writes it
            "user": r["user"] or r["details"].get("agency", ""),
            "details": ", ".join(f"{k}={v}" for k, v in r["details"].items() if k != "agency"),
        }
        for r in rows
    ]
    columns = [
        ("at", "cli.col.at", 16),
        ("actor", "cli.col.actor", 16),
        ("user", "cli.col.account_or_agency", 16),
        ("action", "cli.col.action", 18),
        ("details", "cli.col.details", 40),
    ]
    print_rows(shown, columns, False, obj.w)


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.option("--dissolved", is_flag=True, help="Only users whose agency has ended.")
@pass_ctx
def users_list(obj: Context, as_json: bool, dissolved: bool) -> None:
    """List users.  Example: dondoc users list --dissolved"""
    from engine.names import AgencyNames
    from engine.users import user_rows

    if dissolved:
        from cli.succession import print_dissolved

        print_dissolved(obj, as_json)
        return

    w = obj.w
    with obj.session() as s:
        streamed = ({"name": n, "agency": a, "role": r} for n, a, r in user_rows(s))
        if as_json:
            stream_json(streamed)  # the same array emit_json would write, a row at a time
            return
        rows = list(streamed)
        names = AgencyNames.read(s)
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
@click.option(
    "--one-time", is_flag=True, help="The user must change this password at his next sign-in."
)
@pass_ctx
def users_passwd(obj: Context, name: str, password_stdin: bool, one_time: bool) -> None:
    """Set a user's password for the web board (asked twice, never echoed).

    \b
    Example: dondoc users passwd lan
             printf '%s' "$PW" | dondoc users passwd lan --password-stdin --one-time
    """
    from engine import accounts

    if password_stdin:
        password = sys.stdin.read().rstrip("\r\n")
    else:
        password = click.prompt(
            obj.w("cli.password.prompt"),
            hide_input=True,
            confirmation_prompt=obj.w("cli.password.again"),
        )
    with obj.session() as s:
        actor = obj.acting_user(s)
        if one_time or actor is not None:
            accounts.set_one_time_password(s, actor, name, password)
        else:
            accounts.set_password_as_administrator(s, name, password)
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
    from engine import accounts, auth

    w = obj.w
    with obj.session() as s:
        actor = obj.acting_user(s)
        if revoke_id is not None:
            accounts.revoke_token(s, actor, name, revoke_id)
            click.echo(w("cli.token.revoked", token=revoke_id, name=name))
        elif show_list:
            accounts.require_manage_people_of(s, actor, name)
            for t in auth.list_tokens(s, name):
                state = (
                    w("cli.token.revoked_on", day=f"{t.revoked_at:%Y-%m-%d}")
                    if t.revoked_at
                    else w("cli.token.active")
                )
                created = w("cli.token.created_on", day=f"{t.created_at:%Y-%m-%d}")
                click.echo(f"{t.id}  {created}  {state}")
        else:
            issued = accounts.issue_token(s, actor, name)
            click.echo(w("cli.token.issued", token=issued.id, name=name))
            click.echo(issued.secret)


COMMANDS = [users]
