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

from sqlalchemy import ColumnElement, and_, func, or_, select
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


def category_condition(wanted: str, as_of: dt.date) -> ColumnElement[bool]:
    """Occurrences in the ``--status`` category ``wanted`` on ``as_of``, as SQL."""
    o = Occurrence
    done_by = and_(o.phase == "completed", o.completed_on <= as_of)
    done_later = and_(o.phase == "completed", o.completed_on > as_of)
    under_way = or_(o.phase == "active", done_later)
    conditions: dict[str, ColumnElement[bool]] = {
        status.CANCELLED: o.phase == "cancelled",
        status.SUSPENDED: o.phase == "suspended",
        status.COMPLETED_ON_TIME: and_(done_by, o.completed_on <= o.due),
        status.COMPLETED_LATE: and_(done_by, o.completed_on > o.due),
        status.OVERDUE: and_(or_(o.phase.in_(OPEN_PHASES), done_later), o.due < as_of),
        status.IN_PROGRESS: and_(under_way, o.due >= as_of),
        status.NOT_STARTED: and_(o.phase == "not_started", o.due >= as_of),
        "due_soon": and_(
            or_(o.phase.in_(OPEN_PHASES), done_later),
            o.due >= as_of,
            o.due <= as_of + dt.timedelta(days=status.DUE_SOON_DAYS),
        ),
    }
    return conditions[wanted.replace("-", "_")]


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
    live = or_(Occurrence.archived.is_(False), Occurrence.archived.is_(None))
    where: list[ColumnElement[bool]] = [live]
    if plan_id:
        get_plan(session, plan_id)
        where.append(Task.plan_id == plan_id)
    if wanted:
        where.append(category_condition(wanted, as_of))
    if agency:
        # Who holds a task follows successions (engine.selection): exact in SQL but for
        # the occurrences a succession moved, which are read and decided one by one.
        from engine.selection import holds

        where.append(holds(session, agency, None, as_of, where))
    if wanted and not plan_id:
        return _sorted_here(session, where, as_of, limit, offset, agency)
    total = session.scalar(
        select(func.count(Occurrence.id)).join(Task, Task.id == Occurrence.task_id).where(*where)
    )
    query = occurrence_query().where(*where).limit(limit).offset(offset)
    rows = [occurrence_row(occ, as_of, agency) for occ in session.scalars(query)]
    return Page(rows, int(total or 0), limit, offset)


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
    wanted = _check_status(status_filter)
    where: list[ColumnElement[bool]] = [
        or_(Occurrence.archived.is_(False), Occurrence.archived.is_(None))
    ]
    if plan_id:
        get_plan(session, plan_id)
        where.append(Task.plan_id == plan_id)
    if wanted:
        where.append(category_condition(wanted, as_of))
    if agency:
        from engine.selection import holds

        where.append(holds(session, agency, None, as_of, where))
    query = occurrence_query().where(*where).execution_options(yield_per=batch)
    for occ in session.scalars(query):
        yield occurrence_row(occ, as_of, agency)
