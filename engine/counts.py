"""Occurrence counts per plan, year, kind and due day, kept in step inside every transaction.

The plans page, ``GET /api/v1/plans`` and ``dondoc plans`` show how many
occurrences of each plan are in each status category. Counting every
occurrence on each request costs a minute at a million rows, so the counts
are kept in ``occurrence_counts`` (``engine.counts_models``) and changed by
the same flush that changes an occurrence: a state change (``advance``), a
catalog load, a succession, an archive, an extension of the due day. The
listener below sees every flush of the ORM, which is the only way dondoc
writes occurrences; a writer that goes around it (the bench generator's
Core inserts) calls ``rebuild`` afterwards.

What is stored does not depend on the day: ``kind`` (initial, started,
suspended, cancelled, done, late) and the due day. On a given day the
status category follows (``engine.status``): an open kind past its due day
is overdue; and a completion dated after the day asked for counts as not
yet completed, which ``plan_counts`` corrects from the indexed
``completed_on`` column (a handful of rows for any recent day).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, case, delete, event, func, inspect, select
from sqlalchemy.orm import Session

import workflows
from engine import counts_totals, status
from engine.models import Occurrence, OccurrenceCount, OccurrenceTotal, Task
from engine.workdays import local_day

Key = tuple[str, int, str, dt.date]

INITIAL, STARTED, SUSPENDED, CANCELLED, DONE, LATE = (
    "initial",
    "started",
    "suspended",
    "cancelled",
    "done",
    "late",
)
# The category of each kind on a day before its due day (or on it).
_WITHIN = {
    INITIAL: status.NOT_STARTED,
    STARTED: status.IN_PROGRESS,
    SUSPENDED: status.SUSPENDED,
    CANCELLED: status.CANCELLED,
    DONE: status.COMPLETED_ON_TIME,
    LATE: status.COMPLETED_LATE,
}
_OPEN = frozenset({INITIAL, STARTED})
_FIELDS = ("task_id", "year", "state", "due", "completed_on", "completed_at", "archived")
_MISSING = object()


def kind_of(
    wf: workflows.WorkflowDef,
    state: str,
    due: dt.date,
    completed_on: dt.date | None,
    completed_at: dt.datetime | None,
) -> str:
    """What ``state`` says on any day, as ``engine.views.category_of`` reads it."""
    if state == workflows.CANCELLED:
        return CANCELLED
    if wf.is_completed(state):
        day = completed_on or (local_day(completed_at) if completed_at else None)
        if day is not None:
            return DONE if day <= due else LATE
    if state == workflows.SUSPENDED:
        return SUSPENDED
    return INITIAL if state == wf.initial else STARTED


def _key(tasks: dict[int, tuple[str, str]], values: dict[str, Any]) -> Key | None:
    if values["archived"]:
        return None
    plan_id, workflow = tasks[values["task_id"]]
    kind = kind_of(
        workflows.get(workflow),
        values["state"],
        values["due"],
        values["completed_on"],
        values["completed_at"],
    )
    return (plan_id, values["year"] or 0, kind, values["due"])


def _tasks(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    wanted = sorted({i for i in ids if i is not None})
    found: dict[int, tuple[str, str]] = {}
    for start in range(0, len(wanted), 500):
        query = select(Task.id, Task.plan_id, Task.workflow).where(
            Task.id.in_(wanted[start : start + 500])
        )
        found.update({r.id: (r.plan_id, r.workflow) for r in session.execute(query)})
    return found


def _old(occ: Occurrence) -> dict[str, Any] | None:
    """The values ``occ`` had before this flush, None when one of them was never read."""
    attrs = inspect(occ).attrs
    out: dict[str, Any] = {}
    for name in _FIELDS:
        h = attrs[name].history
        if h.deleted:
            out[name] = h.deleted[0]
        elif h.unchanged:
            out[name] = h.unchanged[0]
        elif h.added and h.added[0] is None:
            out[name] = None  # a column set from nothing
        else:
            return None
    return out


def _new(occ: Occurrence) -> dict[str, Any]:
    return {name: getattr(occ, name) for name in _FIELDS}


def _changed(occ: Occurrence) -> bool:
    attrs = inspect(occ).attrs
    return any(attrs[name].history.has_changes() for name in _FIELDS)


@event.listens_for(Session, "after_flush")
def _count_after_flush(session: Session, _context: Any) -> None:
    """Every flush that adds, changes or removes an occurrence moves its count."""
    new = [o for o in session.new if isinstance(o, Occurrence)]
    gone = [o for o in session.deleted if isinstance(o, Occurrence)]
    dirty = [o for o in session.dirty if isinstance(o, Occurrence) and _changed(o)]
    # A task moved to another workflow or plan re-reads its plans' counts.
    moved = [
        t
        for t in session.dirty
        if isinstance(t, Task)
        and (inspect(t).attrs.workflow.history.deleted or inspect(t).attrs.plan_id.history.deleted)
    ]
    if not (new or gone or dirty or moved):
        return
    with session.no_autoflush:
        deltas: Counter[Key] = Counter()
        olds = {id(o): _old(o) for o in (*gone, *dirty)}
        rebuild_plans = {t.plan_id for t in moved}
        for t in moved:
            rebuild_plans.update(inspect(t).attrs.plan_id.history.deleted)
        task_ids = [o.task_id for o in (*new, *dirty, *gone)]
        task_ids += [v["task_id"] for v in olds.values() if v]
        tasks = _tasks(session, task_ids)
        for occ in new:
            _add(deltas, _key(tasks, _new(occ)), 1)
        for occ in (*gone, *dirty):
            old = olds[id(occ)]
            if old is None:
                rebuild_plans.add(tasks[occ.task_id][0])
                continue
            _add(deltas, _key(tasks, old), -1)
            if occ in dirty:
                _add(deltas, _key(tasks, _new(occ)), 1)
        deltas = Counter({k: d for k, d in deltas.items() if k[0] not in rebuild_plans})
        apply(session, deltas)
        if rebuild_plans:
            rebuild(session, rebuild_plans)


def _add(deltas: Counter[Key], key: Key | None, d: int) -> None:
    if key is not None:
        deltas[key] += d


def apply(session: Session, deltas: Counter[Key]) -> None:
    """Add ``deltas`` to the stored counts, in key order (so two writers lock alike), and to
    the whole database's totals when the transaction commits (``engine.counts_totals``)."""
    counts_totals.pend(session, counts_totals.summed(deltas))
    counts_totals.add_counts(session, OccurrenceCount, ("plan_id", "year", "kind", "due"), deltas)


