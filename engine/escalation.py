"""The overdue sweep: record each escalation level an occurrence reaches, once, and queue its message.

One sweep (``dondoc escalate``, or the scheduler's hourly job) asks the
database for the open occurrences whose due day has passed, through the
``ix_occurrences_phase_due`` index, and for those sitting in a state with its
own time limit past that limit. For each it works out the ladder levels
reached on ``as_of`` (``engine.ladder``) and inserts one ``escalations`` row
per level with ``INSERT ... ON CONFLICT DO NOTHING`` against the unique
(occurrence, kind, scope, level). Whoever loses that race (a second sweep in
another process, or a rerun) inserts nothing and sends nothing, so a level
happens once however many sweeps run. The notification is written to the
outbox in the same transaction as the row, so one exists exactly when the
other does.

After downtime one sweep may find several levels reached at once: it records
every level (the lower ones marked as caught up in ``reason``) but queues a
single message per occurrence, naming the highest level and saying that the
lower ones were recorded too, rather than flooding agencies with stale news.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, selectinload

import workflows
from engine import ladder
from engine.escalation_messages import escalation_message
from engine.ledger import (
    SessionSource,
    insert_many_once,
    insert_once,
    recorded_levels,
    unit_of_work,
)
from engine.models import OPEN_PHASES, Escalation, Occurrence, Plan, Task, utcnow
from engine.workdays import PlanCalendars, WorkingCalendar, local_day
from notifiers.outbox import AgencyBook, enqueue
from tasks_catalog.spec import LadderStep

OVERDUE = "overdue"
STATE_LIMIT = "state_limit"
REMINDER = "reminder"

__all__ = [
    "OVERDUE",
    "REMINDER",
    "STATE_LIMIT",
    "EscalationRecord",
    "SessionSource",
    "insert_once",
    "overdue_query",
    "plan_ladder",
    "sweep",
    "unit_of_work",
]


@dataclass(frozen=True)
class EscalationRecord:
    """One ledger row a sweep created (or, in a dry run, would create)."""

    ref: str
    kind: str
    level: int
    target: str
    days_overdue: int
    cc: tuple[str, ...] = ()
    scope: str = ""
    caught_up: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "kind": self.kind,
            "level": self.level,
            "target": self.target,
            "days_overdue": self.days_overdue,
            "cc": list(self.cc),
            "scope": self.scope,
            "caught_up": self.caught_up,
        }


@dataclass
class _Step:
    """A level due to be recorded for one occurrence, with its resolved agencies."""

    level: int
    target: str
    cc: list[str]
    reached_on: dt.date
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Sweep:
    """What one sweep knows once: the day, the mode, and its caches of agencies and calendars."""

    as_of: dt.date
    dry_run: bool
    lang: str
    agencies: AgencyBook
    calendars: PlanCalendars


def sweep(
    source: SessionSource,
    *,
    as_of: dt.date,
    dry_run: bool = False,
    calendar: WorkingCalendar | None = None,
    lang: str = "vi",
) -> list[EscalationRecord]:
    """Record the escalations reached by ``as_of`` and queue their messages; return what was new.

    ``source`` is a session (the caller's transaction) or a session factory
    (one transaction of its own). ``dry_run`` computes the same list from the
    ledger as it stands and writes nothing. Working days are counted on each
    plan's calendar (the deployment's ``[calendar]`` merged with the plan's
    own), unless ``calendar`` imposes one for every plan.
    """
    with unit_of_work(source, dry_run) as session:
        ctx = _Sweep(as_of, dry_run, lang, AgencyBook(session), PlanCalendars(calendar))
        created = _sweep_overdue(session, ctx)
        created += _sweep_state_limits(session, ctx)
    return created


# ---------------------------------------------------------------- overdue ladder


def _sweep_overdue(session: Session, ctx: _Sweep) -> list[EscalationRecord]:
    occurrences = _candidates(session, overdue_query(ctx.as_of))
    done = recorded_levels(session, [o.id for o in occurrences], OVERDUE)
    dues: list[_Due] = []
    for occ in occurrences:
        plan = occ.task.plan
        cal = ctx.calendars.for_plan(plan.id, plan.details)
        steps = [
            _Step(
                level=s.level,
                target=_resolve(s, occ.task, plan, ctx.agencies),
                cc=occ.task.co_agencies if ladder.copies_co_operating(s) else [],
                reached_on=cal.add_working_days(occ.due, s.after_working_days),
            )
            for s in ladder.pending_levels(
                cal, occ.due, ctx.as_of, done.get((occ.id, ""), set()), plan_ladder(plan)
            )
        ]
        if steps:
            late = ladder.days_overdue(cal, occ.due, ctx.as_of)
            dues.append(_Due(occ, OVERDUE, "", steps, late))
    return _record(session, dues, ctx)


def _candidates(session: Session, query: Select[Occurrence]) -> list[Occurrence]:
    """The occurrences a sweep query finds, with task, agencies and plan, in id order."""
    return _in_id_order(
        session.scalars(
            query.options(
                selectinload(Occurrence.task).selectinload(Task.agencies),
                selectinload(Occurrence.task).selectinload(Task.plan),
            )
        ).all()
    )


def overdue_query(as_of: dt.date) -> Select[Occurrence]:
    """Open occurrences due before ``as_of``: answered by the (phase, due) index, not a scan.

    No ORDER BY (the sweep sorts what it fetched): with ANALYZE statistics of a
    large table, SQLite judged ``phase IN (...)`` unselective and walked the
    whole table in id order to skip the sort, 0.2 s at 1M rows on every sweep.
    """
    return (
        select(Occurrence)
        .where(Occurrence.phase.in_(OPEN_PHASES), Occurrence.due < as_of)
        .where(or_(Occurrence.archived.is_(False), Occurrence.archived.is_(None)))
    )


def _in_id_order(occurrences: Sequence[Occurrence]) -> list[Occurrence]:
    """The sweep's fixed order (ledger rows and messages by occurrence id), sorted here, not in SQL."""
    return sorted(occurrences, key=lambda o: o.id)


