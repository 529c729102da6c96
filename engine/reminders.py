"""Reminders before the due day: tell the owner what is coming, once per offset.

For every open occurrence due within the next ``max(days_before)`` days, a
reminder is due on each day ``engine.ladder.reminder_dates`` gives (14 and 3
calendar days before by default). Each becomes an ``escalations`` row with
``kind='reminder'`` and ``level`` = days before due, inserted once through the
unique ledger exactly as the overdue sweep does, with its outbox message in
the same transaction. A run that finds several reminders reached at once
(the scheduler was down) records them all and sends only the nearest one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from engine import ladder
from engine.escalation import REMINDER, EscalationRecord
from engine.ledger import SessionSource, insert_once, unit_of_work
from engine.models import OPEN_PHASES, Escalation, Occurrence, Task, utcnow
from engine.notices import notice_facts
from engine.outbox import AgencyBook, Notice, enqueue_many
from engine.seal import reseal


def remind(
    source: SessionSource,
    *,
    as_of: dt.date,
    dry_run: bool = False,
    days_before: Sequence[int] = ladder.DEFAULT_REMINDER_DAYS,
    lang: str = "vi",
) -> list[EscalationRecord]:
    """Record and queue the reminders reached by ``as_of``; return what was new.

    ``source`` is a session or a session factory, as for ``engine.escalation.sweep``.
    Reminders count calendar days ("14 days before" is how people read a
    deadline), so no working-day calendar is involved.
    """
    horizon = as_of + dt.timedelta(days=max(days_before))
    with unit_of_work(source, dry_run) as session:
        occurrences = session.scalars(
            select(Occurrence)
            .where(
                Occurrence.phase.in_(OPEN_PHASES),
                Occurrence.due >= as_of,
                Occurrence.due <= horizon,
            )
            .where(or_(Occurrence.archived.is_(False), Occurrence.archived.is_(None)))
            .options(
                selectinload(Occurrence.task).selectinload(Task.agencies),
                selectinload(Occurrence.task).selectinload(Task.plan),
            )
            .order_by(Occurrence.id)
        ).all()
        sent = _sent(session, [o.id for o in occurrences])
        agencies = AgencyBook(session)
        created: list[EscalationRecord] = []
        notices: list[Notice] = []
        for occ in occurrences:
            if not occ.leads_on(as_of):
                continue
            reached = [
                (occ.due - day).days
                for day in ladder.reminder_dates(occ.due, days_before, not_before=occ.window_start)
                if day <= as_of and (occ.due - day).days not in sent.get(occ.id, set())
            ]
            won = [offset for offset in reached if dry_run or _record(session, occ, offset, as_of)]
            if not won:
                continue
            if not dry_run:
                notices.append(_notice(occ, min(won), as_of, agencies))
            created += [
                EscalationRecord(
                    ref=occ.ref,
                    kind=REMINDER,
                    level=offset,
                    target=occ.leads_on(as_of)[0],
                    days_overdue=0,
                    cc=tuple(occ.co_on(as_of)),
                )
                for offset in won
            ]
        enqueue_many(session, notices, lang=lang, agencies=agencies)
    return created


def _sent(session: Session, ids: list[int]) -> dict[int, set[int]]:
    """Reminder offsets already in the ledger, by occurrence."""
    sent: dict[int, set[int]] = {}
    for start in range(0, len(ids), 500):
        for occ_id, level in session.execute(
            select(Escalation.occurrence_id, Escalation.level).where(
                Escalation.kind == REMINDER, Escalation.occurrence_id.in_(ids[start : start + 500])
            )
        ):
            sent.setdefault(occ_id, set()).add(level)
    return sent


def _record(session: Session, occ: Occurrence, offset: int, as_of: dt.date) -> bool:
    """Insert the ledger row of one reminder; True when this call made it."""
    made = (
        insert_once(
            session,
            Escalation,
            {
                "occurrence_id": occ.id,
                "kind": REMINDER,
                "scope": "",
                "level": offset,
                "target_code": occ.leads_on(as_of)[0],
                "cc": occ.co_on(as_of),
                "reason": json.dumps({"days_before": offset, "due": occ.due.isoformat()}),
                "as_of": as_of,
                "days_overdue": 0,
                "created_at": utcnow(),
            },
        )
        is not None
    )
    if made:
        reseal(session, [occ])  # the seal covers the ledger, written here without the ORM
    return made


def _notice(occ: Occurrence, nearest: int, as_of: dt.date, agencies: AgencyBook) -> Notice:
    """The one reminder notice of this run for ``occ``, keyed by its nearest offset."""
    told = occ.co_on(as_of)
    facts = notice_facts(occ, told=told, agencies=agencies, day=as_of)
    facts.update(days_before=nearest, days_left=(occ.due - as_of).days, due=occ.due.isoformat())
    return Notice(
        key=f"rem:{occ.ref}:{nearest}",
        kind="reminder",
        agency_code=occ.leads_on(as_of)[0],
        facts=facts,
        cc=tuple(told),
        occurrence_id=occ.id,
    )
