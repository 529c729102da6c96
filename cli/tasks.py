"""Plans, tasks and their workflows: listing, showing and advancing occurrences."""

from __future__ import annotations

from typing import Any

import click

from cli.context import Context, pass_ctx
from cli.output import emit_json, parse_day, parse_fields, parse_moment, print_rows, render_table


@click.command()
@click.option("--as-of", "as_of", help="Day to evaluate (YYYY-MM-DD), default today.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def plans(obj: Context, as_of: str | None, as_json: bool) -> None:
    """List loaded plans with counts by status.  Example: dondoc plans"""
    from engine.views import plan_rows

    with obj.session() as s:
        rows = plan_rows(s, parse_day(as_of, "--as-of"))
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        r["status"] = ", ".join(f"{k} {v}" for k, v in sorted(r["by_status"].items()))
    click.echo(
        render_table(
            rows,
            [
                ("id", "PLAN", 20),
                ("legal_ref", "LEGAL REFERENCE", 30),
                ("period", "PERIOD", 10),
                ("tasks", "TASKS", 5),
                ("status", "BY STATUS", 70),
            ],
        )
    )


@click.command()
@click.option("--plan", "plan_id")
@click.option("--agency")
@click.option("--status")
@click.option("--as-of", "as_of", help="Day to evaluate (YYYY-MM-DD), default today.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def tasks(
    obj: Context,
    plan_id: str | None,
    agency: str | None,
    status: str | None,
    as_of: str | None,
    as_json: bool,
) -> None:
    """List task occurrences with their status.

    \b
    Example: dondoc tasks --plan kon-tum-2013 --status overdue --as-of 2015-03-16
    """
    from engine.views import task_rows

    with obj.session() as s:
        rows = task_rows(
            s,
            plan_id=plan_id,
            agency=agency,
            status_filter=status,
            as_of=parse_day(as_of, "--as-of"),
        )
    columns = [
        ("ref", "REF", 28),
        ("title", "TITLE", 48),
        ("state", "STATE", 16),
        ("status_category", "STATUS", 18),
        ("due", "DUE", 10),
        ("owner", "OWNER", 22),
    ]
    print_rows(rows, columns, as_json, footer=f"{len(rows)} occurrence(s).")


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

    with obj.session() as s:
        rec = occurrence_record(s, ref, parse_day(as_of, "--as-of"))
    if as_json:
        emit_json(rec)
        return
    _print_record(rec, obj.lang)


def _print_record(rec: dict[str, Any], lang: str) -> None:
    from engine.workdays import local_time_text

    label = "label_vi" if lang == "vi" else "label_en"
    click.echo(f"{rec['ref']}  {rec['title']}")
    click.echo(
        f"  workflow   {rec['workflow']}   state {rec['state']}   status {rec['status_category']}   version {rec['version']}"
    )
    click.echo(f"  window     {rec['window']['start']} .. {rec['window']['due']}")
    click.echo(f"  leads      {', '.join(rec['leads'])}")
    click.echo(f"  co-op      {', '.join(rec['co_agencies']) or '-'}")
    if rec["depends_on"]:
        click.echo(f"  depends on {', '.join(rec['depends_on'])}")
    click.echo("  allowed:")
    for t in rec["allowed"]:
        needs = t["requires"] + ([" or ".join(t["requires_any"])] if t["requires_any"] else [])
        click.echo(
            f"    {t['trigger']:<18} -> {t['dest'] or '?':<18} {t[label]}"
            + (f"  (needs {', '.join(needs)})" if needs else "")
        )
    click.echo("  history:")
    for h in rec["history"]:
        extra = f"  {h['note']}" if h["note"] else ""
        fields = "  " + ", ".join(f"{k}={v}" for k, v in h["fields"].items()) if h["fields"] else ""
        click.echo(
            f"    {local_time_text(h['at'])}  {h['actor']:<12} {h['trigger']:<16} {h['from'] or '-'} -> {h['to']}{extra}{fields}"
        )
    if rec.get("escalations"):
        click.echo("  escalations:")
        for e in rec["escalations"]:
            click.echo(
                f"    level {e['level']} -> {e['target']} on {e['at']} ({e['days_overdue']} working days overdue)"
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
    "--at", "at", help="When it happened (YYYY-MM-DD[THH:MM], Vietnam time), default now."
)
@click.option(
    "--expect-version", type=int, help="Refuse if the occurrence is no longer at this version."
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
    as_json: bool,
) -> None:
    """Fire a workflow trigger on an occurrence.

    \b
    Example: dondoc --as lan advance kon-tum-2013:2.1 issue \\
               --field document_number=05/CT-UBND --field document_date=2014-06-10
    """
    from engine.transition import advance as do_advance
    from engine.users import get_user

    parsed_fields = parse_fields(fields)
    moment = parse_moment(at)
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
        )
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
            f"{result.ref}: {result.from_state} -> {result.to_state} ({result.trigger}), version {result.version}."
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

    defs = [workflows.get(n) for n in workflows.names()]
    if as_json:
        emit_json([workflows.to_dict(d) for d in defs])
        return
    rows = [
        {"name": d.name, "title": d.title(obj.lang), "initial": d.initial, "states": len(d.states)}
        for d in defs
    ]
    click.echo(
        render_table(
            rows,
            [
                ("name", "NAME", 20),
                ("title", "TITLE", 50),
                ("initial", "INITIAL", 14),
                ("states", "STATES", 6),
            ],
        )
    )


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

    wf = workflows.get(name)
    if fmt == "mermaid":
        click.echo(workflows.render_mermaid(wf))
    elif fmt == "json":
        emit_json(workflows.to_dict(wf))
    else:
        click.echo(workflows.render_text(wf, lang=obj.lang))


COMMANDS = [plans, tasks, show, advance, workflows_group]
