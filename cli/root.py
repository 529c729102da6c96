"""The ``dondoc`` group itself: the global options every command reads."""

from __future__ import annotations

import click

from cli.context import Context, DondocGroup


@click.group(cls=DondocGroup)
@click.option(
    "--db",
    envvar="DONDOC_DB",
    help="Database URL or SQLite file (default: the user's data directory).",
)
@click.option("--as", "user", envvar="DONDOC_USER", help="The user who acts.")
@click.option(
    "--lang", envvar="DONDOC_LANG", type=click.Choice(["vi", "en"]), default="vi", show_default=True
)
@click.version_option(package_name="dondoc")
@click.pass_context
def cli(ctx: click.Context, db: str | None, user: str | None, lang: str) -> None:
    """dondoc: follow up (đôn đốc) the tasks of government action plans.

    \b
    Example:
      dondoc init && dondoc catalog load kon-tum-2013
      dondoc tasks --plan kon-tum-2013 --status overdue
    """
    ctx.obj = Context(db=db, user=user, lang=lang)
