"""Loading catalog files into the database, idempotently and without losing history.

A first load creates the plan, its tasks and their occurrences, each with a
``create`` event at the head of its history. Loading a newer version of the
file updates titles, agencies and windows in place: open occurrences whose
dates change get a ``replan`` event, occurrences that are finished keep their
dates, and nothing with history is ever deleted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import workflows
from engine import ladder
from engine.errors import Conflict, InvalidDefinition
from engine.history import GENESIS, new_event
from engine.models import Agency, Occurrence, Plan, Task, TaskAgency, utcnow
from engine.plan_spec import AgencySpec, PlanSpec, SuccessionSpec, TaskSpec
from engine.refs import format_ref
from engine.succession import apply_due, sync_successions
from engine.users import CATALOG_ACTOR
from engine.windows import Occurrence as OccurrenceWindow
from engine.windows import occurrence_key, occurrence_windows
from engine.workdays import local_day

# Who writes bookkeeping events rather than steps (engine.succession's actor too).
_BOOKKEEPING = (CATALOG_ACTOR, "system")


@dataclass
class LoadReport:
    """What a load changed, for the command line to print."""

    plan_id: str
    created: bool = False
    unchanged: bool = False
    agencies_added: int = 0
    tasks_added: list[str] = field(default_factory=list)
    tasks_updated: list[str] = field(default_factory=list)
    tasks_archived: list[str] = field(default_factory=list)
    occurrences_added: list[str] = field(default_factory=list)
    occurrences_replanned: list[str] = field(default_factory=list)
    occurrences_archived: list[str] = field(default_factory=list)
    succeeded: int = 0  # occurrences and plans re-pointed by a succession


def sync_agencies(session: Session, agencies: dict[str, AgencySpec]) -> int:
    """Insert or update directory agencies; contact addresses set locally are kept."""
    existing = {a.code: a for a in session.scalars(select(Agency))}
    added = 0
    # Parents first so that foreign keys hold at every flush.
    for spec in sorted(agencies.values(), key=lambda a: _depth(a, agencies)):
        row = existing.get(spec.code)
        if row is None:
            row = Agency(code=spec.code, email=None, webhook=None)
            session.add(row)
            added += 1
        row.province = spec.province
        row.name_vi = spec.name_vi
        row.name_en = spec.name_en
        row.parent_code = spec.parent
        row.also_reports_to = list(spec.also_reports_to)
        row.aliases = list(spec.aliases)
        row.is_group = spec.group
        row.valid_from = spec.valid_from
        row.valid_until = spec.valid_until
    session.flush()
    return added


def _depth(spec: AgencySpec, agencies: dict[str, AgencySpec]) -> int:
    depth, seen, parent = 0, set(), spec.parent
    while parent and parent in agencies and parent not in seen:
        seen.add(parent)
        depth += 1
        parent = agencies[parent].parent
    return depth


def _plan_details(spec: PlanSpec) -> dict[str, Any]:
    as_dict = dataclasses.asdict(spec)
    keep = ("sections", "report_deadlines", "targets", "escalation", "budget", "calendar", "source")
    details = {k: as_dict[k] for k in keep}
    # The follow-up cycle's own numbers (engine.silence, engine.cycle_notices), read tolerantly.
    if isinstance(spec.extra.get("follow_up"), dict):
        details["follow_up"] = spec.extra["follow_up"]
    return _jsonable(details)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def load_plan(
    session: Session,
    spec: PlanSpec,
    agencies: dict[str, AgencySpec],
    *,
    digest: str,
    archive_removed: bool = False,
    now: dt.datetime | None = None,
    successions: Sequence[SuccessionSpec] = (),
) -> LoadReport:
    """Create or update ``spec`` in the database inside the caller's transaction.

    Refused, with nothing written, when the plan names agencies that are not
    in ``agencies`` or could not be swept (``engine.ladder.escalation_problems``).
    """
    check_plan(spec, agencies)
    now = now or utcnow()
    report = LoadReport(plan_id=spec.id)
    report.agencies_added = sync_agencies(session, agencies)
    sync_successions(session, successions)
    plan = session.get(Plan, spec.id)
    if plan is not None and plan.catalog_sha256 == digest:
        report.unchanged = True
        report.succeeded = len(apply_due(session, local_day(now)))
        return report
    if plan is None:
        plan = Plan(id=spec.id)
        session.add(plan)
        report.created = True
    plan.province = spec.province
    plan.title_vi = spec.title_vi
    plan.title_en = spec.title_en
    plan.legal_ref = spec.legal_ref
    plan.issued = spec.issued
    plan.period_start = spec.period.start
    plan.period_end = spec.period.end
    plan.responsible_code = spec.responsible
    plan.details = _plan_details(spec)
    plan.catalog_sha256 = digest
    plan.loaded_at = now
    session.flush()

    existing = {t.code: t for t in session.scalars(select(Task).where(Task.plan_id == spec.id))}
    _refuse_removals_with_history(session, spec, existing, archive_removed)
    for position, task_spec in enumerate(spec.tasks):
        task = existing.get(task_spec.code)
        if task is None:
            task = Task(plan_id=spec.id, code=task_spec.code)
            session.add(task)
            report.tasks_added.append(task_spec.code)
        elif _task_changed(task, task_spec, position):
            report.tasks_updated.append(task_spec.code)
        _apply_task(task, task_spec, position, spec)
        session.flush()
        _sync_occurrences(session, plan, task, spec, report, now)
    for code, task in existing.items():
        if code not in {t.code for t in spec.tasks} and not task.archived:
            task.archived = True
            for occ in task.occurrences:
                occ.archived = True
            report.tasks_archived.append(code)
    session.flush()
    # Data loaded after a succession's day is followed as of that day.
    report.succeeded = len(apply_due(session, local_day(now)))
    return report


def check_plan(spec: PlanSpec, agencies: dict[str, AgencySpec]) -> None:
    """Raise ``InvalidDefinition`` listing what in ``spec`` the engine could not hold or sweep."""
    named = {spec.responsible, *(c for t in spec.tasks for c in (*t.leads, *t.co))}
    unknown = sorted(named - agencies.keys())
    if unknown:
        raise InvalidDefinition("unknown_agencies", plan=spec.id, agencies=unknown)
    problems = ladder.escalation_problems(
        spec.escalation,
        province=spec.province,
        responsible=spec.responsible,
        leads_by_task={t.code: t.leads for t in spec.tasks},
        parents={code: a.parent for code, a in agencies.items()},
    )
    if problems:
        raise InvalidDefinition(
            "plan_cannot_be_swept", problems=problems, plan=spec.id, source=spec.source
        )


def _refuse_removals_with_history(
    session: Session, spec: PlanSpec, existing: dict[str, Task], archive_removed: bool
) -> None:
    kept = {t.code for t in spec.tasks}
    with_history = [
        code
        for code, task in existing.items()
        if code not in kept and not task.archived and any(_has_history(o) for o in task.occurrences)
    ]
    if with_history and not archive_removed:
        raise Conflict("drops_tasks_with_history", plan=spec.id, tasks=sorted(with_history))


def _has_history(occ: Occurrence) -> bool:
    """Whether a person recorded anything on ``occ`` (catalog and succession events are
    bookkeeping: an occurrence with only those may be archived)."""
    return occ.head_seq > 1 and any(e.actor not in _BOOKKEEPING for e in occ.events)


def _task_changed(task: Task, spec: TaskSpec, position: int) -> bool:
    window = spec.window
    return (
        task.title != spec.title
        or task.position != position
        or task.section != spec.section
        or list(task.actions) != list(spec.actions)
        or task.result != spec.result
        or task.workflow != spec.workflow
        or task.leads != list(spec.leads)
        or task.co_agencies != list(spec.co)
        or task.recurrence != spec.recurrence
        or (task.details or {}).get("due") != spec.due
        or (
            window is not None
            and (task.window_start, task.window_end) != (window.start, window.end)
        )
        or list(task.depends_on) != list(spec.depends_on)
        or task.archived
    )


def _apply_task(task: Task, spec: TaskSpec, position: int, plan: PlanSpec) -> None:
    window = spec.window or plan.period
    changes_kind = task.id is not None and task.workflow and task.workflow != spec.workflow
    if changes_kind and any(_has_history(o) for o in task.occurrences):
        raise Conflict(
            "workflow_change_with_history",
            task=f"{plan.id}:{spec.code}",
            workflow=task.workflow,
            new_workflow=spec.workflow,
        )
    task.position = position
    task.section = spec.section
    task.title = spec.title
    task.actions = list(spec.actions)
    task.result = spec.result
    task.workflow = spec.workflow
    task.window_start = window.start
    task.window_end = window.end
    task.recurrence = spec.recurrence
    task.details = {"due": spec.due} if spec.due else {}
    task.depends_on = list(spec.depends_on)
    task.note = spec.note
    task.lead_by_source = [dataclasses.asdict(x) for x in spec.lead_by_source]
    task.archived = False
    wanted = [("lead", i, code) for i, code in enumerate(spec.leads)] + [
        ("co", i, code) for i, code in enumerate(spec.co)
    ]
    current = [(a.role, a.position, a.agency_code) for a in task.agencies]
    if current != wanted:
        task.agencies.clear()
        for role, i, code in wanted:
            task.agencies.append(TaskAgency(role=role, position=i, agency_code=code))


def _sync_occurrences(
    session: Session, plan: Plan, task: Task, spec: PlanSpec, report: LoadReport, now: dt.datetime
) -> None:
    wf = workflows.get(task.workflow)
    planned = {
        o.key: o
        for o in occurrence_windows(
            task.window_start,
            task.window_end,
            task.recurrence,
            plan.issued,
            (task.details or {}).get("due"),
        )
    }
    current = {
        occurrence_key(o.year, o.period): o
        for o in session.scalars(select(Occurrence).where(Occurrence.task_id == task.id))
    }
    for key, window in planned.items():
        occ = current.get(key)
        if occ is None:
            _create_occurrence(session, plan, task, window, wf.initial, now)
            report.occurrences_added.append(format_ref(plan.id, task.code, key or None))
        else:
            _replan(session, occ, window.start, window.due, now, report)
    for key, occ in current.items():
        if key not in planned and not occ.archived:
            if _has_history(occ):
                raise Conflict("window_drops_history", ref=occ.ref, task=task.code)
            occ.archived = True
            report.occurrences_archived.append(occ.ref)


def _create_occurrence(
    session: Session,
    plan: Plan,
    task: Task,
    window: OccurrenceWindow,
    initial: str,
    now: dt.datetime,
) -> None:
    start, due = window.start, window.due
    occ = Occurrence(
        task_id=task.id,
        ref=format_ref(plan.id, task.code, window.key or None),
        year=window.year,
        period=window.period,
        state=initial,
        phase="not_started",
        state_entered_at=now,
        version=1,
        window_start=start,
        due=due,
        planned_due=due,
        head_hash=GENESIS,
        head_seq=0,
    )
    session.add(occ)
    session.add(
        new_event(
            occ,
            at=now,
            actor=CATALOG_ACTOR,
            trigger="create",
            from_state=None,
            to_state=initial,
            fields={"window_start": start.isoformat(), "due": due.isoformat()},
        )
    )


def _replan(
    session: Session,
    occ: Occurrence,
    start: dt.date,
    due: dt.date,
    now: dt.datetime,
    report: LoadReport,
) -> None:
    """Move an open occurrence to its new window; finished ones keep their dates."""
    occ.archived = False
    if (occ.window_start, occ.planned_due) == (start, due):
        return
    if occ.phase in ("completed", "cancelled"):
        return
    # Keep any extension earned by suspensions on top of the new planned due date.
    extension = occ.due - occ.planned_due
    fields = {
        "window_start": [occ.window_start.isoformat(), start.isoformat()],
        "due": [occ.due.isoformat(), (due + extension).isoformat()],
    }
    occ.window_start, occ.planned_due, occ.due = start, due, due + extension
    session.add(
        new_event(
            occ,
            at=now,
            actor=CATALOG_ACTOR,
            trigger="replan",
            from_state=occ.state,
            to_state=occ.state,
            fields=fields,
        )
    )
    report.occurrences_replanned.append(occ.ref)
