"""The main job on the embedded default, composed from every layer: load, sweep, digest, send.

Idempotent: plans already loaded and unchanged are left alone, escalation
levels and digests are keyed, so a second run adds and sends nothing. The
lines it prints are worded from the message catalog in the chosen language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.views import plan_rows, today
from notifiers.i18n import Words


def run_quickstart(
    factory: sessionmaker[Session], w: Words, *, as_of: dt.date | None = None
) -> Iterator[str]:
    """Load every shipped plan, sweep, queue this week's digests and send them; say each step."""
    from tasks_catalog import schema
    from tasks_catalog.loading import load_plan_file

    day = as_of or today()
    for plan_id in schema.list_plan_ids():
        with transaction(factory) as session:
            report = load_plan_file(session, schema.plan_path(plan_id))
        state = "unchanged" if report.unchanged else ("loaded" if report.created else "updated")
        yield w(f"cli.quickstart.plan_{state}", plan=plan_id)
    with transaction(factory) as session:
        rows = plan_rows(session, day)
    yield w("cli.quickstart.status_on", day=w.date(day))
    for row in rows:
        counts = ", ".join(f"{w.status(k)} {v}" for k, v in sorted(row["by_status"].items()))
        occurrences = w.plural("cli.quickstart.occurrences", row["occurrences"])
        yield f"  {row['id']:<18} {occurrences}: {counts}"
    yield from _sweep_digest_dispatch(factory, day, w)


def _sweep_digest_dispatch(factory: sessionmaker[Session], day: dt.date, w: Words) -> Iterator[str]:
    """Escalate, queue this week's digests and send them, so a first run shows every step.

    Each step is idempotent (escalation levels and digests are keyed), so a
    second run queues and sends nothing new.
    """
    from engine.digest import digest_data
    from engine.digest_job import queue_digests
    from engine.escalation import sweep
    from notifiers.config import load_config
    from notifiers.dispatch import dispatch_all

    swept = sweep(factory, as_of=day, lang=w.lang)
    yield w.plural("cli.quickstart.swept", len(swept.records))
    for skipped in swept.skipped:
        yield w("cli.sweep.skipped", plan=skipped.plan, reason=w.error(skipped.error))
    with transaction(factory) as session:
        overdue = digest_data(session, as_of=day)["overdue"]
        queued = queue_digests(session, as_of=day, lang=w.lang)
    yield w.plural("cli.quickstart.overdue", len(overdue))
    for item in overdue[:5]:
        days = w.plural("words.working_days", item["working_days_overdue"])
        yield f"  {item['ref']:<28} {days}"
    yield w("cli.quickstart.digests", queued=queued.queued, already=queued.already)
    config = load_config()
    result = dispatch_all(factory, config=config)
    yield w("cli.quickstart.outbox", sent=result.sent, failed=result.failed, dead=result.dead)
    yield w("cli.quickstart.outbox_dir", path=str(config.outbox_dir))
