"""The main job on the embedded default: load every plan, sweep, digest, send, report.

Idempotent: plans already loaded and unchanged are left alone, escalation
levels and digests are keyed, so a second run adds and sends nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from engine.catalog import load_plan_file
from engine.db import transaction
from engine.views import plan_rows, today


@dataclass
class QuickstartSummary:
    lines: list[str] = field(default_factory=list)


def run_quickstart(
    factory: sessionmaker[Session], *, as_of: dt.date | None = None, lang: str = "vi"
) -> QuickstartSummary:
    from tasks_catalog import schema

    summary = QuickstartSummary()
    day = as_of or today()
    for plan_id in schema.list_plan_ids():
        with transaction(factory) as session:
            report = load_plan_file(session, schema.plan_path(plan_id))
        state = "unchanged" if report.unchanged else ("loaded" if report.created else "updated")
        summary.lines.append(f"Plan {plan_id}: {state}.")
    with transaction(factory) as session:
        rows = plan_rows(session, day)
    summary.lines.append(f"Status on {day.isoformat()}:")
    for row in rows:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(row["by_status"].items()))
        summary.lines.append(f"  {row['id']:<18} {row['occurrences']:>3} occurrence(s): {counts}")
    summary.lines.extend(_sweep_digest_dispatch(factory, day, lang))
    return summary


def _sweep_digest_dispatch(factory: sessionmaker[Session], day: dt.date, lang: str) -> list[str]:
    """Escalate, queue this week's digests and send them, so a first run shows every step.

    Each step is idempotent (escalation levels and digests are keyed), so a
    second run queues and sends nothing new.
    """
    from engine.digest import digest_data
    from engine.digest_job import queue_digests
    from engine.escalation import sweep
    from notifiers.config import load_config
    from notifiers.dispatch import dispatch_all

    lines = [f"Escalation sweep: {len(sweep(factory, as_of=day, lang=lang))} new level(s)."]
    with transaction(factory) as session:
        overdue = digest_data(session, as_of=day)["overdue"]
        queued = queue_digests(session, as_of=day, lang=lang)
    lines.append(f"Digest: {len(overdue)} overdue occurrence(s); most overdue first:")
    for item in overdue[:5]:
        lines.append(f"  {item['ref']:<28} {item['working_days_overdue']:>5} working day(s)")
    lines.append(f"Digest messages queued: {queued.queued} ({queued.already} already this week).")
    config = load_config()
    result = dispatch_all(factory, config=config)
    lines.append(f"Outbox: sent {result.sent}, to retry {result.failed}, dead {result.dead}.")
    lines.append(f"Messages with no SMTP server configured are .eml files in {config.outbox_dir}")
    return lines
