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
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from engine import ladder
from engine.escalation import (
    REMINDER,
    EscalationRecord,
    SessionSource,
    insert_once,
    queue_message,
    unit_of_work,
)
from engine.models import OPEN_PHASES, Escalation, Occurrence, Task, utcnow


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
            .options(selectinload(Occurrence.task).selectinload(Task.agencies))
            .order_by(Occurrence.id)
        ).all()
        sent: dict[int, set[int]] = {}
        ids = [o.id for o in occurrences]
        if ids:
            for occ_id, level in session.execute(
                select(Escalation.occurrence_id, Escalation.level).where(
                    Escalation.kind == REMINDER, Escalation.occurrence_id.in_(ids)
                )
            ):
                sent.setdefault(occ_id, set()).add(level)
        created: list[EscalationRecord] = []
        for occ in occurrences:
            if not occ.task.leads:
                continue
            owner = occ.task.leads[0]
            reached = [
                (occ.due - day).days
                for day in ladder.reminder_dates(occ.due, days_before, not_before=occ.window_start)
                if day <= as_of and (occ.due - day).days not in sent.get(occ.id, set())
            ]
            won = [
                offset
                for offset in reached
                if dry_run
                or insert_once(
                    session,
                    Escalation,
                    {
                        "occurrence_id": occ.id,
                        "kind": REMINDER,
                        "scope": "",
                        "level": offset,
                        "target_code": owner,
                        "cc": occ.task.co_agencies,
                        "reason": f"{offset} days before the due day {occ.due.isoformat()}",
                        "as_of": as_of,
                        "days_overdue": 0,
                        "created_at": utcnow(),
                    },
                )
            ]
            if not won:
                continue
            if not dry_run:
                nearest = min(won)
                subject, body = render_reminder_message(
                    lang=lang,
                    plan_id=occ.task.plan_id,
                    ref=occ.ref,
                    task_title=occ.task.title,
                    due=occ.due,
                    days_left=(occ.due - as_of).days,
                )
                queue_message(
                    session,
                    key=f"rem:{occ.ref}:{nearest}",
                    kind="reminder",
                    agency_code=owner,
                    cc=occ.task.co_agencies,
                    subject=subject,
                    body=body,
                    payload={"ref": occ.ref, "days_before": nearest, "due": occ.due.isoformat()},
                    lang=lang,
                    occurrence_id=occ.id,
                )
            created += [
                EscalationRecord(
                    ref=occ.ref,
                    kind=REMINDER,
                    level=offset,
                    target=owner,
                    days_overdue=0,
                    cc=tuple(occ.task.co_agencies),
                )
                for offset in won
            ]
    return created


def render_reminder_message(
    *, lang: str, plan_id: str, ref: str, task_title: str, due: dt.date, days_left: int
) -> tuple[str, str]:
    """Subject and plain-text body of a reminder (Vietnamese, or English)."""
    if lang == "en":
        subject = f"[dondoc] {ref} is due on {due.isoformat()} ({days_left} day(s) left)"
        body = (
            f"Plan: {plan_id}\nTask: {ref} — {task_title}\n"
            f"Due: {due.isoformat()}, in {days_left} day(s).\n"
            f"Record progress with `dondoc advance {ref} TRIGGER --note ...`.\n"
        )
    else:
        subject = f"[dondoc] {ref} đến hạn ngày {due.isoformat()} (còn {days_left} ngày)"
        body = (
            f"Kế hoạch: {plan_id}\nNhiệm vụ: {ref} — {task_title}\n"
            f"Hạn: {due.isoformat()}, còn {days_left} ngày.\n"
            f"Cập nhật tiến độ bằng `dondoc advance {ref} TRIGGER --note ...`.\n"
        )
    return subject, body
