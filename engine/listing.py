"""Lists read a page at a time: the rows of one page and how many there are in all.

``task_page`` gives the rows ``engine.views.task_rows`` would give, from
``offset`` on, at most ``limit`` of them, with the total. The status
category is decided in SQL (below), an agency's holding too
(``engine.selection.holds``), and only the page's occurrences are loaded,
so a page of a million-row list costs a count over an index and one page of
rows.

The category as a condition on ``phase`` (``engine.transition.phase_of``),
``due`` and ``completed_on``, as ``engine.status.category`` decides it: a
completion dated after the day asked for counts as work under way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, tuple_
from sqlalchemy.orm import Session

from engine import status
from engine.errors import InvalidInput
from engine.lookup import get_plan
from engine.models import Occurrence, Task
from engine.views import _check_status, occurrence_query, occurrence_row, today

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# The last row a page may start at: the databases' 32-bit integers (2^31 - 1).
MAX_OFFSET = 2**31 - 1
OPEN_PHASES = ("not_started", "active")
LIVE = or_(Occurrence.archived.is_(False), Occurrence.archived.is_(None))
# Tasks read per step of a walk in annex order (doubling up to the most).
WALK_BATCH = 256
MAX_WALK_BATCH = 4096


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    total: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        """Where the next page starts, None on the last one."""
        end = self.offset + len(self.rows)
        return end if end < self.total else None


def check_window(limit: int | None, offset: int | None) -> tuple[int, int]:
    """``limit`` (default ``DEFAULT_LIMIT``, at most ``MAX_LIMIT``) and ``offset`` checked."""
    limit = DEFAULT_LIMIT if limit is None else limit
    offset = 0 if offset is None else offset
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("bad_page_limit", limit=limit, most=MAX_LIMIT)
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput("bad_page_offset", offset=offset, most=MAX_OFFSET)
    return limit, offset


def category_terms(
    wanted: str, as_of: dt.date, *, by_index: bool = False
) -> list[ColumnElement[bool]]:
    """Occurrences in the ``--status`` category ``wanted`` on ``as_of``, as SQL.

    Given as disjoint conditions (different phases) whose OR is the category,
    so each can be counted through one index (``ix_occurrences_phase_due``
    for the open phases, ``ix_occurrences_completed_on`` for completions
    dated later) rather than by reading every matching row. ``by_index``
    asks for the later completions by id through their index first: without
    value statistics SQLite otherwise reads "completed, due before the day"
    through (phase, due), most of a million rows, to find the few completed
    later (9 s at 1M); the plain form suits a query already narrowed by task.
    """
    o = Occurrence
    open_ = o.phase.in_(OPEN_PHASES)
    later = o.completed_on > as_of
    if by_index:
        later = o.id.in_(select(o.id).where(o.completed_on > as_of))
    done_by = and_(o.phase == "completed", o.completed_on <= as_of)
    done_later = and_(o.phase == "completed", later)
    soon = and_(o.due >= as_of, o.due <= as_of + dt.timedelta(days=status.DUE_SOON_DAYS))
    terms: dict[str, list[ColumnElement[bool]]] = {
        status.CANCELLED: [o.phase == "cancelled"],
        status.SUSPENDED: [o.phase == "suspended"],
        status.COMPLETED_ON_TIME: [and_(done_by, o.completed_on <= o.due)],
        status.COMPLETED_LATE: [and_(done_by, o.completed_on > o.due)],
        status.OVERDUE: [and_(open_, o.due < as_of), and_(done_later, o.due < as_of)],
        status.IN_PROGRESS: [
            and_(o.phase == "active", o.due >= as_of),
            and_(done_later, o.due >= as_of),
        ],
        status.NOT_STARTED: [and_(o.phase == "not_started", o.due >= as_of)],
        "due_soon": [and_(open_, soon), and_(done_later, soon)],
    }
    return terms[wanted.replace("-", "_")]


def category_condition(wanted: str, as_of: dt.date) -> ColumnElement[bool]:
    """The category as one condition (the OR of ``category_terms``)."""
    terms = category_terms(wanted, as_of)
    return terms[0] if len(terms) == 1 else or_(*terms)


def _selected(
    session: Session,
    plan_id: str | None,
    agency: str | None,
    wanted: str | None,
    as_of: dt.date,
) -> list[ColumnElement[bool]]:
    """The conditions of a listing: live occurrences of the plan, status and agency asked."""
    where: list[ColumnElement[bool]] = [LIVE]
    if plan_id:
        get_plan(session, plan_id)
        where.append(Task.plan_id == plan_id)
    if wanted:
        where.append(category_condition(wanted, as_of))
    if agency:
        # Who holds a task follows successions (engine.selection), in SQL.
        from engine.directory import get_agency
        from engine.selection import holds

        get_agency(session, agency)  # a mistyped code is an error, not an empty list
        where.append(holds(session, agency, None, as_of))
    return where


def task_page(
    session: Session,
    *,
    plan_id: str | None = None,
    agency: str | None = None,
    status_filter: str | None = None,
    as_of: dt.date | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> Page:
    """One page of ``task_rows`` and the number of rows in all."""
    limit, offset = check_window(limit, offset)
    as_of = as_of or today()
    wanted = _check_status(status_filter)
    where = _selected(session, plan_id, agency, wanted, as_of)
    if wanted and not plan_id and not agency:
        return _across_plans(session, wanted, as_of, limit, offset)
    if wanted and not plan_id:
        return _sorted_here(session, where, as_of, limit, offset, agency)
    total = session.scalar(
        select(func.count(Occurrence.id)).join(Task, Task.id == Occurrence.task_id).where(*where)
    )
    query = occurrence_query().where(*where).limit(limit).offset(offset)
    rows = [occurrence_row(occ, as_of, agency) for occ in session.scalars(query)]
    return Page(rows, int(total or 0), limit, offset)


def _across_plans(session: Session, wanted: str, as_of: dt.date, limit: int, offset: int) -> Page:
    """A status across all plans: counted through the indexes, then the page found the cheaper
    of two ways (``walk_or_sort``) and only its occurrences loaded."""
    terms = category_terms(wanted, as_of, by_index=True)
    total = sum(
        int(session.scalar(select(func.count()).select_from(Occurrence).where(LIVE, t)) or 0)
        for t in terms
    )
    if offset >= total:
        return Page([], total, limit, offset)
    # The table's size from its key's index (ids are not reused; an estimate is enough).
    rows_in_all = int(session.scalar(select(func.max(Occurrence.id))) or 0)
    if walk_or_sort(total, rows_in_all, offset + limit) == "walk":
        ids = _walked(session, category_condition(wanted, as_of), offset + limit)[offset:]
    else:
        ids = _sorted_keys(session, terms)[offset : offset + limit]
    loaded = {o.id: o for o in session.scalars(occurrence_query().where(Occurrence.id.in_(ids)))}
    rows = [occurrence_row(loaded[i], as_of) for i in ids]
    return Page(rows, total, limit, offset)


def walk_or_sort(total: int, rows_in_all: int, need: int) -> str:
    """How to find the first ``need`` of ``total`` matching rows among ``rows_in_all``.

    Walking the tasks in plan and annex order reads about ``need / total`` of
    the table before it has them (a few thousand rows for the first page of a
    category that is a few per cent of a million); sorting here reads every
    match (tens of thousands for "overdue" at a million). The cheaper wins.
    """
    return "walk" if need * rows_in_all <= total * total else "sort"


def _walked(session: Session, condition: ColumnElement[bool], need: int) -> list[int]:
    """The ids of the first ``need`` matches, reading tasks in plan and annex order
    (``ix_tasks_plan_position``) a batch at a time and their matches (``ix_occurrences_task_id``)."""
    found: list[int] = []
    after: tuple[Any, ...] | None = None
    batch = WALK_BATCH
    while len(found) < need:
        tasks = select(Task.id, Task.plan_id, Task.position).order_by(
            Task.plan_id, Task.position, Task.id
        )
        if after is not None:
            tasks = tasks.where(tuple_(Task.plan_id, Task.position, Task.id) > tuple_(*after))
        rows = session.execute(tasks.limit(batch)).all()
        if not rows:
            break
        after = (rows[-1].plan_id, rows[-1].position, rows[-1].id)
        place = {r.id: i for i, r in enumerate(rows)}
        keys = list(
            session.execute(
                select(Occurrence.id, Occurrence.task_id, Occurrence.due).where(
                    Occurrence.task_id.in_(list(place)), LIVE, condition
                )
            )
        )
        keys.sort(key=lambda k: (place[k.task_id], k.due, k.id))
        found += [k.id for k in keys]
        batch = min(batch * 2, MAX_WALK_BATCH)
    return found[:need]


def _sorted_keys(session: Session, terms: list[ColumnElement[bool]]) -> list[int]:
    """The ids of every match in plan and annex order: the keys read through the indexes
    (one query per term) and sorted here, as ``_sorted_here`` does."""
    keys: list[Any] = []
    for term in terms:
        keys += session.execute(
            select(Occurrence.id, Task.plan_id, Task.position, Occurrence.due)
            .join(Task, Task.id == Occurrence.task_id)
            .where(LIVE, term)
        ).all()
    keys.sort(key=lambda k: (k.plan_id, k.position, k.due, k.id))
    return [k.id for k in keys]


def _sorted_here(
    session: Session,
    where: list[ColumnElement[bool]],
    as_of: dt.date,
    limit: int,
    offset: int,
    agency: str | None = None,
) -> Page:
    """A status across all plans: the matching keys read through the (phase, due) index and
    sorted here, then the page's occurrences loaded.

    With ``ORDER BY plan, position, due`` in the query SQLite walks the tasks in
    plan order and every occurrence of each (a million rows) to skip a sort;
    the keys of the matching rows (tens of thousands for "overdue") sort in
    milliseconds.
    """
    keys = list(
        session.execute(
            select(Occurrence.id, Task.plan_id, Task.position, Occurrence.due)
            .join(Task, Task.id == Occurrence.task_id)
            .where(*where)
        )
    )
    keys.sort(key=lambda k: (k.plan_id, k.position, k.due))
    ids = [k.id for k in keys[offset : offset + limit]]
    loaded = {o.id: o for o in session.scalars(occurrence_query().where(Occurrence.id.in_(ids)))}
    rows = [occurrence_row(loaded[i], as_of, agency) for i in ids]
    return Page(rows, len(keys), limit, offset)


def iter_task_rows(
    session: Session,
    *,
    plan_id: str | None = None,
    agency: str | None = None,
    status_filter: str | None = None,
    as_of: dt.date | None = None,
    batch: int = 1000,
) -> Iterator[dict[str, Any]]:
    """Every row ``task_rows`` gives, in its order, read ``batch`` occurrences at a time.

    What ``dondoc tasks --json`` streams: memory stays flat however many rows match.
    """
    as_of = as_of or today()
    where = _selected(session, plan_id, agency, _check_status(status_filter), as_of)
    query = occurrence_query().where(*where).execution_options(yield_per=batch)
    for occ in session.scalars(query):
        yield occurrence_row(occ, as_of, agency)