def plan_ladder(plan: Plan) -> tuple[LadderStep, ...]:
    """The plan's own ladder from its catalog file, or the default one."""
    raw = (plan.details or {}).get("escalation") or []
    if not raw:
        return ladder.DEFAULT_LADDER
    steps = [
        LadderStep(int(s["level"]), int(s["after_working_days"]), str(s["target"])) for s in raw
    ]
    return ladder.validate_ladder(steps, source=f"plan {plan.id} escalation")


class _Parents(dict[str, str | None]):
    """The agency book seen as the ``{code: parent}`` mapping ``ladder.resolve_target`` reads."""

    def __init__(self, agencies: AgencyBook) -> None:
        super().__init__()
        self._agencies = agencies

    def __missing__(self, code: str) -> str | None:
        return self._agencies.parent(code)

    def get(self, code: str, default: Any = None) -> Any:
        return self[code] if code else default


def _resolve(step: LadderStep, task: Task, plan: Plan, agencies: AgencyBook) -> str:
    return ladder.resolve_target(
        step.target,
        leads=task.leads,
        responsible=plan.responsible_code,
        parents=_Parents(agencies),
        province=plan.province,
    )


# ---------------------------------------------------------------- state time limits


def limited_states() -> list[tuple[str, str, int]]:
    """(workflow, state, days) for every state that declares its own time limit."""
    out = []
    for name in workflows.names():
        for state in workflows.get(name).states.values():
            if state.time_limit_days:
                out.append((name, state.name, state.time_limit_days))
    return out


def state_limit_query(as_of: dt.date) -> Select[Occurrence] | None:
    """Open occurrences sitting in a time-limited state past (about) its limit; None if no state has one.

    It leads with ``state IN (the limited states)`` and ``state_entered_at``
    so the database answers from ``ix_occurrences_state_entered`` instead of
    walking every open occurrence (no ORDER BY, for the reason given in
    ``overdue_query``). The cut is generous (a day of slack for
    the time zone); the sweep makes the exact test.
    """
    limits = limited_states()
    if not limits:
        return None
    midnight = dt.datetime.combine(as_of, dt.time(), dt.UTC)
    clauses = [
        and_(
            Occurrence.state == state,
            Occurrence.state_entered_at < midnight - dt.timedelta(days=days - 1),
            Task.workflow == wf_name,
        )
        for wf_name, state, days in limits
    ]
    return (
        select(Occurrence)
        .join(Task)
        .where(Occurrence.state.in_(sorted({state for _, state, _ in limits})))
        .where(or_(*clauses), Occurrence.phase.in_(OPEN_PHASES))
    )


def _sweep_state_limits(session: Session, ctx: _Sweep) -> list[EscalationRecord]:
    query = state_limit_query(ctx.as_of)
    if query is None:
        return []
    occurrences = _candidates(session, query)
    done = recorded_levels(session, [o.id for o in occurrences], STATE_LIMIT)
    dues: list[_Due] = []
    for occ in occurrences:
        days = workflows.get(occ.task.workflow).state(occ.state).time_limit_days or 0
        entered = local_day(occ.state_entered_at)
        limit_due = ladder.state_time_limit_due(entered, days)
        scope = f"{occ.state}@{entered.isoformat()}"
        cal = ctx.calendars.for_plan(occ.task.plan.id, occ.task.plan.details)
        late = ladder.days_overdue(cal, limit_due, ctx.as_of)
        if late < 1 or 1 in done.get((occ.id, scope), set()) or not occ.task.leads:
            continue
        step = _Step(
            level=1,
            target=occ.task.leads[0],
            cc=occ.task.co_agencies,
            reached_on=cal.next_working_day(limit_due),
            extra={"state": occ.state, "limit_days": days, "limit_due": limit_due},
        )
        dues.append(_Due(occ, STATE_LIMIT, scope, [step], late))
    return _record(session, dues, ctx)


