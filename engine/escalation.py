"""The overdue sweep: record each escalation level an occurrence reaches, once, and queue its notice.

One sweep (``dondoc escalate``, or the scheduler's hourly job) asks the
database for the open occurrences whose due day has passed, through the
``ix_occurrences_phase_due`` index, and for those sitting in a state with its
own time limit past that limit. For each it works out the ladder levels
reached on ``as_of`` (``engine.ladder``) and inserts one ``escalations`` row
per level with ``INSERT ... ON CONFLICT DO NOTHING`` against the unique
(occurrence, kind, scope, level). Whoever loses that race (a second sweep in
another process, or a rerun) inserts nothing and sends nothing, so a level
happens once however many sweeps run. The notice is written to the outbox,
as facts, in the same transaction as the row, so one exists exactly when the
other does.

After downtime one sweep may find several levels reached at once: it records
every level (the lower ones marked as caught up in ``reason``) but queues a
single notice per occurrence, naming the highest level and the lower ones
recorded too, rather than flooding agencies with stale news.

A plan the sweep cannot escalate (a ladder or an agency that does not
resolve, in data loaded before the checks of ``catalog load`` existed, or
changed since) is reported in ``SweepResult.skipped`` with its error and
left alone; every other plan is swept.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, selectinload

import workflows
from engine import ladder
from engine.errors import DondocError
from engine.ledger import (
    SessionSource,
    insert_many_once,
    insert_once,
    recorded_levels,
    unit_of_work,
)
from engine.models import OPEN_PHASES, Escalation, Occurrence, Plan, Task, utcnow
from engine.notices import notice_facts
from engine.outbox import AgencyBook, Notice, enqueue_many
from engine.plan_spec import LadderStep
from engine.workdays import PlanCalendars, WorkingCalendar, local_day

OVERDUE = "overdue"
STATE_LIMIT = "state_limit"
REMINDER = "reminder"

__all__ = [
    "OVERDUE",
    "REMINDER",
    "STATE_LIMIT",
    "EscalationRecord",
    "SessionSource",
    "SkippedPlan",
    "SweepResult",
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


@dataclass(frozen=True)
class SkippedPlan:
    """A plan the sweep could not escalate, and why; the other plans were swept."""

    plan: str
    error: DondocError


@dataclass
class SweepResult:
    """What one sweep recorded (or would record), and the plans it had to leave alone.

    It reads as its records (iterating, ``len``); ``skipped`` is aside.
    """

    records: list[EscalationRecord] = field(default_factory=list)
    skipped: list[SkippedPlan] = field(default_factory=list)

    def __iter__(self) -> Iterator[EscalationRecord]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


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
    skipped: dict[str, SkippedPlan] = field(default_factory=dict)


def sweep(
    source: SessionSource,
    *,
    as_of: dt.date,
    dry_run: bool = False,
    calendar: WorkingCalendar | None = None,
    lang: str = "vi",
) -> SweepResult:
    """Record the escalations reached by ``as_of`` and queue their notices; return what was new.

    ``source`` is a session (the caller's transaction) or a session factory
    (one transaction of its own). ``dry_run`` computes the same list from the
    ledger as it stands and writes nothing. Working days are counted on each
    plan's calendar (the deployment's ``[calendar]`` merged with the plan's
    own), unless ``calendar`` imposes one for every plan. ``lang`` is the
    language the notices will be written in.
    """
    with unit_of_work(source, dry_run) as session:
        ctx = _Sweep(as_of, dry_run, lang, AgencyBook(session), PlanCalendars(calendar))
        records = _sweep_overdue(session, ctx)
        records += _sweep_state_limits(session, ctx)
    return SweepResult(records, list(ctx.skipped.values()))


def _per_plan(
    occurrences: Sequence[Occurrence], ctx: _Sweep, work: Callable[[Occurrence], _Due | None]
) -> list[_Due]:
    """``work`` for each occurrence; a plan whose occurrences fail is skipped whole and reported."""
    by_plan: dict[str, list[Occurrence]] = {}
    for occ in occurrences:
        by_plan.setdefault(occ.task.plan_id, []).append(occ)
    dues: list[_Due] = []
    for plan_id, group in by_plan.items():
        if plan_id in ctx.skipped:
            continue
        try:
            found = [due for occ in group if (due := work(occ)) is not None]
        except DondocError as error:
            ctx.skipped[plan_id] = SkippedPlan(plan_id, error)
            continue
        dues += found
    return dues


# ---------------------------------------------------------------- overdue ladder


def _sweep_overdue(session: Session, ctx: _Sweep) -> list[EscalationRecord]:
    occurrences = _candidates(session, overdue_query(ctx.as_of))
    done = recorded_levels(session, [o.id for o in occurrences], OVERDUE)

    def due_of(occ: Occurrence) -> _Due | None:
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
        if not steps:
            return None
        _check_agencies(steps, ctx.agencies)
        return _Due(occ, OVERDUE, "", steps, ladder.days_overdue(cal, occ.due, ctx.as_of))

    return _record(session, _per_plan(occurrences, ctx, due_of), ctx)


def _check_agencies(steps: Sequence[_Step], agencies: AgencyBook) -> None:
    """Every agency a step names exists (``NotFound`` otherwise), before anything is written."""
    for step in steps:
        for code in (step.target, *step.cc):
            agencies[code]


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
    """The plan's own ladder from its catalog file, or the default one; checked as at loading."""
    raw = (plan.details or {}).get("escalation") or []
    if not raw:
        return ladder.DEFAULT_LADDER
    steps = [
        LadderStep(int(s["level"]), int(s["after_working_days"]), str(s["target"])) for s in raw
    ]
    return ladder.validate_ladder(steps, province=plan.province, plan=plan.id)


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

    def due_of(occ: Occurrence) -> _Due | None:
        days = workflows.get(occ.task.workflow).state(occ.state).time_limit_days or 0
        entered = local_day(occ.state_entered_at)
        limit_due = ladder.state_time_limit_due(entered, days)
        scope = f"{occ.state}@{entered.isoformat()}"
        cal = ctx.calendars.for_plan(occ.task.plan.id, occ.task.plan.details)
        late = ladder.days_overdue(cal, limit_due, ctx.as_of)
        if late < 1 or 1 in done.get((occ.id, scope), set()) or not occ.task.leads:
            return None
        step = _Step(
            level=1,
            target=occ.task.leads[0],
            cc=occ.task.co_agencies,
            reached_on=cal.next_working_day(limit_due),
            extra={"state": occ.state, "limit_days": days, "limit_due": limit_due},
        )
        _check_agencies([step], ctx.agencies)
        return _Due(occ, STATE_LIMIT, scope, [step], late)

    return _record(session, _per_plan(occurrences, ctx, due_of), ctx)


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
    """Insert every due step's ledger row once; queue one notice per occurrence for its highest new one.

    All ledger rows of the sweep go in with one ``INSERT ... ON CONFLICT DO
    NOTHING RETURNING`` per page; the rows it returns are the levels this
    sweep won, and only those get a notice, queued together the same way.
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
    notices: list[Notice] = []
    for due in dues:
        occ, kind, scope, late = due.occ, due.kind, due.scope, due.late
        won = [s for s in due.steps if (occ.id, kind, scope, s.level) in inserted]
        if won and not ctx.dry_run:
            notices.append(_notice(occ, kind, scope, won, late, ctx))
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
    enqueue_many(session, notices, lang=ctx.lang, agencies=ctx.agencies)
    return created


def _reason(kind: str, step: _Step, as_of: dt.date, late: int, caught_up: bool) -> str:
    """The ledger row's ``reason``: the facts of why the level was reached, as compact JSON.

    ``caught_up`` is true when no sweep ran on the day the level was reached,
    so it was recorded late.
    """
    facts: dict[str, Any] = {"reached_on": step.reached_on.isoformat(), "caught_up": caught_up}
    if kind == STATE_LIMIT:
        facts.update(
            state=step.extra["state"],
            limit_days=step.extra["limit_days"],
            limit_due=step.extra["limit_due"].isoformat(),
        )
    return json.dumps(facts, sort_keys=True, separators=(",", ":"))


def _notice(
    occ: Occurrence, kind: str, scope: str, won: list[_Step], late: int, ctx: _Sweep
) -> Notice:
    top = won[-1]
    # Earlier levels recorded in this same sweep were pressed on nobody yet:
    # their targets are told in copy of the one notice.
    earlier = [code for s in won[:-1] for code in (s.target, *s.cc)]
    told = [c for c in dict.fromkeys([*top.cc, *earlier]) if c != top.target]
    facts = notice_facts(occ, told=told, agencies=ctx.agencies, mentions=[top.target])
    facts.update(
        kind=kind,
        scope=scope,
        level=top.level,
        levels=[s.level for s in won],
        caught_up=[s.level for s in won[:-1]],
        target=top.target,
        due=occ.due.isoformat(),
        days_overdue=late,
        limit=(
            None
            if kind == OVERDUE
            else {
                "days": top.extra["limit_days"],
                "due": top.extra["limit_due"].isoformat(),
                "state": occ.state,
            }
        ),
    )
    return Notice(
        key=f"esc:{occ.ref}:{kind}:{scope + ':' if scope else ''}{top.level}",
        kind="escalation",
        agency_code=top.target,
        facts=facts,
        cc=tuple(told),
        occurrence_id=occ.id,
    )
