"""Walking Nghệ An's occurrences to a state on a given day, as the department would."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

import workflows
from engine.lookup import load_occurrence
from engine.transition import advance
from engine.workdays import VIETNAM_TZ
from tests.engine.helpers import fields_for, path_to_completion, user


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 9, tzinfo=VIETNAM_TZ)


def complete(s: Session, ref: str, day: dt.date, actor: str = "lan") -> None:
    """Every step of the shortest way to completion, the last one on ``day``."""
    occ = load_occurrence(s, ref)
    wf = workflows.get(occ.task.workflow)
    who = user(s, actor)
    steps = path_to_completion(wf)
    for i, t in enumerate(steps):
        when = at(day) - dt.timedelta(days=len(steps) - 1 - i)
        advance(s, who, ref, t.trigger, fields=fields_for(t), at=when)


def suspend(s: Session, ref: str, day: dt.date) -> None:
    advance(
        s, user(s, "lan"), ref, workflows.SUSPEND, fields={"reason": "Chờ kinh phí"}, at=at(day)
    )


def cancel(s: Session, ref: str, day: dt.date) -> None:
    advance(
        s, user(s, "lan"), ref, workflows.CANCEL, fields={"reason": "Không còn phù hợp"}, at=at(day)
    )