# ---------------------------------------------------------------- the ledger and the outbox


@dataclass
class _Due:
    """The levels one occurrence reached in this sweep, before the ledger says which are new."""

    occ: Occurrence
    kind: str
    scope: str
    steps: list[_Step]
    late: int


_LEDGER_KEY = ("occurrence_id", "kind", "scope", "level")


def _record(session: Session, dues: list[_Due], ctx: _Sweep) -> list[EscalationRecord]:
    """Insert every due step's ledger row once; queue one message per occurrence for its highest new one.

    All ledger rows of the sweep go in with one ``INSERT ... ON CONFLICT DO
    NOTHING RETURNING`` per page; the rows it returns are the levels this
    sweep won, and only those get a message (rendered here, not before).
    """
    rows = []
    created_at = utcnow()
    for due in dues:
        for step in due.steps:
            step.reason = _reason(due.kind, step, ctx.as_of, due.late, step.reached_on < ctx.as_of)
            rows.append(
                {
                    "occurrence_id": due.occ.id,
                    "kind": due.kind,
                    "scope": due.scope,
                    "level": step.level,
                    "target_code": step.target,
                    "cc": step.cc,
                    "reason": step.reason,
                    "as_of": ctx.as_of,
                    "days_overdue": due.late,
                    "created_at": created_at,
                }
            )
    if ctx.dry_run:
        inserted = {tuple(row[k] for k in _LEDGER_KEY) for row in rows}
    else:
        inserted = insert_many_once(session, Escalation, rows, _LEDGER_KEY)
    created: list[EscalationRecord] = []
    for due in dues:
        occ, kind, scope, late = due.occ, due.kind, due.scope, due.late
        won = [s for s in due.steps if (occ.id, kind, scope, s.level) in inserted]
        if won and not ctx.dry_run:
            _queue_escalation_message(session, occ, kind, scope, won, late, ctx)
        created += [
            EscalationRecord(
                ref=occ.ref,
                kind=kind,
                level=s.level,
                target=s.target,
                days_overdue=late,
                cc=tuple(s.cc),
                scope=scope,
                caught_up=s.reached_on < ctx.as_of,
            )
            for s in won
        ]
    return created


def _reason(kind: str, step: _Step, as_of: dt.date, late: int, caught_up: bool) -> str:
    if kind == STATE_LIMIT:
        text = (
            f"{step.extra['limit_days']} days allowed in state {step.extra['state']} "
            f"ended on {step.extra['limit_due'].isoformat()}"
        )
    else:
        text = f"level {step.level} reached on {step.reached_on.isoformat()}"
    text += f"; {late} working day(s) overdue on {as_of.isoformat()}"
    if caught_up:
        text += "; caught up: recorded late because no sweep ran on the day it was reached"
    return text


def _queue_escalation_message(
    session: Session,
    occ: Occurrence,
    kind: str,
    scope: str,
    won: list[_Step],
    late: int,
    ctx: _Sweep,
) -> None:
    top = won[-1]
    # Earlier levels recorded in this same sweep were pressed on nobody yet:
    # their targets are told in copy of the one message.
    earlier = [code for s in won[:-1] for code in (s.target, *s.cc)]
    told = [c for c in dict.fromkeys([*top.cc, *earlier]) if c != top.target]
    due = occ.due if kind == OVERDUE else top.extra["limit_due"]
    message = escalation_message(
        occ,
        kind=kind,
        due=due,
        days_overdue=late,
        level=top.level,
        target=top.target,
        told=told,
        caught_up_levels=[s.level for s in won[:-1]],
        limit_days=top.extra.get("limit_days"),
        agencies=ctx.agencies,
        lang=ctx.lang,
    )
    enqueue(
        session,
        key=f"esc:{occ.ref}:{kind}:{scope + ':' if scope else ''}{top.level}",
        kind="escalation",
        agency_code=top.target,
        cc=told,
        subject=message.subject,
        text=message.text,
        html=message.html,
        payload={
            "ref": occ.ref,
            "kind": kind,
            "scope": scope,
            "level": top.level,
            "levels": [s.level for s in won],
            "target": top.target,
            "days_overdue": late,
            "due": occ.due.isoformat(),
        },
        lang=ctx.lang,
        occurrence_id=occ.id,
        agencies=ctx.agencies,
    )
