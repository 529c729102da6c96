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
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import Session

from engine import ladder
from engine.cycle_models import APPROVED, ExtensionRequest
from engine.errors import DondocError
from engine.extensions import extension_counts, ladder_scope
from engine.ledger import SessionSource, recorded_levels, unit_of_work
from engine.models import OPEN_PHASES, Escalation, Occurrence, Plan, Task
from engine.outbox import AgencyBook
from engine.plan_spec import LadderStep
from engine.state_limits import limited_states, state_limit_query, sweep_state_limits
from engine.succession import SuccessionBook, apply_due
from engine.sweep_record import (
    OVERDUE,
    REMINDER,
    STATE_LIMIT,
    Due,
    EscalationRecord,
    SkippedPlan,
    Step,
    SweepContext,
    check_agencies,
    collector_paused,
    per_plan,
    record,
)
from engine.sweep_rows import Candidate, read_by_ids
from engine.workdays import PlanCalendars, WorkingCalendar

__all__ = [
    "OVERDUE",
    "REMINDER",
    "STATE_LIMIT",
    "EscalationRecord",
    "SkippedPlan",
    "SweepResult",
    "limited_states",
    "overdue_query",
    "plan_ladder",
    "state_limit_query",
    "sweep",
]


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
    with collector_paused(), unit_of_work(source, dry_run) as session:
        if not dry_run:
            # Successions due by then re-point open work first (engine.succession).
            apply_due(session, as_of)
        ctx = SweepContext(as_of, dry_run, lang, AgencyBook(session), PlanCalendars(calendar))
        records = _sweep_overdue(session, ctx)
        records += sweep_state_limits(session, ctx)
    return SweepResult(records, list(ctx.skipped.values()))


# ---------------------------------------------------------------- overdue ladder


def _sweep_overdue(session: Session, ctx: SweepContext) -> list[EscalationRecord]:
    due = _still_due(session, ctx)
    occurrences = read_by_ids(session, sorted(due))
    book = SuccessionBook(session)
    ladders: dict[str, tuple[LadderStep, ...]] = {}
    parents = _Parents(ctx.agencies)
    responsible: dict[str, str] = {}
    # What depends only on the plan, the due day and the levels recorded (the
    # steps pending, the day each was reached, how late): once, not per occurrence.
    schedules: dict[tuple[str, dt.date, frozenset[int]], _Schedule] = {}

    def due_of(occ: Candidate) -> Due | None:
        plan = occ.task.plan
        scope, done = due[occ.id]
        key = (plan.id, occ.due, frozenset(done))
        schedule = schedules.get(key)
        if schedule is None:
            schedule = schedules[key] = _schedule(plan, occ.due, done, ctx, ladders)
        if not schedule.steps:
            return None
        if plan.id not in responsible:
            responsible[plan.id] = plan.responsible_on(ctx.as_of)
        leads = occ.leads_on(ctx.as_of)
        steps = [
            Step(
                level=s.level,
                target=_resolve(s, leads, responsible[plan.id], plan, parents, book, ctx.as_of),
                cc=occ.co_on(ctx.as_of) if ladder.copies_co_operating(s) else [],
                reached_on=reached_on,
            )
            for s, reached_on in schedule.steps
        ]
        check_agencies(steps, ctx.agencies)
        return Due(occ, OVERDUE, scope, steps, schedule.late)

    return record(session, per_plan(occurrences, ctx, due_of), ctx)


@dataclass(frozen=True)
class _Schedule:
    """The pending steps of a due day (with the day each was reached) and how late it is."""

    steps: list[tuple[LadderStep, dt.date]]
    late: int


def _schedule(
    plan: Plan,
    due: dt.date,
    done: set[int],
    ctx: SweepContext,
    ladders: dict[str, tuple[LadderStep, ...]],
) -> _Schedule:
    cal = ctx.calendars.for_plan(plan.id, plan.details)
    pending = ladder.pending_levels(cal, due, ctx.as_of, done, _ladder(plan, ladders))
    return _Schedule(
        [(s, cal.add_working_days(due, s.after_working_days)) for s in pending],
        ladder.days_overdue(cal, due, ctx.as_of),
    )


