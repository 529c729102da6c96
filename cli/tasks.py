"""Plans, tasks and their workflows: listing, showing and advancing occurrences."""

from __future__ import annotations

from itertools import chain, islice
from typing import TYPE_CHECKING, Any

import click

from cli.context import Context, pass_ctx
from cli.output import (
    MAX_ID,
    emit_json,
    parse_day,
    parse_fields,
    parse_moment,
    read_uploads,
    render_table,
    stream_json,
    stream_task_table,
    task_table,
)

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.orm import Session

    from notifiers.naming import Namer

#: A table of more rows than this is printed a part of this many rows at a time.
TABLE_PART = 1000


@click.command()
@click.option("--as-of", "as_of", help="Day to evaluate (YYYY-MM-DD), default today.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def plans(obj: Context, as_of: str | None, as_json: bool) -> None:
    """List loaded plans with counts by status.  Example: dondoc plans"""
    from engine.names import AgencyNames
    from engine.views import plan_rows

    w = obj.w
    with obj.session(reads=True) as s:
        rows = plan_rows(s, parse_day(as_of, "--as-of", w))
        names = AgencyNames.read(s)
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        r["status"] = ", ".join(f"{w.status(k)} {v}" for k, v in sorted(r["by_status"].items()))
        r["province_name"] = names.province(r["province"])
    columns = [
        ("id", "cli.col.plan", 20),
        ("province_name", "cli.col.province", 16),
        ("legal_ref", "cli.col.legal_ref", 30),
        ("period", "cli.col.period", 10),
        ("tasks", "cli.col.tasks", 5),
        ("status", "cli.col.by_status", 70),
    ]
    click.echo(render_table(rows, columns, w))


@click.command()
@click.option("--plan", "plan_id")
@click.option("--agency")
@click.option("--status")
@click.option("--as-of", "as_of", help="Day to evaluate (YYYY-MM-DD), default today.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--limit", type=int, help="At most this many rows (a page; up to 1000).")
@click.option("--offset", type=int, help="Skip this many rows first (with --limit).")
@pass_ctx
def tasks(
    obj: Context,
    plan_id: str | None,
    agency: str | None,
    status: str | None,
    as_of: str | None,
    as_json: bool,
    limit: int | None,
    offset: int | None,
) -> None:
    """List task occurrences with their status.

    \b
    Example: dondoc tasks --plan kon-tum-2013 --status overdue --as-of 2015-03-16
    """
    from engine.names import AgencyNames

    w = obj.w
    total = None
    with obj.session(reads=True) as s:
        wanted: dict[str, Any] = {"plan_id": plan_id, "agency": agency, "status_filter": status}
        day = parse_day(as_of, "--as-of", w)
        if limit is None and offset is None:
            # Every row, read a thousand occurrences at a time, filtered by the database
            # (engine.listing): reading them all first took 76 s and 4.8 GB for the
            # 52,724 overdue of the national data set.
            from engine.listing import iter_task_rows

            streamed = iter_task_rows(s, **wanted, as_of=day)
            if as_json:
                stream_json(streamed)  # the JSON array scripts read, never whole in memory
                return
            rows = list(islice(streamed, TABLE_PART))
            if len(rows) == TABLE_PART:
                # A long table: printed a part at a time, every column at its full width.
                names = AgencyNames.read(s)
                parts = chain([rows], iter(lambda: list(islice(streamed, TABLE_PART)), []))
                owner = names.short if plan_id else names.full
                click.echo(w.plural("cli.tasks.count", stream_task_table(parts, owner, w)))
                return
        else:
            # One page, read as the API reads it (engine.listing).
            from engine.listing import task_page

            page = task_page(s, **wanted, as_of=day, limit=limit, offset=offset)
            rows, total = page.rows, page.total
        names = AgencyNames.read(s)
        moved_to = _holder_on(s, agency, day) if agency and not rows else None
    if as_json:
        emit_json(rows)
        return
    # People read names and days as they write them (--json keeps every code).
    # Within one plan the province goes without saying; across plans the full
    # name tells them apart.
    click.echo(task_table(rows, names.short if plan_id else names.full, w))
    footer = w.plural("cli.tasks.count", len(rows))
    if total is not None:
        footer = w.plural("cli.tasks.page", total, shown=len(rows), first=(offset or 0) + 1)
    click.echo(footer)
    if agency and moved_to:
        # An agency that has ended holds nothing: say who holds its work instead.
        holder, on = moved_to
        click.echo(
            w(
                "cli.tasks.agency_succeeded",
                day=w.date(on),
                agency=names.full(agency, w.lang),
                holder=names.full(holder, w.lang),
                code=holder,
            )
        )


def _holder_on(session: Session, agency: str, day: dt.date | None) -> tuple[str, dt.date] | None:
    """The agency that holds ``agency``'s work on ``day`` (today), when another does."""
    from engine.succession import SuccessionBook
    from engine.views import today

    on = day or today()
    holder = SuccessionBook(session).holder(agency, on)
    return (holder, on) if holder != agency else None


@click.command()
@click.argument("ref")
@click.option("--as-of", "as_of")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def show(obj: Context, ref: str, as_of: str | None, as_json: bool) -> None:
    """Show one occurrence: window, agencies, allowed triggers, history.

    \b
    Example: dondoc show kon-tum-2013:2.1
    """
    from engine.views import occurrence_record
    from notifiers.naming import Namer
    from notifiers.workflow_text import label_record

    with obj.session(reads=True) as s:
        rec = occurrence_record(s, ref, parse_day(as_of, "--as-of", obj.w))
        namer = Namer.read(s, obj.w.lang)
    if as_json:
        emit_json(label_record(rec))
        return
    _print_record(rec, obj, namer)


def _print_record(rec: dict[str, Any], obj: Context, n: Namer) -> None:
    w = obj.w
    wf = rec["workflow"]
    click.echo(f"{rec['ref']}  {rec['title']}")
    click.echo(
        "  "
        + w(
            "cli.show.head",
            workflow=w.workflow(wf),
            state=w.state(wf, rec["state"]),
            status=w.status(rec["status_category"]),
            version=rec["version"],
        )
    )
    window = rec["window"]
    click.echo(
        "  " + w("cli.show.window", start=w.date(window["start"]), due=w.date(window["due"]))
    )
    if rec.get("original_due") and rec["original_due"] != window["due"]:
        # An approved extension moved the due day (engine.extensions): both are shown.
        click.echo(
            "  "
            + w("cli.show.extended", due=w.date(rec["original_due"]), granted=w.date(window["due"]))
        )
    click.echo("  " + w("cli.show.leads", agencies=[n.agency_text(c) for c in rec["leads"]]))
    click.echo("  " + w("cli.show.co", agencies=[n.agency_text(c) for c in rec["co_agencies"]]))
    if rec["depends_on"]:
        click.echo("  " + w("cli.show.depends_on", tasks=rec["depends_on"]))
    click.echo("  " + w("cli.show.allowed"))
    for t in rec["allowed"]:
        wanted = [*t["requires"], *(["|".join(t["requires_any"])] if t["requires_any"] else [])]
        dest = w.state(wf, t["dest"]) if t["dest"] else "?"
        needs = "  (" + w("cli.show.needs", needs=w.needs(wanted)) + ")" if wanted else ""
        click.echo(f"    {t['trigger']:<18} -> {dest:<24} {w.trigger(wf, t['trigger'])}{needs}")
    click.echo("  " + w("cli.show.history"))
    for h in rec["history"]:
        # A sentence per step, as the board writes it ("lan (Sở Công Thương) trình …").
        click.echo(f"    {n.moment(h['at'])}  {n.event(h, wf)}")
        for detail in n.details(h):
            click.echo(f"        {detail}")
        for a in rec.get("attachments", []):
            if a["seq"] == h["seq"]:
                click.echo("        " + w("cli.show.attachment", name=a["name"], size=a["size"]))
    if rec.get("escalations"):
        click.echo("  " + w("cli.show.escalations"))
        for e in rec["escalations"]:
            click.echo(
                "    "
                + w.plural(
                    "cli.show.escalation",
                    e["days_overdue"],
                    level=e["level"],
                    target=n.agency_text(e["target"]),
                    day=w.date(e["at"]),
                )
            )


@click.command()
@click.argument("ref")
@click.argument("trigger")
@click.option("--note", default="", help="Why, or what happened.")
@click.option(
    "--field",
    "fields",
    multiple=True,
    help="KEY=VALUE, repeatable (e.g. document_number=12/CT-UBND).",
)
@click.option(
    "--at",
    "at",
    help="When it happened (YYYY-MM-DD[THH:MM], Vietnam time), default now; coordinators only.",
)
@click.option(
    "--expect-version",
    type=click.IntRange(0, MAX_ID),
    help="Refuse if the occurrence is no longer at this version.",
)
@click.option(
    "--attach",
    "attach",
    multiple=True,
    metavar="FILE",
    help="A file sent with the step (PDF, PNG, JPEG, .docx, .xlsx, .odt), repeatable.",
)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def advance(
    obj: Context,
    ref: str,
    trigger: str,
    note: str,
    fields: tuple[str, ...],
    at: str | None,
    expect_version: int | None,
    attach: tuple[str, ...],
    as_json: bool,
) -> None:
    """Fire a workflow trigger on an occurrence.

    \b
    Example: dondoc --as lan advance kon-tum-2013:2.1 issue \\
               --field document_number=05/CT-UBND --field document_date=2014-06-10 \\
               --attach chi-thi-05.pdf
    """
    from engine.transition import advance as do_advance
    from engine.users import get_user

    w = obj.w
    parsed_fields = parse_fields(fields, w)
    moment = parse_moment(at, w)
    uploads = read_uploads(attach)
    with obj.session() as s:
        actor = get_user(s, obj.user)
        result = do_advance(
            s,
            actor,
            ref,
            trigger,
            note=note,
            fields=parsed_fields,
            at=moment,
            expected_version=expect_version,
            attach=uploads,
        )
        workflow = result.event.occurrence.task.workflow
    if as_json:
        emit_json(
            {
                "ref": result.ref,
                "trigger": result.trigger,
                "from": result.from_state,
                "to": result.to_state,
                "version": result.version,
            }
        )
    else:
        click.echo(
            w(
                "cli.advanced",
                ref=result.ref,
                from_state=w.state(workflow, result.from_state),
                to_state=w.state(workflow, result.to_state),
                trigger=w.trigger(workflow, result.trigger),
                version=result.version,
            )
        )


@click.group(name="workflows")
def workflows_group() -> None:
    """The kinds of task and their states."""


@workflows_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def workflows_list(obj: Context, as_json: bool) -> None:
    """List workflow kinds.  Example: dondoc workflows list"""
    import workflows
    from notifiers.workflow_text import labelled

    defs = [workflows.get(n) for n in workflows.names()]
    if as_json:
        emit_json([labelled(workflows.to_dict(d), d) for d in defs])
        return
    w = obj.w
    rows = [
        {"name": d.name, "title": w.workflow(d.name), "initial": d.initial, "states": len(d.states)}
        for d in defs
    ]
    columns = [
        ("name", "cli.col.name", 20),
        ("title", "cli.col.title", 50),
        ("initial", "cli.col.initial", 14),
        ("states", "cli.col.states", 6),
    ]
    click.echo(render_table(rows, columns, w))


@workflows_group.command("show")
@click.argument("name")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "mermaid", "json"]),
    default="text",
    show_default=True,
)
@pass_ctx
def workflows_show(obj: Context, name: str, fmt: str) -> None:
    """Show a workflow.  Example: dondoc workflows show directive --format mermaid"""
    import workflows
    from notifiers.workflow_text import labelled, render_mermaid, render_text

    wf = workflows.get(name)
    if fmt == "mermaid":
        click.echo(render_mermaid(wf, lang=obj.lang))
    elif fmt == "json":
        emit_json(labelled(workflows.to_dict(wf), wf))
    else:
        click.echo(render_text(wf, lang=obj.lang))


COMMANDS = [plans, tasks, show, advance, workflows_group]
