"""When each scheduled job last fired, so a scheduler that takes over catches up (revision 0015).

APScheduler keeps its jobs in memory: a scheduler that starts, or a stand-by
that takes over from a leader that died, would otherwise count every job's
next run from its own start, and a reminder due at 07:00 while nobody led
would never be sent. Each run's scheduled time is kept here by job id; a new
leader schedules each job from its last fire (``next_after``), and
APScheduler's own misfire handling (an hour of grace, coalesced) runs a run
missed meanwhile exactly once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from engine.models import Base, UTCDateTime


class SchedulerRun(Base):
    """A job's last scheduled run that finished (with or without an error)."""

    __tablename__ = "scheduler_runs"

    job_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    fired_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


def last_fires(factory: sessionmaker[Session]) -> dict[str, dt.datetime]:
    """Each job's last scheduled run, by job id."""
    from engine import db

    with db.reading(factory) as session:
        return {r.job_id: r.fired_at for r in session.scalars(select(SchedulerRun))}


def record_fire(factory: sessionmaker[Session], job_id: str, fired_at: dt.datetime) -> None:
    """Remember that ``job_id``'s run scheduled for ``fired_at`` has finished."""
    from engine import db

    with db.transaction(factory) as session:
        row = session.get(SchedulerRun, job_id)
        now = dt.datetime.now(dt.UTC)
        if row is None:
            session.add(SchedulerRun(job_id=job_id, fired_at=fired_at, finished_at=now))
        elif row.fired_at < fired_at:
            row.fired_at, row.finished_at = fired_at, now


def resume_times(
    fires: Mapping[str, dt.datetime], triggers: Mapping[str, object], now: dt.datetime
) -> dict[str, dt.datetime]:
    """The first run of each job after its last fire, where it has one (may be in the past)."""
    due: dict[str, dt.datetime] = {}
    for job_id, trigger in triggers.items():
        last = fires.get(job_id)
        if last is not None:
            following = trigger.get_next_fire_time(last, now)  # type: ignore[attr-defined]
            if following is not None:
                due[job_id] = following
    return due
