"""The follow-up cycle: progress reports per period, and extension requests.

``progress submit|list|close|remind`` and ``extension request|decide|list``;
each calls one engine function (``engine.progress``, ``engine.extensions``,
``engine.cycle_notices``) and prints what it did.
"""

from __future__ import annotations

from typing import Any

import click

from cli.context import Context, pass_ctx
from cli.followup import _print_escalations
from cli.output import emit_json, parse_day, parse_fields, parse_moment, print_rows


@click.group()
def progress() -> None:
    """Progress reports: each period the lead agencies report on their open tasks."""


@progress.command("submit")
@click.argument("ref")
@click.option("--period", required=True, help="2018-H1 (6-month report) or 2018 (annual).")
@click.option("--status-text", "status_text", required=True, help="Where the work stands.")
@click.option("--percent", type=click.IntRange(0, 100), help="Percent done, where it fits.")
@click.option("--figure", "figures", multiple=True, help="TARGET=VALUE for a plan target.")
@click.option("--difficulties", default="", help="Difficulties met.")
@click.option("--proposals", default="", help="Proposals to the coordinator.")
@click.option("--at", "at", help="Day a paper report came (YYYY-MM-DD); coordinators only.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def progress_submit(
    obj: Context,
    ref: str,
    period: str,
    status_text: str,
    percent: int | None,
    figures: tuple[str, ...],
    difficulties: str,
    proposals: str,
    at: str | None,
    as_json: bool,
) -> None:
    """Submit (or correct) the report on REF for a period.

    \b
    Example: dondoc --as khoa progress submit nghe-an-2017:1.5 --period 2018-H1 \\
               --status-text "Đã khảo sát 40 cơ sở" --percent 45
    """
    from engine import progress as engine_progress
    from engine.users import get_user

    w = obj.w
    values = parse_fields(figures, w)
    moment = parse_moment(at, w)
    with obj.session() as s:
        row = engine_progress.submit(
            s,
            get_user(s, obj.user),
            ref,
            period,
            engine_progress.ReportInput(status_text, percent, values, difficulties, proposals),
            at=moment,
        )
        shown = engine_progress.report_dict(row)
        occ_ref = row.occurrence.ref
    if as_json:
        emit_json({"ref": occ_ref, **shown})
        return
    facts = {"ref": occ_ref, "period": w.period(row.period), "version": row.version}
    if row.role == "lead":
        click.echo(w("cli.progress.submitted", **facts))
    else:
        click.echo(w("cli.progress.contributed", **facts))


@progress.command("list")
@click.option("--plan", "plan_id", required=True)
@click.option("--period", required=True, help="2018-H1 or 2018.")
@click.option("--missing", is_flag=True, help="Only the tasks whose report has not come.")
@click.option("--as-of", "as_of", help="Day to judge silence on (YYYY-MM-DD), default today.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def progress_list(
    obj: Context, plan_id: str, period: str, missing: bool, as_of: str | None, as_json: bool
) -> None:
    """Who has reported for a period, and who has not.

    \b
    Example: dondoc progress list --plan nghe-an-2017 --period 2018 --missing
    """
    from engine import progress as engine_progress
    from engine.names import AgencyNames

    w = obj.w
    day = parse_day(as_of, "--as-of", w)
    with obj.session(reads=True) as s:
        found, states = engine_progress.period_status(s, plan_id, period, day)
        rows = [engine_progress.state_dict(x) for x in states]
        names = AgencyNames.read(s)
    if missing:
        rows = [r for r in rows if not r["reported"]]
    if as_json:
        emit_json({"period": found.as_dict(), "occurrences": rows})
        return
    shown = [_state_row(r, names.short(r["owner"], w.lang), w) for r in rows]
    columns = [
        ("ref", "cli.col.ref", 28),
        ("owner", "cli.col.owner", 30),
        ("reported", "cli.col.report", 22),
        ("percent", "cli.col.percent", 8),
        ("updated", "cli.col.updated", 14),
    ]
    reported = sum(1 for x in states if x.reported)
    footer = w(
        "cli.progress.count",
        period=w.period(found.id),
        deadline=w.date(found.deadline),
        reported=reported,
        total=len(states),
    )
    print_rows(shown, columns, False, w, footer=footer)


def _state_row(r: dict[str, Any], owner: str, w: Any) -> dict[str, Any]:
    if not r["reported"]:
        status = w("cli.progress.none")
    else:
        facts = {"day": w.date(r["first_on"]), "version": r["versions"]}
        if r["on_time"]:
            status = w("cli.progress.on_time", **facts)
        else:
            status = w("cli.progress.late", **facts)
    percent = r["report"]["percent"] if r["report"] else None
    return {
        "ref": r["ref"],
        "owner": owner,
        "reported": status,
        "percent": "" if percent is None else f"{percent}%",
        "updated": w("cli.progress.silent") if r["silent"] else "",
    }


