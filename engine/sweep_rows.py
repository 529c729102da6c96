"""A sweep's candidates read as plain rows, not ORM objects: what the ladder, notices and seals read.

At 1M occurrences a first sweep over 10,000 newly overdue loaded 10,000
occurrences, their tasks, task agencies and successions as ORM objects: the
identity map's bookkeeping and the garbage collector's passes over those
objects were about half of its CPU (bench/README.md). The sweep never
changes an occurrence (it writes ledger, outbox and seal rows with Core), so
it reads the columns it needs with Core statements, one per table and page
of ids, into the small classes below. They answer the questions an
``Occurrence`` answers for the sweep (``leads_on``, ``co_on``, ``task.plan``)
the same way, so the notices and seals written from them are the same.
Plans (a few hundred at most) stay ORM objects with their applied
successions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from engine.id_sets import id_pages
from engine.models import Occurrence, Plan, Task, TaskAgency
from engine.succession_models import SuccessionApplied, holders_after

_OCCURRENCE_COLUMNS = (
    "id",
    "task_id",
    "ref",
    "year",
    "state",
    "phase",
    "state_entered_at",
    "resume_state",
    "suspended_on",
    "window_start",
    "due",
    "planned_due",
    "completed_on",
    "head_hash",
    "archived",
)


@dataclass(frozen=True, slots=True)
class AgencyPart:
    """A task agency's role, position and code, as ``TaskAgency`` has them."""

    role: str
    position: int
    agency_code: str


@dataclass(slots=True, eq=False)
class TaskRow:
    """What the sweep reads of a task; ``plan`` is the ORM plan with its applied successions."""

    id: int
    plan_id: str
    code: str
    title: str
    workflow: str
    archived: bool
    plan: Plan
    agencies: list[AgencyPart] = field(default_factory=list)

    @property
    def leads(self) -> list[str]:
        return [a.agency_code for a in self.agencies if a.role == "lead"]

    @property
    def co_agencies(self) -> list[str]:
        return [a.agency_code for a in self.agencies if a.role == "co"]


@dataclass(slots=True, eq=False)
class Candidate:
    """An occurrence as a sweep reads it: its row, its task and its applied successions."""

    id: int
    task_id: int
    ref: str
    year: int | None
    state: str
    phase: str
    state_entered_at: dt.datetime
    resume_state: str | None
    suspended_on: dt.date | None
    window_start: dt.date
    due: dt.date
    planned_due: dt.date
    completed_on: dt.date | None
    head_hash: str
    archived: bool
    task: TaskRow
    applied: list[SuccessionApplied] = field(default_factory=list)

    def leads_on(self, day: dt.date) -> list[str]:
        """As ``Occurrence.leads_on``: the annex's leads through the successions applied by ``day``."""
        return holders_after(self.applied, self.task.leads, day)

    def co_on(self, day: dt.date) -> list[str]:
        """As ``Occurrence.co_on``: co-operating agencies on ``day``, never one that also leads."""
        leads = set(self.leads_on(day))
        return [
            c for c in holders_after(self.applied, self.task.co_agencies, day) if c not in leads
        ]


def read_candidates(session: Session, query: Select[Any]) -> list[Candidate]:
    """The occurrences ``query`` selects (a ``select(Occurrence)``), as rows, in id order."""
    columns = [Occurrence.__table__.c[name] for name in _OCCURRENCE_COLUMNS]
    rows = session.execute(query.with_only_columns(*columns)).all()
    return _assemble(session, rows)


def read_by_ids(session: Session, ids: Sequence[int]) -> list[Candidate]:
    """The occurrences with these ids, as rows, in id order."""
    columns = [Occurrence.__table__.c[name] for name in _OCCURRENCE_COLUMNS]
    rows: list[Any] = []
    for cond in id_pages(session, Occurrence.id, sorted(ids)):
        rows += session.execute(select(*columns).where(cond)).all()
    return _assemble(session, rows)


def _assemble(session: Session, rows: Sequence[Any]) -> list[Candidate]:
    if not rows:
        return []
    tasks = _tasks(session, sorted({r.task_id for r in rows}))
    applied = _applied(session, sorted(r.id for r in rows))
    found = [
        Candidate(
            **r._mapping,
            task=tasks[r.task_id],
            applied=applied.get(r.id, []),
        )
        for r in rows
    ]
    found.sort(key=lambda c: c.id)
    return found


def _tasks(session: Session, ids: list[int]) -> dict[int, TaskRow]:
    t = Task.__table__.c
    a = TaskAgency.__table__.c
    raw: list[Any] = []
    parts: dict[int, list[AgencyPart]] = {}
    for cond in id_pages(session, t.id, ids):
        raw += session.execute(
            select(t.id, t.plan_id, t.code, t.title, t.workflow, t.archived).where(cond)
        ).all()
    for cond in id_pages(session, a.task_id, ids):
        for task_id, role, position, code in session.execute(
            select(a.task_id, a.role, a.position, a.agency_code)
            .where(cond)
            .order_by(a.task_id, a.position)
        ):
            parts.setdefault(task_id, []).append(AgencyPart(role, position, code))
    plans = {
        p.id: p
        for p in session.scalars(
            select(Plan)
            .where(Plan.id.in_(sorted({r.plan_id for r in raw})))
            .options(selectinload(Plan.applied))
        )
    }
    return {
        r.id: TaskRow(
            r.id,
            r.plan_id,
            r.code,
            r.title,
            r.workflow,
            bool(r.archived),
            plans[r.plan_id],
            parts.get(r.id, []),
        )
        for r in raw
    }


def _applied(session: Session, ids: list[int]) -> dict[int, list[SuccessionApplied]]:
    """Each occurrence's applied successions, in ``Occurrence.applied``'s order."""
    found: dict[int, list[SuccessionApplied]] = {}
    for cond in id_pages(session, SuccessionApplied.occurrence_id, ids):
        for row in session.scalars(
            select(SuccessionApplied)
            .where(cond)
            .order_by(SuccessionApplied.effective, SuccessionApplied.id)
        ):
            assert row.occurrence_id is not None
            found.setdefault(row.occurrence_id, []).append(row)
    return found