def recount(session: Session, plan_ids: Iterable[str] | None = None) -> Counter[Key]:
    """The counts from the occurrences themselves (what ``occurrence_counts`` must hold)."""
    query = (
        select(
            Task.plan_id,
            Task.workflow,
            Occurrence.year,
            Occurrence.state,
            Occurrence.due,
            Occurrence.completed_on,
            Occurrence.completed_at,
        )
        .join(Task, Task.id == Occurrence.task_id)
        .where(Occurrence.archived.is_not(True))
    )
    if plan_ids is not None:
        query = query.where(Task.plan_id.in_(sorted(plan_ids)))
    counts: Counter[Key] = Counter()
    for plan_id, workflow, year, state, due, completed_on, completed_at in session.execute(
        query.execution_options(yield_per=20_000)
    ):
        kind = kind_of(workflows.get(workflow), state, due, completed_on, completed_at)
        counts[(plan_id, year or 0, kind, due)] += 1
    return counts


def stored(session: Session) -> Counter[Key]:
    """What ``occurrence_counts`` holds, without the keys at zero."""
    rows = session.execute(select(OccurrenceCount).where(OccurrenceCount.n != 0))
    return Counter({(c.plan_id, c.year, c.kind, c.due): c.n for (c,) in rows})


def rebuild(session: Session, plan_ids: Iterable[str] | None = None) -> None:
    """Recount the plans named (all when None) from their occurrences."""
    plans = None if plan_ids is None else sorted(plan_ids)
    table: Table = OccurrenceCount.__table__  # type: ignore[assignment]
    wipe = delete(table)
    if plans is not None:
        wipe = wipe.where(table.c.plan_id.in_(plans))
    session.execute(wipe)
    rows = [
        {"plan_id": p, "year": y, "kind": k, "due": d, "n": n}
        for (p, y, k, d), n in sorted(recount(session, plans).items())
    ]
    for start in range(0, len(rows), 5_000):
        session.execute(table.insert(), rows[start : start + 5_000])
    counts_totals.pend_recount(session)


