"""The scheduler: APScheduler 3 running dondoc's jobs in Asia/Ho_Chi_Minh time.

The engine owns the wiring (time zone, misfire handling, one instance of a
job at a time, stopping cleanly on SIGTERM); the jobs themselves are
composed where both sides are visible, by the command line's
``scheduler run`` (``cli.schedule``): the sweep, the reminders and the
weekly digest from the engine, the outbox dispatch from ``notifiers``.

Deployment: any number of ``dondoc scheduler run`` may run on one
PostgreSQL database; one leads and runs the jobs, the others stand by and
take over within a poll interval when it stops or dies (``engine.leadership``:
an advisory lock on a connection of its own). The jobs live in each leader's
in-memory job store, never shared; what a new leader needs from the old one,
each job's last fire, is in ``scheduler_runs`` (``engine.scheduler_runs``).
On SQLite a second scheduler on the same file is refused. Should two
processes run a sweep anyway (a leader cut off from the database while a
job was in flight), the sweep and the reminders stay correct: each level is a row
under a unique (occurrence, kind, scope, level) constraint inserted with
``ON CONFLICT DO NOTHING``, and its message is written in the same
transaction, so the second process finds the level taken and sends nothing.

Every job tolerates missed runs: ``misfire_grace_time`` of an hour and
``coalesce`` make a scheduler restarted after a pause run each late job once
(APScheduler's default grace of one second silently drops them), and one
sweep catches up every level reached meanwhile. A leader schedules each job
from its last recorded fire, so a run missed while no scheduler led is run
once as soon as one leads again.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session, sessionmaker

from engine.leadership import POLL_SECONDS, Alone, Leadership
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
    jobs: Sequence[Job],
    *,
    scheduler_cls: type[BaseScheduler] = BlockingScheduler,
    resume: Mapping[str, dt.datetime] | None = None,
    leads: Callable[[], bool] | None = None,
) -> BaseScheduler:
    """A scheduler with ``jobs`` registered (not started); tests pass a ``BackgroundScheduler``.

    ``resume``: the next run of a job, by id, counted from its last fire (it
    may be past: APScheduler then runs it once if within the grace).
    ``leads``: asked before each run; a job is not run once it says no.
    """
    sched = scheduler_cls(timezone=TIMEZONE, job_defaults=JOB_DEFAULTS)
    for job in jobs:
        extra: dict[str, Any] = {}
        if resume and job.id in resume:
            extra["next_run_time"] = resume[job.id]
        func = job.func if leads is None else _fenced(job, leads)
        sched.add_job(
            func,
            job.trigger,
            id=job.id,
            name=job.id,
            replace_existing=True,
            **JOB_DEFAULTS,
            **extra,
        )
    return sched


def _fenced(job: Job, leads: Callable[[], bool]) -> Callable[[], Any]:
    def run() -> Any:
        if not leads():
            log.warning("%s not run: this scheduler no longer leads", job.id)
            return None
        return job.func()

    return run


def _leader(
    jobs: Sequence[Job], leadership: Leadership, factory: sessionmaker[Session] | None
) -> BaseScheduler:
    """A background scheduler for the process that just took the lead."""
    import engine.models  # noqa: F401 - every table first: it imports scheduler_runs itself
    from engine.scheduler_runs import last_fires, record_fire, resume_times

    resume: dict[str, dt.datetime] = {}
    if factory is not None:
        now = dt.datetime.now(dt.UTC)
        resume = resume_times(last_fires(factory), {j.id: j.trigger for j in jobs}, now)
    sched = build_scheduler(
        jobs, scheduler_cls=BackgroundScheduler, resume=resume, leads=leadership.still_held
    )
    if factory is not None:

        def finished(event: JobExecutionEvent) -> None:
            record_fire(factory, event.job_id, event.scheduled_run_time)

        sched.add_listener(finished, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    return sched


def run_forever(
    jobs: Sequence[Job],
    *,
    leadership: Leadership | None = None,
    factory: sessionmaker[Session] | None = None,
    poll: float = POLL_SECONDS,
    on_ready: Callable[[], None] | None = None,
    on_standby: Callable[[], None] | None = None,
    on_lost: Callable[[], None] | None = None,
) -> None:
    """Lead or stand by until SIGTERM or SIGINT, then stop after the running jobs.

    Every ``poll`` seconds a stand-by asks ``leadership`` for the lead and a
    leader checks it still has it. ``on_ready`` is called each time this
    process starts leading, ``on_standby`` when it finds another leading,
    ``on_lost`` when it loses the lead (the database went away); it then
    stands by again. ``factory`` keeps each job's last fire, so a new leader
    catches up a run missed meanwhile, once. A refusal to lead at all (a
    second scheduler on SQLite) is raised from ``leadership.try_acquire``.
    """
    leadership = leadership or Alone()
    stop = threading.Event()
    sched: BaseScheduler | None = None

    def stop_on(signum: int, _frame: Any) -> None:
        log.info("signal %s: shutting the scheduler down", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, stop_on) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        # Asked before anything is logged: a refusal is then the only line printed.
        leads = leadership.try_acquire()
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        log.info("scheduler starting in %s", VIETNAM_TZ)
        standing_by = False
        while not stop.is_set():
            if sched is None:
                if leads or leadership.try_acquire():
                    leads = False
                    # wait=True on shutdown lets a sweep in flight commit rather than be cut.
                    sched = _leader(jobs, leadership, factory)
                    sched.start()
                    standing_by = False
                    if on_ready is not None:
                        on_ready()
                elif not standing_by:
                    standing_by = True
                    if on_standby is not None:
                        on_standby()
            elif not leadership.still_held():
                sched.shutdown(wait=True)
                sched = None
                leadership.release()
                if on_lost is not None:
                    on_lost()
                continue  # ask for the lead again at once
            stop.wait(poll)
    finally:
        if sched is not None and sched.running:
            sched.shutdown(wait=True)
        leadership.release()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
