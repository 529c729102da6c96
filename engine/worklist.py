"""The worklist: what is overdue or due soon, how late, who leads, across every plan.

A coordinator's first question each morning is "what is overdue, how late,
and who leads it"; an officer's is "what does my agency owe". ``worklist``
answers both with one list, most overdue first (working days on each plan's
own calendar, as the sweep counts them), then what falls due soon, each with
its lead and co-operating agencies, the escalation level reached and the
last change. Filters narrow it by province, plan, agency (as lead or as
co-operating agency), year and status category; ``kpi`` counts the same
selection in the four buckets of follow-up reports (``engine.kpi``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from engine import kpi, status
from engine.digest import escalation_levels
from engine.errors import InvalidInput
from engine.ladder import days_overdue
from engine.models import Event, Occurrence, Plan, Task
from engine.stats import plans_in_province
from engine.views import STATUS_FILTERS, task_rows, today
from engine.workdays import PlanCalendars

#: What the worklist shows when no status is asked for.
DEFAULT_STATUSES = ("overdue", "due-soon")
AGENCY_ROLES = ("lead", "co")
# Catalog bookkeeping is not a change anybody made.
_BOOKKEEPING = ("create", "replan", "succeed")


@dataclass(frozen=True)
class Filters:
    province: str | None = None
    plan: str | None = None
    agency: str | None = None
    #: ``lead`` (owner or another lead) or ``co`` (co-operating); None for either.
    agency_role: str | None = None
    year: int | None = None
    #: A status filter (``engine.views.STATUS_FILTERS``); None for overdue and due soon.
    status: str | None = None

    def checked(self) -> Filters:
        if self.agency_role not in (None, *AGENCY_ROLES):
            raise InvalidInput("unknown_agency_role", role=self.agency_role, known=AGENCY_ROLES)
        if self.status is not None and self.status not in STATUS_FILTERS:
            raise InvalidInput("unknown_status", status=self.status[:40], known=STATUS_FILTERS)
        if self.year is not None and not 1900 <= self.year <= 2999:
            raise InvalidInput("implausible_year", year=self.year, first=1900, last=2999)
        return self


def _in_year(row: dict[str, Any], year: int) -> bool:
    return int(row["start"][:4]) <= year <= int(row["due"][:4])


def _selected(row: dict[str, Any], f: Filters, as_of: dt.date) -> bool:
    if f.year is not None and not _in_year(row, f.year):
        return False
    if f.agency and f.agency_role:
        role = "co" if row["role"] == "co" else "lead"
        if role != f.agency_role:
            return False
    return True


def _wanted(row: dict[str, Any], f: Filters, as_of: dt.date) -> bool:
    category = row["status_category"]
    soon = status.is_due_soon(
        category.replace("-", "_"), due=dt.date.fromisoformat(row["due"]), as_of=as_of
    )
    if f.status is None:
        return category == "overdue" or soon
    if f.status == "due-soon":
        return soon
    return category == f.status


def _last_changes(session: Session, refs: list[str]) -> dict[str, dict[str, Any]]:
    """The latest step somebody took on each of ``refs`` (catalog bookkeeping aside)."""
    if not refs:
        return {}
    latest = (
        select(Event.occurrence_id, func.max(Event.seq).label("seq"))
        .join(Occurrence, Occurrence.id == Event.occurrence_id)
        .where(Occurrence.ref.in_(refs), Event.trigger.not_in(_BOOKKEEPING))
        .group_by(Event.occurrence_id)
        .subquery()
    )
    query = (
        select(Occurrence.ref, Event)
        .join(Event, Event.occurrence_id == Occurrence.id)
        .join(latest, (latest.c.occurrence_id == Event.occurrence_id) & (latest.c.seq == Event.seq))
    )
    return {
        ref: {"at": ev.at.isoformat(), "actor": ev.actor, "trigger": ev.trigger, "to": ev.to_state}
        for ref, ev in session.execute(query)
    }


def worklist(session: Session, filters: Filters, as_of: dt.date | None = None) -> dict[str, Any]:
    """The rows, their four-bucket counts and the agencies they name, as plain data."""
    as_of = as_of or today()
    f = filters.checked()
    rows = task_rows(session, plan_id=f.plan, agency=f.agency, as_of=as_of)
    plans = {p.id: p for p in session.scalars(select(Plan))}
    if f.province:
        of_province = plans_in_province(plans.values(), f.province, as_of)
        rows = [r for r in rows if r["plan"] in of_province]
    rows = [r for r in rows if _selected(r, f, as_of)]
    counts = kpi.Buckets.of(r["status_category"] for r in rows)
    items = [r for r in rows if _wanted(r, f, as_of)]
    refs = [r["ref"] for r in items]
    levels = escalation_levels(session, as_of, refs)
    changes = _last_changes(session, refs)
    owed = _owed_reports(session, refs, as_of)
    calendars = PlanCalendars()
    for r in items:
        due = dt.date.fromisoformat(r["due"])
        late = r["status_category"] == "overdue"
        cal = calendars.for_plan(r["plan"], plans[r["plan"]].details)
        r["working_days_overdue"] = days_overdue(cal, due, as_of) if late else 0
        r["days_left"] = None if late else (due - as_of).days
        r["level"] = levels.get(r["ref"], 0)
        r["last_change"] = changes.get(r["ref"])
        # The period whose progress report the lead agency still owes (engine.progress).
        r["report_owed"] = owed.get(r["ref"])
        r["legal_ref"] = plans[r["plan"]].legal_ref
        r["province"] = plans[r["plan"]].province
    items.sort(
        key=lambda r: (
            -r["working_days_overdue"],
            r["days_left"] if r["days_left"] is not None else -1,
            r["ref"],
        )
    )
    named = {a for r in items for a in [*r["leads"], *r["co_agencies"]]}
    return {
        "as_of": as_of.isoformat(),
        "filters": {
            "province": f.province,
            "plan": f.plan,
            "agency": f.agency,
            "agency_role": f.agency_role,
            "year": f.year,
            "status": f.status,
        },
        "counts": counts.as_dict(),
        "rows": items,
        "agencies": sorted(named),
    }


def _owed_reports(session: Session, refs: list[str], as_of: dt.date) -> dict[str, dict[str, str]]:
    """The collecting period each listed occurrence's lead agency has not reported for."""
    from engine.progress_owed import missing_reports

    occs: list[Occurrence] = []
    for start in range(0, len(refs), 500):
        occs += session.scalars(
            select(Occurrence)
            .where(Occurrence.ref.in_(refs[start : start + 500]))
            .options(selectinload(Occurrence.task).selectinload(Task.plan))
        ).all()
    return {
        ref: {"period": p.id, "deadline": p.deadline.isoformat()}
        for ref, p in missing_reports(session, occs, as_of).items()
    }


def completion_by(
    session: Session, by: str, as_of: dt.date | None = None, *, plan: str | None = None
) -> dict[str, dict[str, Any]]:
    """Four-bucket counts and completion rate per ``plan``, ``agency`` (each lead) or ``year``."""
    as_of = as_of or today()
    rows = task_rows(session, plan_id=plan, as_of=as_of)
    keys = {
        "plan": lambda r: [r["plan"]],
        "agency": lambda r: r["leads"],
        # A yearly occurrence counts in its year, other work in the year it is due.
        "year": lambda r: [r["year"] or int(r["due"][:4])],
    }
    if by not in keys:
        raise InvalidInput("unknown_grouping", by=by, known=list(keys))
    groups = kpi.grouped(rows, keys[by])
    return {str(k): v.as_dict() for k, v in sorted(groups.items())}
