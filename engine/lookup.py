"""Finding plans, tasks and occurrences from what a person typed."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from engine.errors import InvalidInput, NotFound
from engine.models import Occurrence, Plan, Task
from engine.refs import format_ref, parse_ref
from engine.windows import occurrence_key

#: How many close names a "not found" error quotes: enough to spot a typo,
#: never a whole catalog.
MAX_SUGGESTIONS = 5


def close_matches(wanted: str, names: Sequence[str]) -> list[str]:
    """The few ``names`` closest to ``wanted`` (``difflib``), best first."""
    return difflib.get_close_matches(wanted, list(names), n=MAX_SUGGESTIONS, cutoff=0.5)


def get_plan(session: Session, plan_id: str) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        ids = list(session.scalars(select(Plan.id).order_by(Plan.id)))
        raise NotFound("no_plan", plan=plan_id, known=close_matches(plan_id, ids), count=len(ids))
    return plan


def load_occurrence(session: Session, text: str) -> Occurrence:
    """The occurrence a reference names; a recurring task needs its @YEAR."""
    ref = parse_ref(text)
    plan = get_plan(session, ref.plan)
    task = session.scalar(select(Task).where(Task.plan_id == plan.id, Task.code == ref.code))
    if task is None:
        codes = list(
            session.scalars(
                select(Task.code).where(Task.plan_id == plan.id).order_by(Task.position)
            )
        )
        raise NotFound(
            "no_task",
            plan=plan.id,
            code=ref.code,
            known=close_matches(ref.code, codes),
            count=len(codes),
        )
    occs = list(
        session.scalars(
            select(Occurrence)
            .where(Occurrence.task_id == task.id)
            .options(joinedload(Occurrence.task).joinedload(Task.plan))
            .order_by(Occurrence.due)
        )
    )
    keys = [occurrence_key(o.year, o.period) for o in occs]
    if ref.year is None:
        if task.recurrence != "once":
            live = [occurrence_key(o.year, o.period) for o in occs if not o.archived]
            example = format_ref(plan.id, task.code, keys[0] if keys else plan.period_start)
            raise InvalidInput("year_needed", ref=str(ref), example=example, years=live)
        if occs:
            return occs[0]
    else:
        wanted = ref.period or str(ref.year)
        for occ, key in zip(occs, keys, strict=True):
            if key == wanted:
                return occ
        if task.recurrence == "once":
            raise InvalidInput(
                "year_not_recurring", ref=format_ref(plan.id, task.code), year=wanted
            )
        raise NotFound("no_occurrence_in_year", ref=str(ref), year=wanted, years=keys)
    raise NotFound("no_occurrence", ref=str(ref))


def load_occurrences(session: Session, texts: Sequence[str]) -> list[Occurrence]:
    """The occurrences these references name, in order, with one query per table.

    Plans, tasks (with their agencies) and the tasks' occurrences are each read
    once for the whole list. A reference that does not name exactly one
    occurrence is handed to ``load_occurrence``, which raises the same error
    it gives alone.
    """
    refs = [parse_ref(text) for text in texts]
    plans = _read_in(session, Plan, Plan.id, {r.plan for r in refs})
    tasks: dict[tuple[str, str], Task] = {}
    for task in _read_in(
        session,
        Task,
        Task.plan_id,
        set(plans),
        where=[Task.code.in_({r.code for r in refs})],
        options=[selectinload(Task.agencies)],
    ).values():
        tasks[(task.plan_id, task.code)] = task
    by_task: dict[int, list[Occurrence]] = {}
    occurrences = _read_in(
        session, Occurrence, Occurrence.task_id, {t.id for t in tasks.values()}
    ).values()
    by_id = {task.id: task for task in tasks.values()}
    for task in by_id.values():
        set_committed_value(task, "plan", plans[task.plan_id])
    for occ in sorted(occurrences, key=lambda o: (o.due, o.id)):
        # Linked as loaded: the session holds objects weakly, so a task read
        # here but not referenced from its occurrence would be read again, one by one.
        set_committed_value(occ, "task", by_id[occ.task_id])
        by_task.setdefault(occ.task_id, []).append(occ)
    found = []
    for text, ref in zip(texts, refs, strict=True):
        task = tasks.get((ref.plan, ref.code))
        occs = by_task.get(task.id, []) if task is not None else []
        if ref.year is not None:
            wanted = ref.period or str(ref.year)
            match = next((o for o in occs if occurrence_key(o.year, o.period) == wanted), None)
        else:
            match = occs[0] if occs and task is not None and task.recurrence == "once" else None
        found.append(match if match is not None else load_occurrence(session, text))
    return found


def _read_in(
    session: Session,
    model: type[Any],
    column: Any,
    values: set[Any],
    *,
    where: Sequence[Any] = (),
    options: Sequence[Any] = (),
) -> dict[Any, Any]:
    """Rows of ``model`` whose ``column`` is among ``values``, by primary key, in chunks of 500."""
    rows: dict[Any, Any] = {}
    ordered = sorted(values)
    # Chunks keep the IN list under every driver's parameter limit.
    for start in range(0, len(ordered), 500):
        query = select(model).where(column.in_(ordered[start : start + 500]), *where)
        for row in session.scalars(query.options(*options)):
            rows[inspect(row).identity[0]] = row
    return rows
