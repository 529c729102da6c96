"""Board lists as SQL: who holds a task, which year it spans, its category, a page in due order.

The worklist, a plan's page and an agency's page show a page of a
selection that may hold a million occurrences. Each filter here is a
condition the database answers through its indexes, so a page reads the
keys of its rows (and a count), never every occurrence.

An agency holds an occurrence when its task names it, unless a succession
was applied to that occurrence (``engine.succession``): then the holders
follow the applied mappings in order (``holders_after``), which a recursive
query walks here, one applied row per step. Both are conditions of a fixed
size, however many occurrences a succession moved (a merged province's
successor holds tens of thousands: a list of their ids passed SQLite's
32,766 bound variables).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    Text,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from engine import status
from engine.listing import Page, category_condition
from engine.models import Occurrence, Task, TaskAgency
from engine.succession import SuccessionBook
from engine.succession_models import SuccessionApplied

AGENCY_ROLES = ("lead", "co")


def live() -> ColumnElement[bool]:
    return or_(Occurrence.archived.is_(False), Occurrence.archived.is_(None))


def spans_year(year: int) -> ColumnElement[bool]:
    """The occurrence's window touches ``year`` (starts by its end, is due after its start)."""
    return and_(
        Occurrence.window_start <= dt.date(year, 12, 31), Occurrence.due >= dt.date(year, 1, 1)
    )


def _names(agency: str, role: str | None = None) -> ColumnElement[bool]:
    # ``task_id IN (…)`` rather than EXISTS: PostgreSQL reads the agency's few tasks
    # through ix_task_agencies_agency_code, then their occurrences by task (50 ms for an
    # agency's 7,000 at 1M, where ``EXISTS … OR EXISTS …`` scanned for 1.8 s).
    tasks = select(TaskAgency.task_id).where(TaskAgency.agency_code == agency)
    if role is not None:
        tasks = tasks.where(TaskAgency.role == role)
    return Occurrence.task_id.in_(tasks)


def _direct(agency: str, role: str | None) -> ColumnElement[bool]:
    """The task names ``agency`` in ``role`` (``co`` only when it does not also lead)."""
    if role == "lead":
        return _names(agency, "lead")
    if role == "co":
        return and_(_names(agency, "co"), ~_names(agency, "lead"))
    return _names(agency)


def _succeeded(as_of: dt.date) -> ColumnElement[bool]:
    return exists().where(
        SuccessionApplied.occurrence_id == Occurrence.id, SuccessionApplied.effective <= as_of
    )


def holds(session: Session, agency: str, role: str | None, as_of: dt.date) -> ColumnElement[bool]:
    """Occurrences ``agency`` holds on ``as_of`` (as lead, co-operating agency, or either)."""
    named = sorted(SuccessionBook(session).predecessors(agency))
    if not _any_moved(session, named, as_of):
        # Nothing a succession moved (every agency before 1/7/2025, and the national data
        # set): the task's own agencies decide, and the query stays one the indexes serve;
        # with the walk beside it PostgreSQL took 1 s for an officer's worklist at 1M.
        return _direct(agency, role)
    decided = and_(~_succeeded(as_of), _direct(agency, role))
    walk = _walk(session, named, as_of)
    final = walk.c.n == walk.c.steps

    def held_as(*roles: str) -> ColumnElement[bool]:
        return Occurrence.id.in_(
            select(walk.c.occ).where(final, walk.c.code == agency, walk.c.role.in_(roles))
        )

    if role == "lead":
        moved = held_as("lead")
    elif role == "co":
        # As ``Occurrence.co_on``: never an agency that also leads on that day.
        moved = and_(held_as("co"), ~held_as("lead"))
    else:
        moved = held_as(*AGENCY_ROLES)
    return or_(decided, moved)


def _tasks_naming(codes: list[str]) -> Select[Any]:
    return select(TaskAgency.task_id).where(TaskAgency.agency_code.in_(codes))


