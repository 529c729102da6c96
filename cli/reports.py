"""What the department hands on: the annual report, calendar exports and the history audit."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.context import Context, pass_ctx
from cli.output import emit_json, parse_day


@click.group()
def audit() -> None:
    """Check the tamper-evident history."""


@audit.command("verify")
@click.option("--plan", "plan_id")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def audit_verify(obj: Context, plan_id: str | None, as_json: bool) -> None:
    """Verify every hash chain; exit 1 naming the first bad event.

    \b
    Example: dondoc audit verify
    """
    from engine.history import verify

    with obj.session() as s:
        result = verify(s, plan_id)
    if as_json:
        emit_json(
            {
                "ok": result.ok,
                "occurrences": result.occurrences,
                "events": result.events,
                "problems": [p.__dict__ for p in result.problems],
            }
        )
        if not result.ok:
            sys.exit(1)
        return
    if result.ok:
        click.echo(
            f"History intact: {result.events} event(s) in {result.occurrences} occurrence(s) verified."
        )
        return
    first = result.problems[0]
    more = (
        f" ({len(result.problems) - 1} more occurrence(s) affected)"
        if len(result.problems) > 1
        else ""
    )
    raise click.ClickException(f"History tampered: {first.sentence()}{more}")


@click.group()
def report() -> None:
    """Reports a plan owes."""


@report.command("annual")
@click.option("--plan", "plan_id", required=True)
@click.option("--year", required=True, type=int)
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="md", show_default=True)
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def report_annual(obj: Context, plan_id: str, year: int, fmt: str, xlsx: Path | None) -> None:
    """Print the yearly report of a plan, and optionally write it as a spreadsheet.

    \b
    Example: dondoc report annual --plan nghe-an-2017 --year 2018 --xlsx bao-cao-2018.xlsx
    """
    from engine.report import annual_report, write_xlsx
    from notifiers.render import render

    with obj.session() as s:
        data = annual_report(s, plan_id, year)
    if xlsx is not None:
        write_xlsx(data, xlsx)
        click.echo(f"Wrote {len(data['tasks'])} task row(s) to {xlsx}.", err=True)
    click.echo(render("report", fmt, data, lang=obj.lang), nl=False)


@click.group()
def export() -> None:
    """Export data for other programs."""


@export.command("ics")
@click.option("--plan", "plan_id")
@click.option("--agency")
@click.option("--as-of", "as_of", help="Which occurrences are open (YYYY-MM-DD), default today.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def export_ics(
    obj: Context, plan_id: str | None, agency: str | None, as_of: str | None, output: Path
) -> None:
    """Write the open deadlines as an iCalendar file.

    \b
    Example: dondoc export ics --plan kon-tum-2013 --agency kon-tum/sct -o han.ics
    """
    from engine.ics import deadline_calendar

    with obj.session() as s:
        data = deadline_calendar(
            s, plan_id=plan_id, agency=agency, as_of=parse_day(as_of, "--as-of")
        )
    output.write_bytes(data)
    click.echo(f"Wrote {data.count(b'BEGIN:VEVENT')} deadline(s) to {output}.")


COMMANDS = [audit, report, export]