def plan_counts(
    session: Session, as_of: dt.date, plans: Iterable[str] | None = None
) -> dict[str, Counter[str]]:
    """Per plan (of ``plans``, every plan when None), how many live occurrences are in each
    status category on ``as_of``.

    Read from ``occurrence_counts`` (a few rows per plan and year), corrected
    for completions dated after ``as_of`` (read through their index).
    """
    out: dict[str, Counter[str]] = {}
    # Grouped by the category first: grouped by plan first, SQLite reads the rows
    # through the primary key's index, one table lookup each, and sorts them anyway.
    bucket = _bucket(as_of)
    query = (
        select(OccurrenceCount.plan_id, bucket, func.sum(OccurrenceCount.n))
        .where(OccurrenceCount.n != 0)
        .group_by(bucket, OccurrenceCount.plan_id)
    )
    chosen = None if plans is None else sorted(plans)
    if chosen is not None:
        query = query.where(OccurrenceCount.plan_id.in_(chosen))
    for plan_id, kind, n in session.execute(query):
        counts = out.get(plan_id)
        if counts is None:
            counts = out[plan_id] = Counter()
        counts[_category(kind)] += int(n)
    for plan_id, stored_as, now in _completed_later(session, as_of, chosen):
        counts = out.setdefault(plan_id, Counter())
        counts[stored_as] -= 1
        counts[now] += 1
    return {p: Counter({c: n for c, n in counts.items() if n}) for p, counts in out.items()}


def _bucket(
    as_of: dt.date, model: type[OccurrenceCount] | type[OccurrenceTotal] = OccurrenceCount
) -> ColumnElement[str]:
    """Past its due day an open kind is overdue: decided in SQL, so that one row comes back
    per category (and plan) rather than per due day; ``model`` is the table read."""
    open_and_late = and_(model.kind.in_(sorted(_OPEN)), model.due < as_of)
    return case((open_and_late, "overdue"), else_=model.kind)


def _category(bucket: str) -> str:
    """The status category of a ``_bucket``: overdue, or the stored kind's own."""
    return status.OVERDUE if bucket == "overdue" else _WITHIN[bucket]


def all_plans_counts(session: Session, as_of: dt.date) -> Counter[str]:
    """``plan_counts`` of every plan added up, read from the whole database's totals
    (``engine.counts_totals``, a few dozen rows): the worklist's header at national
    scale (issue 17) summed the 31,300 rows of ``occurrence_counts`` on each request."""
    t = OccurrenceTotal
    bucket = _bucket(as_of, t)
    query = select(bucket, func.sum(t.n)).where(t.n != 0).group_by(bucket)
    counts: Counter[str] = Counter()
    for kind, n in session.execute(query):
        counts[_category(kind)] += int(n)
    for _plan, stored_as, now in _completed_later(session, as_of, None):
        counts[stored_as] -= 1
        counts[now] += 1
    return Counter({c: n for c, n in counts.items() if n})


def _completed_later(
    session: Session, as_of: dt.date, plans: list[str] | None = None
) -> Iterator[tuple[str, str, str]]:
    """(plan, category stored, category on ``as_of``) of each completion dated after ``as_of``."""
    query = (
        select(
            Task.plan_id,
            Task.workflow,
            Occurrence.state,
            Occurrence.due,
            Occurrence.completed_on,
            Occurrence.completed_at,
        )
        .join(Task, Task.id == Occurrence.task_id)
        .where(Occurrence.completed_on > as_of, Occurrence.archived.is_not(True))
    )
    if plans is not None:
        query = query.where(Task.plan_id.in_(plans))
    for plan_id, workflow, state, due, completed_on, completed_at in session.execute(query):
        kind = kind_of(workflows.get(workflow), state, due, completed_on, completed_at)
        if kind not in (DONE, LATE):
            continue
        # Not yet completed on as_of: work was under way (engine.status, rule 5).
        now = status.OVERDUE if due < as_of else status.IN_PROGRESS
        yield plan_id, _WITHIN[kind], now
