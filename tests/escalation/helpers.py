"""Shared helpers for the escalation tests: the Kon Tum facts they pin, and ledger counts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.models import Escalation, OutboxMessage
from notifiers.messages import Composed, compose

PLAN = "kon-tum-2013"
YEARLY = ("1.2", "1.3", "1.4", "4.1", "4.3")
# Kon Tum with nothing advanced, on 16 March 2015.
OVERDUE_ON_2015_03_16 = sorted(
    [f"{PLAN}:2.1", f"{PLAN}:3.1", f"{PLAN}:3.2"]
    + [f"{PLAN}:{code}@{year}" for code in YEARLY for year in (2013, 2014)]
)
DUE_END_2014 = sorted(
    [f"{PLAN}:2.1", f"{PLAN}:3.1", f"{PLAN}:3.2"] + [f"{PLAN}:{code}@2014" for code in YEARLY]
)


def at(day: dt.date) -> dt.datetime:
    """09:00 in Vietnam on ``day``, as a UTC timestamp."""
    return dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC)


def counts(factory: sessionmaker[Session]) -> tuple[int, int]:
    """How many ledger rows and outbox messages the database holds."""
    with transaction(factory) as s:
        return (
            s.scalar(select(func.count()).select_from(Escalation)) or 0,
            s.scalar(select(func.count()).select_from(OutboxMessage)) or 0,
        )


def worded(message: OutboxMessage) -> Composed:
    """A queued notice as the dispatcher will write it out, in its own language."""
    return compose(message.kind, dict(message.payload), message.lang)
