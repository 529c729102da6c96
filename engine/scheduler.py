"""The scheduler: APScheduler 3 running dondoc's jobs in Asia/Ho_Chi_Minh time.

The engine owns the wiring (time zone, misfire handling, one instance of a
job at a time, stopping cleanly on SIGTERM); the jobs themselves are
composed where both sides are visible, by the command line's
``scheduler run`` (``cli.schedule``): the sweep, the reminders and the
weekly digest from the engine, the outbox dispatch from ``notifiers``.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from engine.workdays import VIETNAM_TZ, local_day

log = logging.getLogger("dondoc.scheduler")

TIMEZONE = "Asia/Ho_Chi_Minh"
MISFIRE_GRACE_SECONDS = 3600
JOB_DEFAULTS = {"misfire_grace_time": MISFIRE_GRACE_SECONDS, "coalesce": True, "max_instances": 1}

Clock = Callable[[], dt.date]


def today_in_vietnam() -> dt.date:
    return local_day(dt.datetime.now(dt.UTC))


@dataclass(frozen=True)
class Job:
    """One scheduled job: an id, what to call, and when (an APScheduler trigger)."""

    id: str
    func: Callable[[], Any]
    trigger: BaseTrigger


def hourly() -> IntervalTrigger:
    return IntervalTrigger(hours=1, timezone=TIMEZONE)


def every_minute() -> IntervalTrigger:
    return IntervalTrigger(minutes=1, timezone=TIMEZONE)


def daily_at(hour: int, minute: int = 0) -> CronTrigger:
    return CronTrigger(hour=hour, minute=minute, timezone=TIMEZONE)


def weekly_on_monday_at(hour: int, minute: int = 0) -> CronTrigger:
    # Named weekday: APScheduler's numeric day_of_week counts Monday as 0.
    return CronTrigger(day_of_week="mon", hour=hour, minute=minute, timezone=TIMEZONE)


def build_scheduler(
    jobs: Sequence[Job], *, scheduler_cls: type[BaseScheduler] = BlockingScheduler
) -> BaseScheduler:
    """A scheduler with ``jobs`` registered (not started); tests pass a ``BackgroundScheduler``."""
    sched = scheduler_cls(timezone=TIMEZONE, job_defaults=JOB_DEFAULTS)
    for job in jobs:
        sched.add_job(
            job.func, job.trigger, id=job.id, name=job.id, replace_existing=True, **JOB_DEFAULTS
        )
    return sched


def run_forever(jobs: Sequence[Job], *, on_ready: Callable[[], None] | None = None) -> None:
    """Run the blocking scheduler until SIGTERM or SIGINT, then stop after the running jobs.

    ``on_ready`` is called once the scheduler runs, so whoever it tells may
    stop it from then on. A signal that comes while it is still starting is
    remembered and honoured as soon as it has started.
    """
    sched = build_scheduler(jobs)
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
