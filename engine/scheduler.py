"""The scheduler: APScheduler 3 jobs that sweep, remind, send digests and dispatch the outbox.

Jobs, all in Asia/Ho_Chi_Minh time:

- ``sweep``: the overdue escalation sweep, every hour (``engine.escalation``);
- ``reminders``: reminders before due, every day at 07:00 (``engine.reminders``);
- ``weekly-digest``: Monday 07:30 (``engine.digest_job``);
- ``dispatch``: every minute (``notifiers.dispatch``).

Each job imports its code when it first runs, so ``dondoc --help`` and the
other commands do not pay for it.

Deployment: run one ``dondoc scheduler run`` per database. The jobs live in
APScheduler's in-memory job store; APScheduler 3 job stores must never be
shared between processes (each would run every job, and neither knows of the
other's locks). If a second scheduler runs anyway, by mistake or during a
hand-over, the sweep and the reminders stay correct: each level is a row
under a unique (occurrence, kind, scope, level) constraint inserted with
``ON CONFLICT DO NOTHING``, and its message is written in the same
transaction, so the second process finds the level taken and sends nothing.
The price is only wasted work.

Every job tolerates missed runs: ``misfire_grace_time`` of an hour and
``coalesce`` make a scheduler restarted after a pause run each late job once
(APScheduler's default grace of one second silently drops them), and one
sweep catches up every level reached meanwhile.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
from collections.abc import Callable
from typing import Any

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session, sessionmaker

from engine.workdays import VIETNAM_TZ, local_day

log = logging.getLogger("dondoc.scheduler")

TIMEZONE = "Asia/Ho_Chi_Minh"
MISFIRE_GRACE_SECONDS = 3600
JOB_DEFAULTS = {"misfire_grace_time": MISFIRE_GRACE_SECONDS, "coalesce": True, "max_instances": 1}

Clock = Callable[[], dt.date]


def today_in_vietnam() -> dt.date:
    return local_day(dt.datetime.now(dt.UTC))


def sweep_job(factory: sessionmaker[Session], clock: Clock, lang: str = "vi") -> int:
    """The hourly sweep; returns how many escalations it recorded."""
    from engine.escalation import sweep

    created = sweep(factory, as_of=clock(), lang=lang)
    log.info("escalation sweep for %s: %d new escalation(s)", clock(), len(created))
    return len(created)


def reminders_job(factory: sessionmaker[Session], clock: Clock, lang: str = "vi") -> int:
    """The daily reminders; returns how many it recorded."""
    from engine.reminders import remind

    created = remind(factory, as_of=clock(), lang=lang)
    log.info("reminders for %s: %d new reminder(s)", clock(), len(created))
    return len(created)


def digest_job(factory: sessionmaker[Session], clock: Clock, lang: str = "vi") -> int:
    """The weekly digests; returns how many messages it queued."""
    from engine.digest_job import run

    result = run(factory, as_of=clock(), lang=lang)
    log.info("weekly digest for %s: %d queued", clock(), result.queued)
    return result.queued


def dispatch_job(factory: sessionmaker[Session]) -> int:
    """Send what waits in the outbox; returns how many were sent."""
    from notifiers.dispatch import dispatch_pending

    result = dispatch_pending(factory)
    return result.sent


def build_scheduler(
    factory: sessionmaker[Session],
    *,
    scheduler_cls: type[BaseScheduler] = BlockingScheduler,
    clock: Clock | None = None,
    lang: str = "vi",
) -> BaseScheduler:
    """A scheduler with dondoc's four jobs registered (not started).

    ``clock`` gives the day the sweep and reminders run for (default: today
    in Vietnam); tests pass a fixed day and a ``BackgroundScheduler``.
    """
    clock = clock or today_in_vietnam
    sched = scheduler_cls(timezone=TIMEZONE, job_defaults=JOB_DEFAULTS)
    jobs: list[tuple[str, Callable[..., Any], Any, tuple[Any, ...]]] = [
        ("sweep", sweep_job, IntervalTrigger(hours=1, timezone=TIMEZONE), (factory, clock, lang)),
        (
            "reminders",
            reminders_job,
            CronTrigger(hour=7, minute=0, timezone=TIMEZONE),
            (factory, clock, lang),
        ),
        (
            "weekly-digest",
            digest_job,
            # Named weekday: APScheduler's numeric day_of_week counts Monday as 0.
            CronTrigger(day_of_week="mon", hour=7, minute=30, timezone=TIMEZONE),
            (factory, clock, lang),
        ),
        ("dispatch", dispatch_job, IntervalTrigger(minutes=1, timezone=TIMEZONE), (factory,)),
    ]
    for job_id, func, trigger, args in jobs:
        sched.add_job(
            func, trigger, args=args, id=job_id, name=job_id, replace_existing=True, **JOB_DEFAULTS
        )
    return sched


def run_forever(
    factory: sessionmaker[Session],
    *,
    lang: str = "vi",
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Run the blocking scheduler until SIGTERM or SIGINT, then stop after the running jobs.

    ``on_ready`` is called once the scheduler runs, so whoever it tells may
    stop it from then on. A signal that comes while it is still starting is
    remembered and honoured as soon as it has started.
    """
    sched = build_scheduler(factory, lang=lang)
    stop_requested = False

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stop_requested
        log.info("signal %s: shutting the scheduler down", signal.Signals(signum).name)
        stop_requested = True
        if sched.running:
            # wait=True lets a sweep in flight commit rather than be cut half way.
            sched.shutdown(wait=True)

    def started(_event: Any) -> None:
        if stop_requested:
            sched.shutdown(wait=True)
        elif on_ready is not None:
            on_ready()

    sched.add_listener(started, EVENT_SCHEDULER_STARTED)
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        log.info("scheduler starting in %s", VIETNAM_TZ)
        if not stop_requested:
            sched.start()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
