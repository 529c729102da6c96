"""Following up: escalation sweeps, reminders, the scheduler, digests and the outbox."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from cli.context import CommandError, Context, pass_ctx

if TYPE_CHECKING:
    from notifiers.i18n import Words

from cli.output import MAX_ID, emit_json, parse_day, print_rows, render_table


def _print_escalations(
    records: Sequence[Any], as_json: bool, dry_run: bool, noun: str, w: Words
) -> None:
    rows = [r.as_dict() for r in records]
    if as_json:
        emit_json(rows)
        return
    if rows:
        shown = [{**r, "kind": w(f"escalation.kind.{r['kind']}")} for r in rows]
        columns = [
            ("ref", "cli.col.ref", 28),
            ("kind", "cli.col.kind", 16),
            ("level", "cli.col.level", 5),
            ("target", "cli.col.target", 26),
            ("days_overdue", "cli.col.days_overdue", 12),
        ]
        click.echo(render_table(shown, columns, w))
    key = f"cli.{noun}.dry_run" if dry_run else f"cli.{noun}.created"
    click.echo(w.plural(key, len(rows)))


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

    w = obj.w
    day = parse_day(as_of, "--as-of", w) or today()
    factory = db.session_factory(obj.engine())
    result = sweep(factory, as_of=day, dry_run=dry_run, lang=obj.lang)
    _print_escalations(result.records, as_json, dry_run, "escalations", w)
    if result.skipped:
        # Every other plan was swept (and committed); the ones left alone are named
        # on stderr and the status says so, so cron's mail reaches a person.
        for skipped in result.skipped:
            click.echo(
                w("cli.sweep.skipped", plan=skipped.plan, reason=w.error(skipped.error)), err=True
            )
        raise CommandError(w.plural("cli.sweep.skipped_count", len(result.skipped)))


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

    w = obj.w
    day = parse_day(as_of, "--as-of", w) or today()
    factory = db.session_factory(obj.engine())
    records = do_remind(factory, as_of=day, dry_run=dry_run, lang=obj.lang)
    _print_escalations(records, as_json, dry_run, "reminders", w)


@click.group()
def scheduler() -> None:
    """The background jobs: sweep, reminders, weekly digest, outbox dispatch."""


@scheduler.command("run")
@click.option(
    "--poll-seconds",
    type=click.FloatRange(0.1, 3600),
    default=15.0,
    show_default=True,
    envvar="DONDOC_SCHEDULER_POLL_SECONDS",
    help="How often a stand-by asks for the lead and the leader checks it still has it.",
)
@pass_ctx
def scheduler_run(obj: Context, poll_seconds: float) -> None:
    """Run the scheduler in the foreground until SIGTERM or Ctrl-C.

    On PostgreSQL any number may run: one leads, the others stand by and take
    over within --poll-seconds when it stops. On SQLite only one may run.

    \b
    Example: dondoc --db postgresql://127.0.0.1/dondoc scheduler run
    """
    from cli.schedule import jobs
    from engine import db
    from engine.leadership import leadership_for
    from engine.scheduler import run_forever

    w = obj.w
    engine = obj.engine()
    where = db.describe(engine)
    factory = db.session_factory(engine)
    seconds = f"{poll_seconds:g}"

    def say(key: str) -> Callable[[], None]:
        return lambda: click.echo(w(key, database=where, seconds=seconds))

    run_forever(
        jobs(factory, lang=obj.lang),
        leadership=leadership_for(db.resolve_url(obj.db)),
        factory=factory,
        poll=poll_seconds,
        on_ready=say("cli.scheduler.running"),
        on_standby=say("cli.scheduler.standing_by"),
        on_lost=say("cli.scheduler.lost"),
    )
    click.echo(w("cli.scheduler.stopped"))


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

    w = obj.w
    with obj.session(reads=True) as s:
        rows = list_messages(s, status, lang=obj.lang)
    if as_json:
        emit_json(rows)
        return
    shown = [{**r, "status": w(f"outbox.status.{r['status']}")} for r in rows]
    columns = [
        ("id", "cli.col.id", 6),
        ("status", "cli.col.status", 12),
        ("attempts", "cli.col.tries", 5),
        ("channel", "cli.col.channel", 8),
        ("agency", "cli.col.agency", 26),
        ("subject", "cli.col.subject", 50),
        ("last_error", "cli.col.last_error", 40),
    ]
    print_rows(shown, columns, False, w, footer=w.plural("cli.notify.count", len(rows)))


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

    w = obj.w
    result = dispatch_pending(db.session_factory(obj.engine()), limit=limit)
    if as_json:
        emit_json(result.as_dict(obj.lang))
        return
    click.echo(w("cli.dispatch.done", sent=result.sent, failed=result.failed, dead=result.dead))
    for error in result.errors:
        click.echo(f"  {w.error(error)}")


@notify.command("retry")
@click.argument("message_id", required=False, type=click.IntRange(1, MAX_ID))
@click.option("--all-dead", is_flag=True, help="Requeue every dead message.")
@pass_ctx
def notify_retry(obj: Context, message_id: int | None, all_dead: bool) -> None:
    """Put dead messages back in the queue.  Example: dondoc notify retry --all-dead"""
    from notifiers.dispatch import retry

    with obj.session() as s:
        count = retry(s, message_id, all_dead=all_dead)
    click.echo(obj.w.plural("cli.retry.done", count))


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

    w = obj.w
    day = parse_day(as_of, "--as-of", w) or today()
    with obj.session(reads=not send) as s:
        if send:
            result = queue_digests(s, as_of=day, plan_id=plan_id, agency=agency, lang=obj.lang)
        else:
            data = digest_data(s, plan_id=plan_id, agency=agency, as_of=day)
            text = render("digest", fmt, data, lang=obj.lang)
    if send:
        click.echo(w("cli.digest.queued", queued=result.queued, already=result.already))
    else:
        click.echo(text, nl=False)


COMMANDS = [escalate, remind, scheduler, notify, digest]
