"""Read models: the rows of ``dondoc tasks`` and the record of ``dondoc show``.

Plain dicts of JSON-friendly values, computed once here so that the command
line, the web board and the digests print the same facts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

import workflows
from engine import status
from engine.attachments import ATTACHMENTS_FIELD, listed
from engine.errors import InvalidInput
from engine.lookup import get_plan, load_occurrence
from engine.models import Escalation, Event, Occurrence, Plan, Task, TaskAgency
from engine.succession import SuccessionBook
from engine.workdays import local_day
from workflows.fields import completion_day_field

# The --status vocabulary: category names with hyphens, plus the due-soon view.
STATUS_FILTERS = (*(c.replace("_", "-") for c in status.CATEGORIES), "due-soon")


def today() -> dt.date:
    return local_day(dt.datetime.now(dt.UTC))


def completion_day(occ: Occurrence) -> dt.date | None:
    """The day ``occ`` counts as done (``Occurrence.completed_on``), None if it is not done."""
    if occ.completed_on is not None:
        return occ.completed_on
    return local_day(occ.completed_at) if occ.completed_at else None


def category_of(occ: Occurrence, wf: workflows.WorkflowDef, as_of: dt.date) -> str:
    """The status category of ``occ`` on ``as_of``, hyphenated as on the command line."""
    completed = wf.is_completed(occ.state)
    name = status.category(
        started=occ.state != wf.initial,
        completed=completed,
        suspended=occ.state == workflows.SUSPENDED,
        cancelled=occ.state == workflows.CANCELLED,
        due=occ.due,
        completed_on=completion_day(occ) if completed else None,
        as_of=as_of,
    )
    return name.replace("_", "-")


def _check_status(wanted: str | None) -> str | None:
    if wanted is None:
        return None
    wanted = wanted.replace("_", "-").lower()
    if wanted not in STATUS_FILTERS:
        raise InvalidInput("unknown_status", status=wanted[:40], known=list(STATUS_FILTERS))
    return wanted


def task_rows(
    session: Session,
    *,
    plan_id: str | None = None,
    agency: str | None = None,
    status_filter: str | None = None,
    as_of: dt.date | None = None,
    include_archived: bool = False,
) -> list[dict[str, Any]]:
    """One row per occurrence, in plan and annex order, filtered as asked."""
    as_of = as_of or today()
    wanted = _check_status(status_filter)
    query = occurrence_query(include_archived=include_archived)
    if plan_id:
        get_plan(session, plan_id)
        query = query.where(Task.plan_id == plan_id)
    if agency:
        # Tasks printed with the agency or with one whose work it took over
        # (engine.succession); who holds them on ``as_of`` is decided per row.
        named = SuccessionBook(session).predecessors(agency)
        involved = select(TaskAgency.task_id).where(TaskAgency.agency_code.in_(named))
        query = query.where(Task.id.in_(involved))
    rows = []
    for occ in session.scalars(query):
        row = occurrence_row(occ, as_of, agency)
        if agency and agency not in (*row["leads"], *row["co_agencies"]):
            continue
        cat = row["status_category"]
        if wanted == "due-soon":
            if not status.is_due_soon(cat.replace("-", "_"), due=occ.due, as_of=as_of):
                continue
        elif wanted and cat != wanted:
            continue
        rows.append(row)
    return rows


def occurrence_query(*, include_archived: bool = False) -> Select[Occurrence]:
    """Occurrences with their task and its agencies loaded, in plan and annex order."""
    query = (
        select(Occurrence)
        .join(Task)
        .options(
            selectinload(Occurrence.task).selectinload(Task.agencies),
            selectinload(Occurrence.applied),
        )
        .order_by(Task.plan_id, Task.position, Occurrence.due)
    )
    if not include_archived:
        query = query.where(or_(Occurrence.archived.is_(False), Occurrence.archived.is_(None)))
    return query


def occurrence_row(occ: Occurrence, as_of: dt.date, agency: str | None = None) -> dict[str, Any]:
    """The listing row of one occurrence (``role`` only when seen from ``agency``)."""
    task = occ.task
    leads = occ.leads_on(as_of)
    co_agencies = occ.co_on(as_of)
    return {
        "ref": occ.ref,
        "plan": task.plan_id,
        "code": task.code,
        "year": occ.year,
        "period": occ.period,
        "title": task.title,
        "workflow": task.workflow,
        "state": occ.state,
        "status_category": category_of(occ, workflows.get(task.workflow), as_of),
        "start": occ.window_start.isoformat(),
        "due": occ.due.isoformat(),
        "owner": leads[0] if leads else None,
        "leads": leads,
        "co_agencies": co_agencies,
        "version": occ.version,
        "role": _role(leads, agency) if agency else None,
    }


def _role(leads: list[str], agency: str) -> str:
    if leads and leads[0] == agency:
        return "owner"
    return "lead" if agency in leads else "co"


def allowed_transitions(occ: Occurrence, wf: workflows.WorkflowDef) -> list[dict[str, Any]]:
    allowed = []
    for t in wf.allowed(occ.state):
        dest = occ.resume_state if t.returns_to_prior else t.dest
        allowed.append(
            {
                "trigger": t.trigger,
                "dest": dest,
                "requires": list(t.requires),
                "requires_any": list(t.requires_any),
                # Whether the step completes the work, and which field names its day.
                "completes": wf.is_completed(dest) if dest else False,
                "completion_day_field": completion_day_field([*t.requires, *t.requires_any]),
            }
        )
    return allowed


def occurrence_record(
    session: Session, ref: str, as_of: dt.date | None = None, *, occ: Occurrence | None = None
) -> dict[str, Any]:
    """Everything ``dondoc show`` prints about one occurrence (``occ``: already loaded)."""
    as_of = as_of or today()
    occ = occ or load_occurrence(session, ref)
    task = occ.task
    plan: Plan = task.plan
    wf = workflows.get(task.workflow)
    events = list(
        session.scalars(select(Event).where(Event.occurrence_id == occ.id).order_by(Event.seq))
    )
    escalations = session.scalars(
        select(Escalation)
        .where(Escalation.occurrence_id == occ.id, Escalation.kind != "reminder")
        .order_by(Escalation.created_at, Escalation.level)
    )
    leads = occ.leads_on(as_of)
    cycle = _cycle_record(session, occ)
    return {
        "ref": occ.ref,
        "plan": plan.id,
        "code": task.code,
        "year": occ.year,
        "period": occ.period,
        "section": task.section,
        "title": task.title,
        "actions": list(task.actions),
        "result": task.result,
        "workflow": task.workflow,
        "state": occ.state,
        "status_category": category_of(occ, wf, as_of),
        "as_of": as_of.isoformat(),
        "version": occ.version,
        "window": {
            "start": occ.window_start.isoformat(),
            "due": occ.due.isoformat(),
            "planned_due": occ.planned_due.isoformat(),
        },
        # The due day before any approved extension (engine.extensions).
        "original_due": cycle["original_due"],
        "completed_at": occ.completed_at.isoformat() if occ.completed_at else None,
        "completed_on": day.isoformat() if (day := completion_day(occ)) else None,
        "owner": leads[0] if leads else None,
        "leads": leads,
        "co_agencies": occ.co_on(as_of),
        "depends_on": list(task.depends_on),
        "responsible": plan.responsible_on(as_of),
        "archived": bool(occ.archived),
        "allowed": allowed_transitions(occ, wf),
        "history": [
            {
                "seq": ev.seq,
                "at": ev.at.isoformat(),
                "actor": ev.actor,
                "trigger": ev.trigger,
                "from": ev.from_state,
                "to": ev.to_state,
                "note": ev.note,
                "fields": {k: v for k, v in ev.fields.items() if k != ATTACHMENTS_FIELD},
            }
            for ev in events
        ],
        "attachments": listed(events),
        "escalations": [
            {
                "level": e.level,
                "kind": e.kind,
                "target": e.target_code,
                "cc": list(e.cc),
                "at": e.as_of.isoformat(),
                "days_overdue": e.days_overdue,
            }
            for e in escalations
        ],
        "extensions": cycle["extensions"],
        "reports": cycle["reports"],
    }


def _cycle_record(session: Session, occ: Occurrence) -> dict[str, Any]:
    """The occurrence's extension requests and progress reports (every version), oldest first.

    The modules that word them (``engine.extensions``, ``engine.progress``)
    are imported only when there is one to word: most occurrences have none,
    and ``dondoc show`` would pay for both on every call (bench/NOTES.md,
    start-up).
    """
    from engine.cycle_models import ExtensionRequest, ProgressReport

    asked = list(
        session.scalars(
            select(ExtensionRequest)
            .where(ExtensionRequest.occurrence_id == occ.id)
            .order_by(ExtensionRequest.id)
        )
    )
    reports = list(
        session.scalars(
            select(ProgressReport)
            .where(ProgressReport.occurrence_id == occ.id)
            .order_by(ProgressReport.id)
        )
    )
    approved = [r for r in asked if r.status == "approved"]
    extensions: list[dict[str, Any]] = []
    if asked:
        from engine.extensions import request_dict

        extensions = [request_dict(r, occ.ref) for r in asked]
    reported: list[dict[str, Any]] = []
    if reports:
        from engine.progress import report_dict

        reported = [report_dict(r) for r in reports]
    return {
        "original_due": (approved[0].old_due if approved else occ.due).isoformat(),
        "extensions": extensions,
        "reports": reported,
    }


def plan_rows(
    session: Session,
    as_of: dt.date | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """One row per loaded plan (in id order; ``limit`` of them from ``offset`` when asked)
    with its counts by status category.

    The counts come from ``engine.counts`` (kept in step with every change),
    so the cost grows with the number of plans, not of occurrences.
    """
    from engine.counts import plan_counts

    as_of = as_of or today()
    ids = select(Plan.id).order_by(Plan.id).offset(offset)
    chosen = None if limit is None else list(session.scalars(ids.limit(limit)))
    by_plan = plan_counts(session, as_of, chosen)
    tasks = select(Task.plan_id, func.count()).where(
        or_(Task.archived.is_(False), Task.archived.is_(None))
    )
    if chosen is not None:
        tasks = tasks.where(Task.plan_id.in_(chosen))
    live_tasks = dict(session.execute(tasks.group_by(Task.plan_id)).all())
    rows = []
    plans = select(Plan).options(selectinload(Plan.applied)).order_by(Plan.id)
    if chosen is not None:
        plans = plans.where(Plan.id.in_(chosen))
    for plan in session.scalars(plans):
        counts = by_plan.get(plan.id) or Counter()
        rows.append(
            {
                "id": plan.id,
                "province": plan.province,
                "legal_ref": plan.legal_ref,
                "issued": plan.issued.isoformat(),
                "period": f"{plan.period_start}-{plan.period_end}",
                "responsible": plan.responsible_on(as_of),
                "title_vi": plan.title_vi,
                "title_en": plan.title_en,
                "tasks": live_tasks.get(plan.id, 0),
                "occurrences": sum(counts.values()),
                "by_status": {
                    c.replace("_", "-"): counts[c] for c in status.CATEGORIES if counts.get(c)
                },
            }
        )
    return rows