def _any_moved(session: Session, named: list[str], as_of: dt.date) -> bool:
    """Whether a succession applied by ``as_of`` moved an occurrence of a task naming ``named``."""
    involved = _tasks_naming(named)
    moved = (
        select(SuccessionApplied.id)
        .join(Occurrence, Occurrence.id == SuccessionApplied.occurrence_id)
        .where(SuccessionApplied.effective <= as_of, Occurrence.task_id.in_(involved))
        .limit(1)
    )
    return session.scalar(moved) is not None


def _walk(session: Session, named: list[str], as_of: dt.date) -> Any:
    """Each task agency of an occurrence a succession moved by ``as_of``, followed through the
    applied mappings in ``Occurrence.applied``'s order: rows (occ, role, code, n, steps), where
    ``n == steps`` is the code held on ``as_of`` (``holders_after`` in SQL).

    Only occurrences of tasks naming a code whose work ``agency`` holds (``named``) are walked.
    """
    applied = SuccessionApplied
    involved = _tasks_naming(named)
    steps = (
        select(
            applied.occurrence_id.label("occ"),
            Occurrence.task_id.label("task"),
            type_coerce(applied.mapping, Text).label("mapping"),
            func.row_number()
            .over(partition_by=applied.occurrence_id, order_by=(applied.effective, applied.id))
            .label("n"),
            func.count().over(partition_by=applied.occurrence_id).label("steps"),
        )
        .join(Occurrence, Occurrence.id == applied.occurrence_id)
        .where(applied.effective <= as_of, Occurrence.task_id.in_(involved))
        .cte("held_steps")
    )
    first = (
        select(
            steps.c.occ,
            TaskAgency.role,
            cast(TaskAgency.agency_code, Text).label("code"),
            literal(0).label("n"),
            steps.c.steps,
        )
        .join(TaskAgency, TaskAgency.task_id == steps.c.task)
        .where(steps.c.n == 1)
        .cte("held_walk", recursive=True)
    )
    mapped = _mapped(session, steps.c.mapping, first.c.code)
    step = select(
        first.c.occ,
        first.c.role,
        func.coalesce(mapped, first.c.code),
        first.c.n + 1,
        first.c.steps,
    ).join(steps, and_(steps.c.occ == first.c.occ, steps.c.n == first.c.n + 1))
    return first.union_all(step)


