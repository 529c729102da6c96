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
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from engine import kpi, selection
from engine.counts import all_plans_counts, plan_counts
from engine.digest import escalation_levels
from engine.errors import InvalidInput
from engine.id_sets import id_pages
from engine.ladder import days_overdue
from engine.listing import DEFAULT_LIMIT
from engine.lookup import get_plan
from engine.models import Agency, Event, Occurrence, Plan, Task, TaskAgency
from engine.reference import plan_columns
from engine.stats import plans_in_province
from engine.succession import SuccessionBook
from engine.views import STATUS_FILTERS, occurrence_query, occurrence_row, task_rows, today
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


def worklist(
    session: Session,
    filters: Filters,
    as_of: dt.date | None = None,
    *,
    limit: int | None = DEFAULT_LIMIT,
    offset: int = 0,
) -> dict[str, Any]:
    """A page of rows, the selection's four-bucket counts and the agencies named, as plain data.

    Filters and order are SQL (``engine.selection``); working days are counted
    for the page's rows only. ``limit=None`` lists every row (the exports).
    """
    as_of = as_of or today()
    f = filters.checked()
    # Every plan's few columns, kept per process while no plan changes (engine.reference):
    # 680 plan objects took a third of the page at national scale (issue 17); the
    # successions are read only for a province.
    plans = {row.id: row for row in plan_columns(session)}
    chosen: set[str] | None = None
    if f.plan:
        chosen = {get_plan(session, f.plan).id}
    if f.province:
        with_successions = select(Plan).options(selectinload(Plan.applied))
        of_province = plans_in_province(session.scalars(with_successions), f.province, as_of)
        chosen = of_province if chosen is None else chosen & of_province
    where: list[Any] = [selection.live()]
    if chosen is not None:
        where.append(Task.plan_id.in_(sorted(chosen)))
    if f.year is not None:
        where.append(selection.spans_year(f.year))
    if f.agency:
        where.append(selection.holds(session, f.agency, f.agency_role, as_of))
    counts = _counts(session, f, where, chosen, as_of)
    alternatives = selection.wanted_condition(f.status, as_of)
    total = _total(session, f, where, alternatives, counts, as_of)
    calendars = PlanCalendars()
    days_cache: dict[tuple[str, dt.date], int] = {}

    def lateness(key: Any) -> tuple[int, int, dt.date, str]:
        late = key.due < as_of and f.status in (None, "overdue")
        if not late:
            return (0, (key.due - as_of).days, key.due, key.ref)
        cal_key = (plans[key.plan_id].calendar, key.due)
        wd = days_cache.get(cal_key)
        if wd is None:
            cal = calendars.for_plan(key.plan_id, plans[key.plan_id].details)
            wd = days_cache[cal_key] = days_overdue(cal, key.due, as_of)
        return (-wd, -1, key.due, key.ref)

    if f.agency or (chosen is not None and len(chosen) <= 1):
        # A small selection (an agency's tasks, one plan): one query sorting its few
        # rows beats walking the (phase, due) index in due order and skipping others.
        alternatives = [or_(*alternatives)]
    groups = selection.calendar_groups(plans.values(), chosen)
    wanted_rows = total if limit is None else offset + limit
    keys = selection.first_in_due_order(
        session, where, alternatives, groups, wanted_rows, lateness
    )[offset:]
    occs = _loaded(session, [k.id for k in keys])
    items = [occurrence_row(occ, as_of, f.agency) for occ in occs]
    refs = [r["ref"] for r in items]
    levels = escalation_levels(session, as_of, refs)
    changes = _last_changes(session, refs)
    owed = _owed_reports(session, occs, as_of)
    for k, r in zip(keys, items, strict=True):
        wd, left = lateness(k)[:2]
        late = r["status_category"] == "overdue"
        r["working_days_overdue"] = -wd if late else 0
        r["days_left"] = None if late else left
        r["level"] = levels.get(r["ref"], 0)
        r["last_change"] = changes.get(r["ref"])
        # The period whose progress report the lead agency still owes (engine.progress).
        r["report_owed"] = owed.get(r["ref"])
        r["legal_ref"] = plans[r["plan"]].legal_ref
        r["province"] = plans[r["plan"]].province
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
        "total": total,
        "limit": limit,
        "offset": offset,
        "agencies": sorted(named),
    }


def _loaded(session: Session, ids: list[int]) -> list[Occurrence]:
    """The occurrences of ``ids`` with their tasks, agencies and plans, in that order."""
    loaded: dict[int, Occurrence] = {}
    # The plans in one statement too: the owed reports ask each task for its plan.
    with_plans = selectinload(Occurrence.task).selectinload(Task.plan)
    for cond in id_pages(session, Occurrence.id, ids):
        query = occurrence_query().where(cond).options(with_plans)
        loaded.update({o.id: o for o in session.scalars(query)})
    return [loaded[i] for i in ids]


def _counts(
    session: Session, f: Filters, where: list[Any], chosen: set[str] | None, as_of: dt.date
) -> kpi.Buckets:
    """The four buckets of the whole selection: from the kept summaries when only plans are
    chosen (``engine.counts``), else counted by the database over the filtered rows."""
    if f.agency is None and f.year is None and chosen is None:
        everything = all_plans_counts(session, as_of)
        return kpi.Buckets.of_counts({c.replace("_", "-"): n for c, n in everything.items()})
    if f.agency is None and f.year is None:
        by_plan = plan_counts(session, as_of, chosen)
        summed: Counter[str] = Counter()
        for plan_id, counted in by_plan.items():
            if chosen is None or plan_id in chosen:
                summed.update(counted)
        return kpi.Buckets.of_counts({c.replace("_", "-"): n for c, n in summed.items()})
    return kpi.Buckets.of_counts(selection.category_counts(session, where, as_of))


def _total(
    session: Session,
    f: Filters,
    where: list[Any],
    alternatives: list[Any],
    counts: kpi.Buckets,
    as_of: dt.date,
) -> int:
    """How many rows the list holds: the overdue count is known from the buckets; the rest
    (due soon, a status of a filtered selection) is counted through the indexes."""
    if f.status == "overdue":
        return counts.overdue
    if f.status is None:
        soon = selection.wanted_condition("due-soon", as_of)
        return counts.overdue + selection.count(session, [*where, *soon])
    return selection.count(session, [*where, *alternatives])


def named_agencies(session: Session, as_of: dt.date, plan_id: str | None = None) -> set[str]:
    """The agencies tasks (of ``plan_id``) name, and who holds their work on ``as_of``."""
    book = SuccessionBook(session)  # kept per process (engine.reference): no statement
    if plan_id is not None:
        query = (
            select(TaskAgency.agency_code)
            .distinct()
            .join(Task, Task.id == TaskAgency.task_id)
            .where(Task.plan_id == plan_id)
        )
    else:
        # One index probe per agency, not a pass over every task's agencies (issue 17).
        query = select(Agency.code).where(exists().where(TaskAgency.agency_code == Agency.code))
    codes = set(session.scalars(query))
    return codes | {book.holder(c, as_of) for c in codes}


def _owed_reports(
    session: Session, occs: list[Occurrence], as_of: dt.date
) -> dict[str, dict[str, str]]:
    """The collecting period each listed occurrence's lead agency has not reported for."""
    from engine.progress_owed import missing_reports

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
