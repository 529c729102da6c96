"""Pressing for progress reports and waking silent tasks, through the escalation ledger.

``follow_up`` runs with the daily reminders. For every plan and each of its
reporting periods (``engine.reporting_periods``) that is not closed:

- ``report_due``: from N working days before the period's deadline (5 by
  default; the plan file's ``follow_up: {report_reminder_working_days: N}``) up to the deadline,
  the lead agency of each expected occurrence that has not reported is
  reminded;
- ``report_late``: after the deadline, until the next period's deadline, it
  is escalated: the lead agency is pressed, the plan's responsible
  department (or, when it leads the task itself, its parent) in copy.

And for every occurrence in progress that is silent (``engine.silence``),
``silence``: its lead agency is nudged, once per silence (the ledger's scope
is the day the silence began, so new news and a new silence nudge again).

Each is one ``escalations`` row (kind as above, scope the period or the
silence's first day, level 1) inserted once through the unique ledger, with
its outbox notice (kind ``reminder``, facts naming the ``cycle`` kind) in
the same transaction, exactly as ``engine.reminders`` does.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine import progress
from engine.cycle_models import PeriodClosure, ProgressReport
from engine.ledger import SessionSource, insert_once, unit_of_work
from engine.models import Escalation, Occurrence, Plan, Task, utcnow
from engine.notices import notice_facts
from engine.outbox import AgencyBook, Notice, enqueue_many
from engine.reporting_periods import ReportingPeriod, periods_of
from engine.seal import reseal
from engine.silence import last_activity, quiet_since, silent_on
from engine.sweep_record import EscalationRecord
from engine.workdays import PlanCalendars, WorkingCalendar

REPORT_DUE = "report_due"
REPORT_LATE = "report_late"
SILENCE = "silence"
CYCLE_KINDS = (REPORT_DUE, REPORT_LATE, SILENCE)
DEFAULT_REMINDER_WORKING_DAYS = 5


def reminder_days(plan: Plan) -> int:
    value = ((plan.details or {}).get("follow_up") or {}).get("report_reminder_working_days")
    return int(value) if isinstance(value, int) and value > 0 else DEFAULT_REMINDER_WORKING_DAYS


def pressing(plan: Plan, cal: WorkingCalendar, as_of: dt.date) -> list[tuple[str, ReportingPeriod]]:
    """The periods of ``plan`` that ``as_of`` presses for, with the kind of pressing."""
    periods = periods_of(plan)
    found = []
    for i, period in enumerate(periods):
        following = periods[i + 1].deadline if i + 1 < len(periods) else None
        # "N working days before": no more than N working days left until the deadline.
        if as_of <= period.deadline and (
            cal.working_days_between(as_of, period.deadline) <= reminder_days(plan)
        ):
            found.append((REPORT_DUE, period))
        elif period.deadline < as_of and (following is None or as_of <= following):
            found.append((REPORT_LATE, period))
    return found


def follow_up(
    source: SessionSource, *, as_of: dt.date, dry_run: bool = False, lang: str = "vi"
) -> list[EscalationRecord]:
    """Record and queue the report reminders, report escalations and nudges reached by ``as_of``."""
    with unit_of_work(source, dry_run) as session:
        book = AgencyBook(session)
        calendars = PlanCalendars()
        created: list[EscalationRecord] = []
        notices: list[Notice] = []
        for plan in session.scalars(select(Plan).order_by(Plan.id)):
            cal = calendars.for_plan(plan.id, plan.details)
            for kind, period in pressing(plan, cal, as_of):
                created += _press_reports(
                    session, plan, kind, period, as_of, dry_run, book, notices
                )
            created += _nudge(session, plan, cal, as_of, dry_run, book, notices)
        if not dry_run:
            enqueue_many(session, notices, lang=lang, agencies=book)
    return created


def _closed(session: Session, plan: Plan) -> set[str]:
    return set(
        session.scalars(select(PeriodClosure.period).where(PeriodClosure.plan_id == plan.id))
    )


def _press_reports(
    session: Session,
    plan: Plan,
    kind: str,
    period: ReportingPeriod,
    as_of: dt.date,
    dry_run: bool,
    book: AgencyBook,
    notices: list[Notice],
) -> list[EscalationRecord]:
    if period.id in _closed(session, plan):
        return []
    reported = set(
        session.scalars(
            select(ProgressReport.occurrence_id).where(
                ProgressReport.plan_id == plan.id,
                ProgressReport.period == period.id,
                ProgressReport.role == "lead",
            )
        )
    )
    occs = [
        o
        for o in _occurrences(session, plan)
        if o.id not in reported and progress.expected(o, period) and o.leads_on(as_of)
    ]
    created = []
    for occ in occs:
        owner = occ.leads_on(as_of)[0]
        cc = _copies(plan, owner, as_of, book) if kind == REPORT_LATE else []
        extra = {
            "period": period.id,
            "deadline": period.deadline.isoformat(),
            "days_left": (period.deadline - as_of).days,
        }
        if not dry_run and not _record(session, occ, kind, period.id, owner, cc, as_of, extra):
            continue
        if dry_run and _recorded(session, occ.id, kind, period.id):
            continue
        created.append(EscalationRecord(occ.ref, kind, 1, owner, 0, tuple(cc), period.id))
        if not dry_run:
            notices.append(_notice(occ, kind, period.id, owner, cc, as_of, book, extra))
    return created


def _copies(plan: Plan, owner: str, as_of: dt.date, book: AgencyBook) -> list[str]:
    """Who is copied on a late report: the responsible department, or its parent when it leads."""
    responsible = plan.responsible_on(as_of)
    if responsible != owner:
        return [responsible]
    parent = book.parent(responsible)
    return [parent] if parent else []


def _nudge(
    session: Session,
    plan: Plan,
    cal: WorkingCalendar,
    as_of: dt.date,
    dry_run: bool,
    book: AgencyBook,
    notices: list[Notice],
) -> list[EscalationRecord]:
    active = [o for o in _occurrences(session, plan) if o.phase == "active" and not o.archived]
    news = last_activity(session, [o.id for o in active])
    created = []
    for occ in active:
        if not silent_on(occ, news.get(occ.id), as_of, cal, plan) or not occ.leads_on(as_of):
            continue
        since = quiet_since(occ, news.get(occ.id))
        scope = since.isoformat()
        owner = occ.leads_on(as_of)[0]
        extra = {"quiet_since": scope, "working_days": cal.working_days_between(since, as_of)}
        if dry_run:
            if _recorded(session, occ.id, SILENCE, scope):
                continue
        elif not _record(session, occ, SILENCE, scope, owner, [], as_of, extra):
            continue
        created.append(EscalationRecord(occ.ref, SILENCE, 1, owner, 0, (), scope))
        if not dry_run:
            notices.append(_notice(occ, SILENCE, scope, owner, [], as_of, book, extra))
    return created


def _occurrences(session: Session, plan: Plan) -> list[Occurrence]:
    return list(
        session.scalars(
            select(Occurrence)
            .join(Task)
            .where(Task.plan_id == plan.id, Occurrence.archived.is_not(True))
            .options(selectinload(Occurrence.task).selectinload(Task.agencies))
            .order_by(Occurrence.id)
        )
    )


def _recorded(session: Session, occ_id: int, kind: str, scope: str) -> bool:
    return (
        session.scalar(
            select(Escalation.id).where(
                Escalation.occurrence_id == occ_id,
                Escalation.kind == kind,
                Escalation.scope == scope,
            )
        )
        is not None
    )


def _record(
    session: Session,
    occ: Occurrence,
    kind: str,
    scope: str,
    owner: str,
    cc: list[str],
    as_of: dt.date,
    extra: dict[str, object],
) -> bool:
    """Insert the ledger row once; True when this call made it."""
    made = (
        insert_once(
            session,
            Escalation,
            {
                "occurrence_id": occ.id,
                "kind": kind,
                "scope": scope,
                "level": 1,
                "target_code": owner,
                "cc": cc,
                "reason": json.dumps(extra, sort_keys=True),
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


def _notice(
    occ: Occurrence,
    kind: str,
    scope: str,
    owner: str,
    cc: list[str],
    as_of: dt.date,
    book: AgencyBook,
    extra: dict[str, object],
) -> Notice:
    facts = notice_facts(occ, told=cc, agencies=book, day=as_of)
    facts.update(extra, cycle=kind, due=occ.due.isoformat())
    return Notice(
        key=f"cycle:{kind}:{occ.ref}:{scope}",
        kind="reminder",
        agency_code=owner,
        facts=facts,
        cc=tuple(cc),
        occurrence_id=occ.id,
    )
