"""What the department hands on: the annual report, calendar exports and the history audit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from cli.context import CommandError, Context, pass_ctx
from cli.output import emit_json, parse_day
from engine.days import FIRST_DAY, LAST_DAY


@click.group()
def audit() -> None:
    """Check the tamper-evident history."""


@audit.command("verify")
@click.option("--plan", "plan_id")
@click.option(
    "--anchor",
    "anchor_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also check the heads kept by 'audit anchor'.",
)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def audit_verify(
    obj: Context, plan_id: str | None, anchor_file: Path | None, as_json: bool
) -> None:
    """Verify every hash chain; exit 1 naming the first bad event.

    With --as, the user must be a coordinator (as on the board); without it,
    the command acts as the administrator who holds the database.

    \b
    Example: dondoc audit verify
             dondoc audit verify --anchor anchor-2015-03.json
    """
    from engine.history import AuditResult
    from engine.history import audit as run_audit
    from notifiers.audit_text import audit_problem_text

    w = obj.w
    with obj.session(reads=True) as s:
        result = run_audit(s, obj.acting_user(s), plan_id)
        if anchor_file is not None:
            result = AuditResult(
                result.occurrences,
                result.events,
                [*result.problems, *_anchor_problems(s, anchor_file)],
            )
    if as_json:
        emit_json(
            {
                "ok": result.ok,
                "occurrences": result.occurrences,
                "events": result.events,
                "problems": [
                    {**p.__dict__, "sentence": audit_problem_text(p, w)} for p in result.problems
                ],
            }
        )
        if not result.ok:
            sys.exit(1)
        return
    if result.ok:
        click.echo(w("cli.audit.intact", events=result.events, occurrences=result.occurrences))
        return
    first = audit_problem_text(result.problems[0], w)
    more = len(result.problems) - 1
    raise CommandError(
        w.plural("cli.audit.tampered_more", more, first=first)
        if more
        else w("cli.audit.tampered", first=first)
    )


def _anchor_problems(session: Any, path: Path) -> list[Any]:
    import json

    from engine.anchor import check_anchor
    from engine.errors import InvalidInput

    try:
        anchor = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, RecursionError) as exc:
        raise InvalidInput("bad_anchor", file=str(path)[:200], format="dondoc-anchor/1") from exc
    return check_anchor(session, anchor, str(path))


@audit.command("anchor")
@click.option("--plan", "plan_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def audit_anchor(obj: Context, plan_id: str | None, output: Path | None) -> None:
    """Print (or write) every occurrence's newest event, to keep outside the database.

    'audit verify --anchor FILE' later names any occurrence deleted and any
    anchored event gone or changed since, which no check inside the database
    can see.

    \b
    Example: dondoc audit anchor -o anchor-2015-03.json
    """
    import json

    from engine.anchor import take_anchor
    from engine.files import write_atomically

    with obj.session(reads=True) as s:
        user = obj.acting_user(s)
        if user is not None:  # as for verify: a coordinator, or the administrator
            from engine.authz import require_audit

            require_audit(user)
        anchor = take_anchor(s, plan_id)
    text = json.dumps(anchor, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomically(output, text)
    click.echo(obj.w("cli.audit.anchored", count=len(anchor["heads"]), path=str(output)))


@click.group()
def report() -> None:
    """Reports a plan owes."""


@report.command("annual")
@click.option("--plan", "plan_id", required=True)
@click.option("--year", required=True, type=click.IntRange(FIRST_DAY.year, LAST_DAY.year))
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="md", show_default=True)
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def report_annual(obj: Context, plan_id: str, year: int, fmt: str, xlsx: Path | None) -> None:
    """Print the yearly report of a plan, and optionally write it as a spreadsheet.

    \b
    Example: dondoc report annual --plan nghe-an-2017 --year 2018 --xlsx bao-cao-2018.xlsx
    """
    from engine.report import annual_report
    from notifiers.render import render
    from notifiers.spreadsheet import write_xlsx

    with obj.session(reads=True) as s:
        data = annual_report(s, plan_id, year)
    if xlsx is not None:
        write_xlsx(data, xlsx, lang=obj.lang)
        click.echo(obj.w.plural("cli.report.xlsx", len(data["tasks"]), path=str(xlsx)), err=True)
    click.echo(render("report", fmt, data, lang=obj.lang), nl=False)


@report.command("periodic")
@click.option("--plan", "plan_id", required=True)
@click.option("--period", required=True, help="2018 (the year) or 2018-H1 (its first six months).")
@click.option("--docx", "docx", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--template",
    "template",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="DONDOC_REPORT_TEMPLATE",
    help="The province's letterhead, number and signer (YAML, see README).",
)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def report_periodic(
    obj: Context,
    plan_id: str,
    period: str,
    docx: Path | None,
    xlsx: Path | None,
    template: Path | None,
    as_json: bool,
) -> None:
    """Compile the department's report of a period: a Word draft (Decree 30/2020 layout).

    Figures are read on the period's cut-off day (Decree 09/2019: 14/6 for
    the six months, 14/12 for the year).

    \b
    Example: dondoc report periodic --plan nghe-an-2017 --period 2018 --docx bao-cao-2018.docx
    """
    from engine.periodic import periodic_report
    from notifiers.docx_report import read_template, write_docx
    from notifiers.periodic_sheet import write_periodic_xlsx
    from notifiers.periodic_text import periodic_text

    w = obj.w
    letterhead = read_template(template) if template is not None else None
    with obj.session(reads=True) as s:
        data = periodic_report(s, plan_id, period)
    if docx is not None:
        write_docx(data, docx, lang=obj.lang, template=letterhead)
        click.echo(w("cli.report.docx", path=str(docx)), err=True)
    if xlsx is not None:
        write_periodic_xlsx(data, xlsx, lang=obj.lang)
        click.echo(w.plural("cli.report.xlsx", len(data["annex"]), path=str(xlsx)), err=True)
    if as_json:
        emit_json(data)
        return
    click.echo(periodic_text(data, w), nl=False)


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
    from engine.files import write_atomically
    from notifiers.ics import deadline_calendar

    w = obj.w
    with obj.session(reads=True) as s:
        data = deadline_calendar(
            s,
            plan_id=plan_id,
            agency=agency,
            as_of=parse_day(as_of, "--as-of", w),
            lang=obj.lang,
        )
    write_atomically(output, data)
    click.echo(w.plural("cli.ics.wrote", data.count(b"BEGIN:VEVENT"), path=str(output)))


COMMANDS = [audit, report, export]
