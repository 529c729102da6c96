"""Silent tasks: an occurrence in progress with nothing new for too long.

An occurrence is *silent* on a day when it is in progress (phase
``active``) and neither a step, a comment nor a progress report was
recorded for it during the last N working days (Vietnamese working days,
``engine.workdays``; N = the plan file's ``follow_up: {silence_working_days: N}``,
20 by default).
Bookkeeping (catalog loads, successions) is not news. The nudge
(``engine.cycle_notices.nudge``) tells the lead agency once per silence, and a
silent occurrence counts as not updated in the update rate
(``engine.progress``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import Event, Occurrence, Plan
from engine.users import CATALOG_ACTOR
from engine.workdays import WorkingCalendar, local_day

DEFAULT_SILENCE_WORKING_DAYS = 20
BOOKKEEPING = (CATALOG_ACTOR, "system")


def silence_days(plan: Plan) -> int:
    """The plan's N: its own ``silence_working_days`` when its data gives one, else 20."""
    value = ((plan.details or {}).get("follow_up") or {}).get("silence_working_days")
    return int(value) if isinstance(value, int) and value > 0 else DEFAULT_SILENCE_WORKING_DAYS


def last_activity(session: Session, ids: Sequence[int]) -> dict[int, dt.date]:
    """The local day of each occurrence's newest event recorded by a person."""
    found: dict[int, dt.date] = {}
    ids = list(ids)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(Event.occurrence_id, func.max(Event.at))
            .where(
                Event.occurrence_id.in_(ids[start : start + 500]),
                Event.actor.notin_(BOOKKEEPING),
            )
            .group_by(Event.occurrence_id)
        )
        for occ_id, at in rows:
            if at is not None:
                if at.tzinfo is None:
                    at = at.replace(tzinfo=dt.UTC)
                found[occ_id] = local_day(at)
    return found


def quiet_since(occ: Occurrence, last: dt.date | None) -> dt.date:
    """The day the silence counts from: the last news, or the window's start without any."""
    return max(last or occ.window_start, occ.window_start)


def silent_on(
    occ: Occurrence, last: dt.date | None, day: dt.date, cal: WorkingCalendar, plan: Plan
) -> bool:
    """Whether ``occ`` is silent on ``day`` (see the module's docstring)."""
    if occ.phase != "active" or occ.archived:
        return False
    return cal.add_working_days(quiet_since(occ, last), silence_days(plan)) <= day