def _still_due(session: Session, ctx: SweepContext) -> dict[int, tuple[str, set[int]]]:
    """The overdue occurrences with a level reached and not yet recorded: id -> (scope, levels done).

    One statement reads, through the (phase, due) index, each overdue
    occurrence's due day, its task's plan, how many ladder levels its ledger
    holds (and the highest) and whether an extension was approved; the
    levels reached are worked out once per plan and due day. Levels run 1, 2,
    3 and are reached in that order, so an occurrence without an extension
    whose ledger holds exactly 1..n with n at least the highest level reached
    has nothing new: the hourly sweep, where that is every occurrence, loads
    none of them. The others (some level missing, an extension that restarts
    the ladder, a plan whose ladder or calendar fails, so that the sweep
    reports it) have their ledger read level by level as before.
    """
    occ = Occurrence.__table__.c
    esc = Escalation.__table__.c
    # How many levels the ledger holds when they are exactly 1..n (the count equals the
    # highest: levels are unique and start at 1), else -1: one index probe, not two.
    in_order = case((func.count() == func.coalesce(func.max(esc.level), 0), func.count()), else_=-1)
    ledger = (
        select(in_order)
        .where(esc.occurrence_id == occ.id, esc.kind == OVERDUE, esc.scope == "")
        .correlate(Occurrence.__table__)
    )
    query = overdue_query(ctx.as_of).with_only_columns(
        occ.id,
        occ.due,
        select(Task.plan_id).where(Task.id == occ.task_id).scalar_subquery(),
        ledger.scalar_subquery(),
        exists()
        .where(ExtensionRequest.occurrence_id == occ.id, ExtensionRequest.status == APPROVED)
        .correlate(Occurrence.__table__),
    )
    rows = session.execute(query).all()
    plans = {
        p.id: p for p in session.scalars(select(Plan).where(Plan.id.in_({r[2] for r in rows})))
    }
    ladders: dict[str, tuple[LadderStep, ...]] = {}
    reached: dict[tuple[str, dt.date], set[int] | None] = {}
    unsure: list[tuple[int, dt.date, set[int] | None]] = []
    for occ_id, due, plan_id, count, extended in rows:
        if (plan_id, due) not in reached:
            reached[(plan_id, due)] = _reached(plans[plan_id], due, ctx, ladders)
        levels = reached[(plan_id, due)]
        settled = levels is not None and not extended and count >= 0
        if settled and (not levels or max(levels) <= count):
            continue
        unsure.append((occ_id, due, levels))
    ids = [occ_id for occ_id, _, _ in unsure]
    done = recorded_levels(session, ids, OVERDUE)
    extended_counts = extension_counts(session, ids)
    out: dict[int, tuple[str, set[int]]] = {}
    for occ_id, due, levels in unsure:
        # After an approved extension the ladder starts again from the new day.
        scope = ladder_scope(extended_counts.get(occ_id, 0), due)
        recorded = done.get((occ_id, scope), set())
        if levels is None or not levels <= recorded:
            out[occ_id] = (scope, recorded)
    return out


def _reached(
    plan: Plan, due: dt.date, ctx: SweepContext, ladders: dict[str, tuple[LadderStep, ...]]
) -> set[int] | None:
    """The ladder levels reached by ``ctx.as_of`` for this due day; None if the plan cannot say."""
    try:
        cal = ctx.calendars.for_plan(plan.id, plan.details)
        return {s.level for s in ladder.levels_reached(cal, due, ctx.as_of, _ladder(plan, ladders))}
    except DondocError:
        return None


def _ladder(plan: Plan, cache: dict[str, tuple[LadderStep, ...]]) -> tuple[LadderStep, ...]:
    """The plan's checked ladder, worked out once per sweep rather than once per occurrence."""
    found = cache.get(plan.id)
    if found is None:
        found = cache[plan.id] = plan_ladder(plan)
    return found


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


def _resolve(
    step: LadderStep,
    leads: list[str],
    responsible: str,
    plan: Plan,
    parents: _Parents,
    book: SuccessionBook,
    as_of: dt.date,
) -> str:
    """The agency a step presses on ``as_of``: followed through every succession by then
    (after 1/7/2025 Kon Tum's committee is Quảng Ngãi's, engine.succession).

    ``leads`` and ``responsible`` are the occurrence's leads and the plan's
    responsible department on ``as_of``."""
    target = ladder.resolve_target(
        step.target,
        leads=leads,
        responsible=responsible,
        parents=parents,
        province=plan.province,
    )
    return book.holder(target, as_of)