@progress.command("close")
@click.option("--plan", "plan_id", required=True)
@click.option("--period", required=True)
@pass_ctx
def progress_close(obj: Context, plan_id: str, period: str) -> None:
    """Close a period: its reports can no longer be corrected (coordinators).

    \b
    Example: dondoc --as ha progress close --plan nghe-an-2017 --period 2018-H1
    """
    from engine import progress as engine_progress
    from engine.users import get_user

    with obj.session() as s:
        row = engine_progress.close_period(s, get_user(s, obj.user), plan_id, period)
        done = row.period
    click.echo(obj.w("cli.progress.closed", period=obj.w.period(done)))


@progress.command("remind")
@click.option("--as-of", "as_of", help="Day to remind for (YYYY-MM-DD), default today.")
@click.option("--dry-run", is_flag=True, help="Show what would be created; write nothing.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def progress_remind(obj: Context, as_of: str | None, dry_run: bool, as_json: bool) -> None:
    """Remind agencies whose report is due, escalate late ones, nudge silent tasks.

    \b
    Example: dondoc progress remind --as-of 2018-06-15
    """
    from engine import db
    from engine.cycle_notices import follow_up
    from engine.views import today

    w = obj.w
    day = parse_day(as_of, "--as-of", w) or today()
    factory = db.session_factory(obj.engine())
    records = follow_up(factory, as_of=day, dry_run=dry_run, lang=obj.lang)
    _print_escalations(records, as_json, dry_run, "reminders", w)


@click.group()
def extension() -> None:
    """Extensions: a lead agency asks for a later due day, the coordinator decides."""


@extension.command("request")
@click.argument("ref")
@click.option("--until", "until", required=True, help="The due day asked for (YYYY-MM-DD).")
@click.option("--reason", required=True)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def extension_request(obj: Context, ref: str, until: str, reason: str, as_json: bool) -> None:
    """Ask for REF to be due on a later day.

    \b
    Example: dondoc --as khoa extension request nghe-an-2017:1.5 --until 2019-06-30 \\
               --reason "Chờ bố trí kinh phí"
    """
    from engine import extensions
    from engine.users import get_user

    w = obj.w
    day = parse_day(until, "--until", w)
    assert day is not None
    with obj.session() as s:
        row = extensions.request(s, get_user(s, obj.user), ref, day, reason)
        shown = extensions.request_dict(row, row.occurrence.ref)
    if as_json:
        emit_json(shown)
        return
    click.echo(
        w(
            "cli.extension.requested",
            ref=shown["ref"],
            due=w.date(shown["old_due"]),
            asked=w.date(shown["requested_due"]),
        )
    )


@extension.command("decide")
@click.argument("ref")
@click.argument("decision", type=click.Choice(["approve", "refuse"]))
@click.option("--until", "until", help="Grant an earlier day than asked (YYYY-MM-DD).")
@click.option("--reason", default="", help="Why (required to refuse).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def extension_decide(
    obj: Context, ref: str, decision: str, until: str | None, reason: str, as_json: bool
) -> None:
    """Approve, shorten (approve --until an earlier day) or refuse REF's pending request.

    \b
    Example: dondoc --as ha extension decide nghe-an-2017:1.5 approve --until 2019-03-31
    """
    from engine import extensions
    from engine.users import get_user

    w = obj.w
    day = parse_day(until, "--until", w)
    with obj.session() as s:
        row = extensions.decide(s, get_user(s, obj.user), ref, decision, due=day, reason=reason)
        shown = extensions.request_dict(row, row.occurrence.ref)
    if as_json:
        emit_json(shown)
    elif row.status == "approved":
        click.echo(
            w(
                "cli.extension.approved",
                ref=shown["ref"],
                due=w.date(shown["old_due"]),
                granted=w.date(shown["granted_due"]),
            )
        )
    else:
        click.echo(w("cli.extension.refused", ref=shown["ref"]))


@extension.command("list")
@click.option("--plan", "plan_id")
@click.option("--status", type=click.Choice(["pending", "approved", "refused"]))
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def extension_list(obj: Context, plan_id: str | None, status: str | None, as_json: bool) -> None:
    """Extension requests, newest first.

    \b
    Example: dondoc extension list --plan nghe-an-2017 --status pending
    """
    from engine import extensions

    w = obj.w
    with obj.session(reads=True) as s:
        rows = [
            extensions.request_dict(r, r.occurrence.ref)
            for r in extensions.listing(s, plan_id, status)
        ]
    if as_json:
        emit_json(rows)
        return
    shown = [
        {
            **r,
            "status": w(f"extension.status.{r['status']}"),
            "old_due": w.date(r["old_due"]),
            "requested_due": w.date(r["requested_due"]),
            "granted_due": w.date(r["granted_due"]) if r["granted_due"] else "",
        }
        for r in rows
    ]
    columns = [
        ("ref", "cli.col.ref", 28),
        ("old_due", "cli.col.due", 10),
        ("requested_due", "cli.col.asked", 12),
        ("status", "cli.col.status", 14),
        ("granted_due", "cli.col.granted", 12),
        ("reason", "cli.col.reason", 40),
    ]
    print_rows(shown, columns, False, w, footer=w.plural("cli.extension.count", len(rows)))


COMMANDS = [progress, extension]
