"""The agency directory: listing agencies and their contact addresses."""

from __future__ import annotations

import click

from cli.context import Context, pass_ctx
from cli.output import print_rows


@click.group()
def agencies() -> None:
    """The agency directory."""


@agencies.command("list")
@click.option("--province")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def agencies_list(obj: Context, province: str | None, as_json: bool) -> None:
    """List agencies.  Example: dondoc agencies list --province kon-tum"""
    from engine.directory import agency_rows

    with obj.session(reads=True) as s:
        rows = agency_rows(s, province=province)
    name_key = "name_vi" if obj.lang == "vi" else "name_en"
    columns = [
        ("code", "cli.col.code", 32),
        (name_key, "cli.col.name", 50),
        ("parent", "cli.col.parent", 24),
        ("email", "cli.col.email", 30),
    ]
    print_rows(rows, columns, as_json, obj.w)


@agencies.command("set")
@click.argument("code")
@click.option("--email", help="E-mail address for notifications ('' clears it).")
@click.option("--webhook", help="Webhook URL for notifications ('' clears it).")
@pass_ctx
def agencies_set(obj: Context, code: str, email: str | None, webhook: str | None) -> None:
    """Set an agency's contact addresses.

    \b
    Example: dondoc agencies set kon-tum/sct --email sct@kontum.gov.vn
    """
    from engine.directory import set_contacts

    with obj.session() as s:
        agency = set_contacts(s, code, email=email, webhook=webhook)
        click.echo(
            obj.w(
                "cli.agency.contacts",
                agency=agency.code,
                email=agency.email or "-",
                webhook=agency.webhook or "-",
            )
        )


COMMANDS = [agencies]
