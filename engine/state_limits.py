"""Per-state time limits ("30 days in consulting"): escalated to the owner once per visit.

A state of a workflow may declare ``time_limit_days``; an occurrence sitting
in it past the limit is escalated like a missed due day, at level 1 to its
owner, once for each visit to the state (the ledger's scope is the state and
the day it was entered).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

import workflows
from engine import ladder
from engine.ledger import recorded_levels
from engine.models import OPEN_PHASES, Occurrence, Task
from engine.sweep_record import (
    STATE_LIMIT,
    Due,
    EscalationRecord,
    Step,
    SweepContext,
    candidates,
    check_agencies,
    per_plan,
    record,
)
from engine.sweep_rows import Candidate
from engine.workdays import local_day


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


def sweep_state_limits(session: Session, ctx: SweepContext) -> list[EscalationRecord]:
    query = state_limit_query(ctx.as_of)
    if query is None:
        return []
    occurrences = candidates(session, query)
    done = recorded_levels(session, [o.id for o in occurrences], STATE_LIMIT)

    def due_of(occ: Candidate) -> Due | None:
        days = workflows.get(occ.task.workflow).state(occ.state).time_limit_days or 0
        entered = local_day(occ.state_entered_at)
        limit_due = ladder.state_time_limit_due(entered, days)
        scope = f"{occ.state}@{entered.isoformat()}"
        cal = ctx.calendars.for_plan(occ.task.plan.id, occ.task.plan.details)
        late = ladder.days_overdue(cal, limit_due, ctx.as_of)
        if late < 1 or 1 in done.get((occ.id, scope), set()) or not occ.leads_on(ctx.as_of):
            return None
        step = Step(
            level=1,
            target=occ.leads_on(ctx.as_of)[0],
            cc=occ.co_on(ctx.as_of),
            reached_on=cal.next_working_day(limit_due),
            extra={"state": occ.state, "limit_days": days, "limit_due": limit_due},
        )
        check_agencies([step], ctx.agencies)
        return Due(occ, STATE_LIMIT, scope, [step], late)

    return record(session, per_plan(occurrences, ctx, due_of), ctx)
