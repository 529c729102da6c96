"""Following up: escalation sweeps, reminders, the scheduler, digests and the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from cli.context import Context, pass_ctx
from cli.output import emit_json, parse_day, print_rows, render_table


def _print_escalations(records: Sequence[Any], as_json: bool, dry_run: bool, noun: str) -> None:
    rows = [r.as_dict() for r in records]
    if as_json:
        emit_json(rows)
        return
    if rows:
        click.echo(
            render_table(
                rows,
                [
                    ("ref", "REF", 28),
                    ("kind", "KIND", 11),
                    ("level", "LEVEL", 5),
                    ("target", "TARGET", 26),
                    ("days_overdue", "DAYS OVERDUE", 12),
                ],
            )
        )
    verb = "would be created (dry run, nothing written)" if dry_run else "created"
    click.echo(f"{len(rows)} {noun} {verb}.")


@click.command()
@click.option("--as-of", "as_of", help="Day to sweep for (YYYY-MM-DD), default today.")
@click.option("--dry-run", is_flag=True, help="Show what would be created; write nothing.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def escalate(obj: Context, as_of: str | None, dry_run: bool, as_json: bool) -> None:
    """Run one overdue sweep: record each escalation level reached, once, and queue its message.

    \b
    Example: dondoc escalate --as-of 2015-03-16 --dry-run
    """
    from engine import db
    from engine.escalation import sweep
    from engine.views import today

    day = parse_day(as_of, "--as-of") or today()
    factory = db.session_factory(obj.engine())
    records = sweep(factory, as_of=day, dry_run=dry_run, lang=obj.lang)
    _print_escalations(records, as_json, dry_run, "escalation(s)")


@click.command()
@click.option("--as-of", "as_of", help="Day to remind for (YYYY-MM-DD), default today.")
@click.option("--dry-run", is_flag=True, help="Show what would be created; write nothing.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def remind(obj: Context, as_of: str | None, dry_run: bool, as_json: bool) -> None:
    """Record and queue the reminders before due (14 and 3 days by default).

    \b
    Example: dondoc remind --as-of 2015-12-17
    """
    from engine import db
    from engine.reminders import remind as do_remind
    from engine.views import today

    day = parse_day(as_of, "--as-of") or today()
    factory = db.session_factory(obj.engine())
    records = do_remind(factory, as_of=day, dry_run=dry_run, lang=obj.lang)
    _print_escalations(records, as_json, dry_run, "reminder(s)")


@click.group()
def scheduler() -> None:
    """The background jobs: sweep, reminders, weekly digest, outbox dispatch."""


@scheduler.command("run")
@pass_ctx
def scheduler_run(obj: Context) -> None:
    """Run the scheduler in the foreground until SIGTERM or Ctrl-C; one per database.

    \b
    Example: dondoc --db postgresql://127.0.0.1/dondoc scheduler run
    """
    from engine import db
    from engine.scheduler import run_forever

    engine = obj.engine()
    run_forever(
        db.session_factory(engine),
        lang=obj.lang,
        on_ready=lambda: click.echo(
            f"Scheduler running on {db.describe(engine)}; stop with Ctrl-C or SIGTERM."
        ),
    )
    click.echo("Scheduler stopped.")


@click.group()
def notify() -> None:
    """The outbox: queued, sent and dead notifications."""


@notify.command("list")
@click.option("--status", type=click.Choice(["pending", "sending", "sent", "dead"]))
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def notify_list(obj: Context, status: str | None, as_json: bool) -> None:
    """List outbox messages.  Example: dondoc notify list --status dead"""
    from notifiers.dispatch import list_messages

    with obj.session() as s:
        rows = list_messages(s, status)
    columns = [
        ("id", "ID", 6),
        ("status", "STATUS", 8),
        ("attempts", "TRIES", 5),
        ("channel", "CHANNEL", 8),
        ("agency", "AGENCY", 26),
        ("subject", "SUBJECT", 50),
        ("last_error", "LAST ERROR", 40),
    ]
    print_rows(rows, columns, as_json, footer=f"{len(rows)} message(s).")


@notify.command("dispatch")
@click.option("--limit", default=100, show_default=True, help="At most this many messages.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def notify_dispatch(obj: Context, limit: int, as_json: bool) -> None:
    """Send the messages that are due, retrying failed ones later.

    \b
    Example: DONDOC_SMTP_URL=smtp://mail.example.vn:587?starttls=1 dondoc notify dispatch
    """
    from engine import db
    from notifiers.dispatch import dispatch_pending

    result = dispatch_pending(db.session_factory(obj.engine()), limit=limit)
    if as_json:
        emit_json(result.as_dict())
        return
    click.echo(f"Sent {result.sent}, to retry {result.failed}, dead {result.dead}.")
    for error in result.errors:
        click.echo(f"  {error}")


@notify.command("retry")
@click.argument("message_id", required=False, type=int)
@click.option("--all-dead", is_flag=True, help="Requeue every dead message.")
@pass_ctx
def notify_retry(obj: Context, message_id: int | None, all_dead: bool) -> None:
    """Put dead messages back in the queue.  Example: dondoc notify retry --all-dead"""
    from notifiers.dispatch import retry

    with obj.session() as s:
        count = retry(s, message_id, all_dead=all_dead)
    click.echo(f"Requeued {count} message(s).")


@click.command()
@click.option("--plan", "plan_id")
@click.option("--agency")
@click.option("--as-of", "as_of", help="Day to evaluate (YYYY-MM-DD), default today.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "html", "md"]), default="text", show_default=True
)
@click.option("--send", is_flag=True, help="Queue one message per recipient agency instead.")
@pass_ctx
def digest(
    obj: Context, plan_id: str | None, agency: str | None, as_of: str | None, fmt: str, send: bool
) -> None:
    """Print the weekly digest, or queue it for every agency with open work.

    \b
    Example: dondoc digest --plan kon-tum-2013 --as-of 2015-03-16 --format md
             dondoc digest --send && dondoc notify dispatch
    """
    from engine.digest import digest_data
    from engine.digest_job import queue_digests
    from engine.views import today
    from notifiers.render import render

    day = parse_day(as_of, "--as-of") or today()
    with obj.session() as s:
        if send:
            result = queue_digests(s, as_of=day, plan_id=plan_id, agency=agency, lang=obj.lang)
        else:
            data = digest_data(s, plan_id=plan_id, agency=agency, as_of=day)
            text = render("digest", fmt, data, lang=obj.lang)
    if send:
        click.echo(
            f"Queued {result.queued} digest message(s); {result.already} already queued this week."
        )
    else:
        click.echo(text, nl=False)


COMMANDS = [escalate, remind, scheduler, notify, digest]
