"""Finding plans, tasks and occurrences from what a person typed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.errors import InvalidInput, NotFound
from engine.models import Occurrence, Plan, Task
from engine.refs import format_ref, parse_ref


def get_plan(session: Session, plan_id: str) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        known = ", ".join(session.scalars(select(Plan.id).order_by(Plan.id))) or "none loaded yet"
        raise NotFound(f"No plan {plan_id!r} in the database (loaded: {known}).")
    return plan


def load_occurrence(session: Session, text: str) -> Occurrence:
    """The occurrence a reference names; a recurring task needs its @YEAR."""
    ref = parse_ref(text)
    plan = get_plan(session, ref.plan)
    task = session.scalar(select(Task).where(Task.plan_id == plan.id, Task.code == ref.code))
    if task is None:
        codes = session.scalars(
            select(Task.code).where(Task.plan_id == plan.id).order_by(Task.position)
        )
        raise NotFound(f"Plan {plan.id} has no task {ref.code!r} (tasks: {', '.join(codes)}).")
    occs = list(
        session.scalars(
            select(Occurrence)
            .where(Occurrence.task_id == task.id)
            .options(joinedload(Occurrence.task).joinedload(Task.plan))
            .order_by(Occurrence.due)
        )
    )
    if ref.year is None:
        if task.recurrence == "yearly":
            years = [str(o.year) for o in occs if not o.archived]
            raise InvalidInput(
                f"{ref} recurs every year; name the year, e.g. "
                f"{format_ref(plan.id, task.code, occs[0].year if occs else plan.period_start)} "
                f"(years: {', '.join(years)})."
            )
        if occs:
            return occs[0]
    else:
        for occ in occs:
            if occ.year == ref.year:
                return occ
        if task.recurrence != "yearly":
            raise InvalidInput(
                f"{format_ref(plan.id, task.code)} does not recur; leave out @{ref.year}."
            )
        listed = ", ".join(str(o.year) for o in occs)
        raise NotFound(f"{ref} has no occurrence in {ref.year} (years: {listed}).")
    raise NotFound(f"{ref} has no occurrence; reload the catalog with 'dondoc catalog load'.")
