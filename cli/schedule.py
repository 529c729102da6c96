"""The scheduler's jobs, composed here where the engine and the notifiers are both in view.

- ``sweep``: the overdue escalation sweep, every hour (``engine.escalation``);
- ``reminders``: reminders before due, every day at 07:00 (``engine.reminders``),
  and the follow-up cycle's: progress reports due or late, silent tasks
  (``engine.cycle_notices``);
- ``weekly-digest``: Monday 07:30 (``engine.digest_job``);
- ``dispatch``: every minute (``notifiers.dispatch``).

Each job imports its code when it first runs, so ``dondoc --help`` and the
other commands do not pay for it. A plan the sweep has to skip is logged
with its reason, in the scheduler's language, and the sweep of the others
goes on.
"""

from __future__ import annotations

import logging
from functools import partial

from sqlalchemy.orm import Session, sessionmaker

from engine.scheduler import (
    Clock,
    Job,
    daily_at,
    every_minute,
    hourly,
    today_in_vietnam,
    weekly_on_monday_at,
)

log = logging.getLogger("dondoc.scheduler")


def sweep_job(factory: sessionmaker[Session], clock: Clock, lang: str = "vi") -> int:
    """The hourly sweep; returns how many escalations it recorded."""
    from engine.escalation import sweep
    from notifiers.i18n import words

    result = sweep(factory, as_of=clock(), lang=lang)
    log.info("escalation sweep for %s: %d new escalation(s)", clock(), len(result.records))
    for skipped in result.skipped:
        log.warning(
            "%s",
            words(lang)(
                "cli.sweep.skipped", plan=skipped.plan, reason=words(lang).error(skipped.error)
            ),
        )
    return len(result.records)


def reminders_job(factory: sessionmaker[Session], clock: Clock, lang: str = "vi") -> int:
    """The daily reminders, then the progress-report reminders and nudges; how many it recorded."""
    from engine.cycle_notices import follow_up
    from engine.reminders import remind

    created = remind(factory, as_of=clock(), lang=lang)
    cycle = follow_up(factory, as_of=clock(), lang=lang)
    log.info(
        "reminders for %s: %d new reminder(s), %d for progress reports and silent tasks",
        clock(),
        len(created),
        len(cycle),
    )
    return len(created) + len(cycle)


def digest_job(factory: sessionmaker[Session], clock: Clock, lang: str = "vi") -> int:
    """The weekly digests; returns how many messages it queued."""
    from engine.digest_job import run

    result = run(factory, as_of=clock(), lang=lang)
    log.info("weekly digest for %s: %d queued", clock(), result.queued)
    return result.queued


def dispatch_job(factory: sessionmaker[Session]) -> int:
    """Send what waits in the outbox; returns how many were sent."""
    from notifiers.dispatch import dispatch_job as send

    return send(factory)


def jobs(
    factory: sessionmaker[Session], *, clock: Clock | None = None, lang: str = "vi"
) -> list[Job]:
    """dondoc's four jobs; ``clock`` gives the day they run for (tests pass a fixed one)."""
    clock = clock or today_in_vietnam
    return [
        Job("sweep", partial(sweep_job, factory, clock, lang), hourly()),
        Job("reminders", partial(reminders_job, factory, clock, lang), daily_at(7)),
        Job("weekly-digest", partial(digest_job, factory, clock, lang), weekly_on_monday_at(7, 30)),
        Job("dispatch", partial(dispatch_job, factory), every_minute()),
    ]