def _mapped(session: Session, mapping: Any, code: Any) -> ColumnElement[Any]:
    """``mapping[code]`` of a mapping kept as JSON text, or NULL when ``code`` is not a key."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(mapping, JSON)[code].as_string()
    # A quoted key: agency codes hold "/" and "-" ("kon-tum/sct").
    return func.json_extract(mapping, literal('$."', Text) + code + literal('"', Text))


def category_case(as_of: dt.date) -> ColumnElement[str]:
    """The status category of an occurrence on ``as_of``, as SQL (hyphenated)."""
    whens = [
        (category_condition(c, as_of), c.replace("_", "-"))
        for c in (
            status.CANCELLED,
            status.SUSPENDED,
            status.COMPLETED_ON_TIME,
            status.COMPLETED_LATE,
            status.OVERDUE,
            status.IN_PROGRESS,
            status.NOT_STARTED,
        )
    ]
    return case(*whens, else_="not-started")


def category_counts(
    session: Session, where: Sequence[ColumnElement[bool]], as_of: dt.date
) -> dict[str, int]:
    """How many occurrences of a selection are in each category, counted by the database."""
    cat = category_case(as_of)
    query = (
        select(cat, func.count())
        .select_from(Occurrence)
        .join(Task, Task.id == Occurrence.task_id)
        .where(*where)
        .group_by(cat)
    )
    return {str(c): int(n) for c, n in session.execute(query)}


def count(session: Session, where: Sequence[ColumnElement[bool]]) -> int:
    query = (
        select(func.count())
        .select_from(Occurrence)
        .join(Task, Task.id == Occurrence.task_id)
        .where(*where)
    )
    return int(session.scalar(query) or 0)


def wanted_condition(wanted: str | None, as_of: dt.date) -> list[ColumnElement[bool]]:
    """The worklist's status filter; None is overdue or due soon (open, due by as_of + 14 days).

    Each alternative is a separate condition so that a page is read through the
    ``(phase, due)`` index in due order, one phase at a time.
    """
    if wanted is None:
        soon = as_of + dt.timedelta(days=status.DUE_SOON_DAYS)
        done_later = and_(Occurrence.phase == "completed", Occurrence.completed_on > as_of)
        return [
            and_(Occurrence.phase == phase, Occurrence.due <= soon)
            for phase in ("not_started", "active")
        ] + [and_(done_later, Occurrence.due <= soon)]
    if wanted == "overdue":
        done_later = and_(Occurrence.phase == "completed", Occurrence.completed_on > as_of)
        return [
            and_(Occurrence.phase == phase, Occurrence.due < as_of)
            for phase in ("not_started", "active")
        ] + [and_(done_later, Occurrence.due < as_of)]
    return [category_condition(wanted, as_of)]


def first_in_due_order(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    alternatives: Sequence[ColumnElement[bool]],
    plan_groups: Sequence[Sequence[str] | None],
    how_many: int,
    key: Callable[[Any], Any],
) -> list[Any]:
    """The first ``how_many`` rows (id, due, ref, plan_id) of the selection by ``key``.

    Each plan group (plans sharing one working calendar) and each alternative
    is read in ``due, ref`` order with a limit, which the ``(phase, due)``
    index serves; ``key`` must agree with that order within a group, and
    the sorted runs are merged here.
    """
    runs = []
    for plans in plan_groups:
        for alt in alternatives:
            query = (
                select(Occurrence.id, Occurrence.due, Occurrence.ref, Task.plan_id)
                .join(Task, Task.id == Occurrence.task_id)
                .where(*where, alt)
                .order_by(Occurrence.due, Occurrence.ref)
                .limit(how_many)
            )
            if plans is not None:
                query = query.where(Task.plan_id.in_(plans) if plans else false())
            runs.append(sorted(session.execute(query), key=key))
    return list(heapq.merge(*runs, key=key))[:how_many]


class _WithCalendar(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def calendar(self) -> str: ...


def calendar_groups(
    plans: Iterable[_WithCalendar], selected: set[str] | None
) -> list[list[str] | None]:
    """The selected plans grouped by their own working calendar (``engine.reference.PlanColumns``);
    ``[None]`` when all share one and no plan is singled out (then no plan condition is needed)."""
    groups: dict[str, list[str]] = {}
    for p in plans:
        if selected is not None and p.id not in selected:
            continue
        groups.setdefault(p.calendar, []).append(p.id)
    if len(groups) <= 1 and selected is None:
        return [None]
    return list(groups.values()) or [[]]


def agency_work(
    session: Session, agency: str, as_of: dt.date, *, limit: int | None, offset: int = 0
) -> Page:
    """What ``agency`` holds on ``as_of``, most urgent first: overdue, due soon, under way or
    not started, suspended, the rest; then by due day. ``limit=None`` gives every row."""
    from engine.views import occurrence_query, occurrence_row

    where = [live()]
    where.append(holds(session, agency, None, as_of))
    urgency = case(
        (category_condition(status.OVERDUE, as_of), 0),
        (category_condition("due_soon", as_of), 1),
        (category_condition(status.IN_PROGRESS, as_of), 2),
        (category_condition(status.NOT_STARTED, as_of), 2),
        (category_condition(status.SUSPENDED, as_of), 3),
        else_=4,
    )
    keys = (
        select(Occurrence.id)
        .join(Task, Task.id == Occurrence.task_id)
        .where(*where)
        .order_by(urgency, Occurrence.due, Occurrence.ref)
        .offset(offset)
    )
    if limit is not None:
        keys = keys.limit(limit)
    ids = list(session.scalars(keys))
    loaded: dict[int, Occurrence] = {}
    for start in range(0, len(ids), 500):
        query = occurrence_query().where(Occurrence.id.in_(ids[start : start + 500]))
        loaded.update({o.id: o for o in session.scalars(query)})
    rows = [occurrence_row(loaded[i], as_of, agency) for i in ids]
    return Page(rows, count(session, where), limit or max(len(rows), 1), offset)
