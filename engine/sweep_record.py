"""What a sweep writes: each level once in the ledger, and one notice per occurrence.

Shared by the overdue sweep (``engine.escalation``) and the per-state time
limits (``engine.state_limits``): the steps a sweep found due, grouped per
plan so that one plan that cannot be escalated is skipped alone; the ledger
rows, inserted with one ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` per
page; and the notices of the levels this sweep won, queued as facts in the
same transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from engine.errors import DondocError
from engine.ledger import insert_many_once
from engine.models import Escalation, Occurrence, utcnow
from engine.notices import notice_facts
from engine.outbox import AgencyBook, Notice, queue_many
from engine.seal import reseal
from engine.sweep_rows import Candidate, read_candidates
from engine.workdays import PlanCalendars

OVERDUE = "overdue"
STATE_LIMIT = "state_limit"
REMINDER = "reminder"


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
class Step:
    """A level due to be recorded for one occurrence, with its resolved agencies."""

    level: int
    target: str
    cc: list[str]
    reached_on: dt.date
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SweepContext:
    """What one sweep knows once: the day, the mode, and its caches of agencies and calendars."""

    as_of: dt.date
    dry_run: bool
    lang: str
    agencies: AgencyBook
    calendars: PlanCalendars
    skipped: dict[str, SkippedPlan] = field(default_factory=dict)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection for the length of one sweep (it runs again after).

    A first sweep keeps its candidates, rows and facts alive until it ends,
    and the collector, counting them as survivors, ran five or six full
    passes over the whole heap: 0.5-0.7 s of a 3 s sweep at national scale
    (bench/NOTES.md). What the sweep holds is freed by reference counting
    when it ends; memory stays bounded by ``ROUND``. The collector is turned
    back on only if this call turned it off.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def per_plan(
    occurrences: Sequence[Candidate], ctx: SweepContext, work: Callable[[Candidate], Due | None]
) -> list[Due]:
    """``work`` for each occurrence; a plan whose occurrences fail is skipped whole and reported."""
    by_plan: dict[str, list[Candidate]] = {}
    for occ in occurrences:
        by_plan.setdefault(occ.task.plan_id, []).append(occ)
    dues: list[Due] = []
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


def check_agencies(steps: Sequence[Step], agencies: AgencyBook) -> None:
    """Every agency a step names exists (``NotFound`` otherwise), before anything is written."""
    for step in steps:
        for code in (step.target, *step.cc):
            agencies[code]


def candidates(session: Session, query: Select[Occurrence]) -> list[Candidate]:
    """The occurrences a sweep query finds, with task, agencies, plan and successions, in id order.

    Read as rows (``engine.sweep_rows``): the sweep changes no occurrence, and
    ORM objects for thousands of candidates cost more than the rest of it.
    """
    return read_candidates(session, query)


@dataclass
class Due:
    """The levels one occurrence reached in this sweep, before the ledger says which are new."""

    occ: Candidate
    kind: str
    scope: str
    steps: list[Step]
    late: int


_LEDGER_KEY = ("occurrence_id", "kind", "scope", "level")


# Occurrences written per round: the ledger, outbox and seal rows of a round
# and their facts are dropped before the next (peak memory of a first sweep
# over 10,000 stays flat), and each statement stays one page.
ROUND = 1000


def record(session: Session, dues: list[Due], ctx: SweepContext) -> list[EscalationRecord]:
    """``record_round`` for each round of ``ROUND`` occurrences, in order, in the one transaction."""
    created: list[EscalationRecord] = []
    for start in range(0, len(dues), ROUND):
        created += record_round(session, dues[start : start + ROUND], ctx)
    return created


def record_round(session: Session, dues: list[Due], ctx: SweepContext) -> list[EscalationRecord]:
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
        # Written without the ORM: the seals of these occurrences now cover the new levels.
        won_ids = {k[0] for k in inserted}  # once, not once per occurrence
        reseal(session, {due.occ for due in dues if due.occ.id in won_ids})
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
    queue_many(session, notices, lang=ctx.lang, agencies=ctx.agencies)
    return created


def _reason(kind: str, step: Step, as_of: dt.date, late: int, caught_up: bool) -> str:
    """The ledger row's ``reason``: the facts of why the level was reached, as compact JSON.

    ``caught_up`` is true when no sweep ran on the day the level was reached,
    so it was recorded late.
    """
    if kind != STATE_LIMIT:
        return _plain_reason(step.reached_on, caught_up)
    facts: dict[str, Any] = {"reached_on": step.reached_on.isoformat(), "caught_up": caught_up}
    facts.update(
        state=step.extra["state"],
        limit_days=step.extra["limit_days"],
        limit_due=step.extra["limit_due"].isoformat(),
    )
    return json.dumps(facts, sort_keys=True, separators=(",", ":"))


@functools.lru_cache(maxsize=1024)
def _plain_reason(reached_on: dt.date, caught_up: bool) -> str:
    """The reason of a level that carries only its day (the same for every occurrence of a due day)."""
    facts = {"reached_on": reached_on.isoformat(), "caught_up": caught_up}
    return json.dumps(facts, sort_keys=True, separators=(",", ":"))


def _notice(
    occ: Candidate, kind: str, scope: str, won: list[Step], late: int, ctx: SweepContext
) -> Notice:
    top = won[-1]
    # Earlier levels recorded in this same sweep were pressed on nobody yet:
    # their targets are told in copy of the one notice.
    earlier = [code for s in won[:-1] for code in (s.target, *s.cc)]
    told = [c for c in dict.fromkeys([*top.cc, *earlier]) if c != top.target]
    facts = notice_facts(
        occ, told=told, agencies=ctx.agencies, mentions=[top.target], day=ctx.as_of
    )
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
