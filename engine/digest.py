"""The weekly digest's plain data: where a plan (or one agency's part of it) stands on a day.

The engine computes facts here; ``notifiers.render`` turns them into text,
HTML or Markdown, and ``engine.digest_job`` queues one per recipient agency.
Nothing here is worded: states, triggers and status categories are codes the
faces label from the message catalog.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import status
from engine.errors import NotFound
from engine.ladder import days_overdue
from engine.lookup import close_matches, get_plan
from engine.models import Escalation, Event, Occurrence, Plan, Task
from engine.names import AgencyNames
from engine.progress_owed import missing_in_plans, missing_reports
from engine.reporting_periods import ReportingPeriod
from engine.views import occurrence_query, occurrence_row, task_rows
from engine.workdays import VIETNAM_TZ, PlanCalendars

DUE_WINDOW_DAYS = 14
CHANGES_DAYS = 7
# Catalog loading writes these events; they are bookkeeping, not news.
_CATALOG_TRIGGERS = ("create",)
_CLOSED = ("completed-on-time", "completed-late", "cancelled")


def digest_data(
    session: Session,
    *,
    plan_id: str | None = None,
    agency: str | None = None,
    as_of: dt.date,
) -> dict[str, Any]:
    """Counts by status, overdue work, what falls due soon, recent changes and targets."""
    rows = task_rows(session, plan_id=plan_id, agency=agency, as_of=as_of)
    plans = (
        [get_plan(session, plan_id)]
        if plan_id
        else list(session.scalars(select(Plan).where(Plan.id.in_({r["plan"] for r in rows}))))
    )
    late = [r["ref"] for r in rows if r["status_category"] == "overdue"]
    return _assemble(
        rows,
        plans=plans,
        owed=missing_in_plans(session, plans, as_of),
        levels=escalation_levels(session, as_of, late),
        changes=_changes(session, as_of, [r["ref"] for r in rows]),
        names=agency_names(session),
        plan_id=plan_id,
        agency=agency,
        as_of=as_of,
    )


def agency_names(session: Session) -> dict[str, dict[str, str]]:
    """Every agency's names by language, read once: the digest names what it mentions."""
    return {
        code: {"vi": names["vi"], "en": names["en"]}
        for code, names in AgencyNames.read(session).as_dict().items()
    }


def plan_has_begun(plan: Plan, as_of: dt.date) -> bool:
    """Whether the plan's period has started on ``as_of`` (and the plan was issued by then).

    The first window of a plan starts on 1 January of its first year or its
    issue date, whichever is later (``engine.windows``); before that the plan
    has nobody to report to.
    """
    return as_of >= max(dt.date(plan.period_start, 1, 1), plan.issued)


def recipients(session: Session, plan_id: str, as_of: dt.date) -> list[str]:
    """Every agency leading or co-operating on an occurrence of the plan still open on ``as_of``.

    None for a plan whose period has not begun on ``as_of``.
    """
    if not plan_has_begun(get_plan(session, plan_id), as_of):
        return []
    return _open_agencies(task_rows(session, plan_id=plan_id, as_of=as_of))


def _open_agencies(rows: list[dict[str, Any]]) -> list[str]:
    codes: dict[str, None] = {}
    for r in rows:
        if r["status_category"] not in _CLOSED:
            for code in (*r["leads"], *r["co_agencies"]):
                codes.setdefault(code, None)
    return sorted(codes)


class DigestBook:
    """Every digest of one day, from one read of the database.

    ``digest_data`` reads and categorises a plan's occurrences once per
    digest, so a plan with 30 recipient agencies was read 31 times. The book
    reads every occurrence, the overdue levels and the week's changes once
    and groups them in Python; ``data(...)`` returns exactly what
    ``digest_data`` returns for the same arguments.
    """

    def __init__(self, session: Session, as_of: dt.date, plan_id: str | None = None) -> None:
        self.as_of = as_of
        query = occurrence_query()
        if plan_id:
            get_plan(session, plan_id)
            query = query.where(Task.plan_id == plan_id)
        self._rows: list[dict[str, Any]] = []
        # Row indexes per plan and per involved agency (any role, as the
        # agency filter of ``task_rows`` matches it), in listing order.
        self._by_plan: dict[str, list[int]] = {}
        self._by_agency: dict[str, list[int]] = {}
        occs = session.scalars(query).all()
        # Who still owes the progress report being collected (engine.progress_owed).
        self._owed = missing_reports(session, occs, as_of)
        for occ in occs:
            index = len(self._rows)
            row = occurrence_row(occ, as_of)
            self._rows.append(row)
            self._by_plan.setdefault(occ.task.plan_id, []).append(index)
            # The agencies that hold the work on the day (engine.succession).
            for code in dict.fromkeys([*row["leads"], *row["co_agencies"]]):
                self._by_agency.setdefault(code, []).append(index)
        plan_query = select(Plan).order_by(Plan.id)
        if plan_id:
            plan_query = plan_query.where(Plan.id == plan_id)
        self.plans: dict[str, Plan] = {p.id: p for p in session.scalars(plan_query)}
        self._levels = escalation_levels(session, as_of, None)
        self._changes = _changes(session, as_of, None)
        self._names = agency_names(session)

    def recipients(self, plan_id: str) -> list[str]:
        """As ``recipients(session, plan_id, as_of)``."""
        if not plan_has_begun(self.plans[plan_id], self.as_of):
            return []
        return _open_agencies([self._rows[i] for i in self._by_plan.get(plan_id, [])])

    def data(self, *, plan_id: str | None = None, agency: str | None = None) -> dict[str, Any]:
        """As ``digest_data(session, plan_id=..., agency=..., as_of=...)``."""
        if plan_id is not None and plan_id not in self.plans:
            known = close_matches(plan_id, list(self.plans))
            raise NotFound("no_plan", plan=plan_id, known=known, count=len(self.plans))
        if agency is not None:
            wanted = self._by_agency.get(agency, [])
            if plan_id is not None:
                wanted = [i for i in wanted if self._rows[i]["plan"] == plan_id]
        elif plan_id is not None:
            wanted = self._by_plan.get(plan_id, [])
        else:
            wanted = list(range(len(self._rows)))
        rows = [self._rows[i] for i in wanted]
        refs = {r["ref"] for r in rows}
        plan_ids = [plan_id] if plan_id else sorted({r["plan"] for r in rows})
        return _assemble(
            rows,
            plans=[self.plans[p] for p in plan_ids],
            owed=self._owed,
            levels=self._levels,
            changes=[c for c in self._changes if c["ref"] in refs],
            names=self._names,
            plan_id=plan_id,
            agency=agency,
            as_of=self.as_of,
        )


def _assemble(
    rows: list[dict[str, Any]],
    *,
    plans: list[Plan],
    owed: dict[str, ReportingPeriod],
    levels: dict[str, int],
    changes: list[dict[str, Any]],
    names: dict[str, dict[str, str]],
    plan_id: str | None,
    agency: str | None,
    as_of: dt.date,
) -> dict[str, Any]:
    counts = {c.replace("_", "-"): 0 for c in status.CATEGORIES}
    for r in rows:
        counts[r["status_category"]] += 1
    total = len(rows)
    overdue = _overdue(rows, levels, as_of, {p.id: p.details for p in plans})
    due_soon = _due_soon(rows, as_of)
    reports_owed = _reports_owed(rows, owed)
    mentioned = dict.fromkeys(
        [
            *([agency] if agency else []),
            *(p.responsible_on(as_of) for p in plans),
            *(item["owner"] for item in [*overdue, *due_soon, *reports_owed] if item["owner"]),
        ]
    )
    return {
        "as_of": as_of.isoformat(),
        "week": _iso_week(as_of),
        "plan_id": plan_id,
        "agency": agency,
        "plans": [_plan_header(p, as_of) for p in sorted(plans, key=lambda p: p.id)],
        "total": total,
        "counts": counts,
        "percent": {k: round(100 * v / total) if total else 0 for k, v in counts.items()},
        "overdue": overdue,
        "due_soon": due_soon,
        # Whose lead agency has sent no progress report for the period being collected.
        "reports_owed": reports_owed,
        "changes": changes,
        # Names of the agencies named above, as they are on the day of the digest.
        "agencies": {code: names[code] for code in mentioned if code in names},
    }


def _iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _plan_header(plan: Plan, as_of: dt.date) -> dict[str, Any]:
    targets = []
    for t in plan.details.get("targets") or []:
        year = t.get("year")
        targets.append(
            {
                "code": t.get("code"),
                "text_vi": t.get("text_vi", ""),
                "text_en": t.get("text_en", ""),
                "figure": t.get("figure"),
                "unit": t.get("unit", ""),
                "year": year,
                # Measured values are not recorded yet, so a target can only be
                # said to be due or past its year, never met.
                "past": bool(year) and as_of.year > int(year),
            }
        )
    return {
        **plan.facts(),
        "responsible": plan.responsible_on(as_of),
        "targets": targets,
    }


def escalation_levels(session: Session, as_of: dt.date, refs: list[str] | None) -> dict[str, int]:
    """The highest overdue escalation level reached by ``as_of``, per ref (all refs if None)."""
    if refs is not None and not refs:
        return {}
    query = (
        select(Occurrence.ref, func.max(Escalation.level))
        .join(Escalation, Escalation.occurrence_id == Occurrence.id)
        .where(Escalation.kind == "overdue", Escalation.as_of <= as_of)
        .group_by(Occurrence.ref)
    )
    if refs is not None:
        query = query.where(Occurrence.ref.in_(refs))
    return {ref: level for ref, level in session.execute(query)}


def _overdue(
    rows: list[dict[str, Any]],
    levels: dict[str, int],
    as_of: dt.date,
    details: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    late = [r for r in rows if r["status_category"] == "overdue"]
    # Working days are counted on each plan's own calendar, as the sweep does.
    calendars = PlanCalendars()
    items = []
    for r in late:
        cal = calendars.for_plan(r["plan"], details.get(r["plan"]))
        due = dt.date.fromisoformat(r["due"])
        items.append(
            {
                "ref": r["ref"],
                "plan": r["plan"],
                "code": r["code"],
                "year": r["year"],
                "title": r["title"],
                "owner": r["owner"],
                "workflow": r["workflow"],
                "state": r["state"],
                "due": r["due"],
                "working_days_overdue": days_overdue(cal, due, as_of),
                "calendar_days_overdue": (as_of - due).days,
                "level": levels.get(r["ref"], 0),
            }
        )
    items.sort(key=lambda i: (-i["working_days_overdue"], i["ref"]))
    return items


def _due_soon(rows: list[dict[str, Any]], as_of: dt.date) -> list[dict[str, Any]]:
    soon = [
        {
            k: r[k]
            for k in ("ref", "plan", "code", "year", "title", "owner", "workflow", "state", "due")
        }
        | {"days_left": (dt.date.fromisoformat(r["due"]) - as_of).days}
        for r in rows
        if status.is_due_soon(
            r["status_category"].replace("-", "_"),
            due=dt.date.fromisoformat(r["due"]),
            as_of=as_of,
            within_days=DUE_WINDOW_DAYS,
        )
    ]
    return sorted(soon, key=lambda i: (i["due"], i["ref"]))


def _reports_owed(
    rows: list[dict[str, Any]], owed: dict[str, ReportingPeriod]
) -> list[dict[str, Any]]:
    items = [
        {k: r[k] for k in ("ref", "plan", "code", "year", "title", "owner", "workflow")}
        | {"period": owed[r["ref"]].id, "deadline": owed[r["ref"]].deadline.isoformat()}
        for r in rows
        if r["ref"] in owed
    ]
    return sorted(items, key=lambda i: (i["deadline"], i["owner"] or "", i["ref"]))


def _changes(session: Session, as_of: dt.date, refs: list[str] | None) -> list[dict[str, Any]]:
    """The week's changes (not catalog bookkeeping) of ``refs``, or of every occurrence if None."""
    if refs is not None and not refs:
        return []
    # The week ending with as_of, in Vietnam's days, as UTC instants.
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), VIETNAM_TZ)
    start = end - dt.timedelta(days=CHANGES_DAYS)
    query = (
        select(Event, Occurrence.ref, Task.workflow, Task.code, Occurrence.year)
        .join(Occurrence, Event.occurrence_id == Occurrence.id)
        .join(Task, Occurrence.task_id == Task.id)
        .where(
            Event.at >= start.astimezone(dt.UTC),
            Event.at < end.astimezone(dt.UTC),
            Event.trigger.not_in(_CATALOG_TRIGGERS),
        )
        .order_by(Event.at, Event.id)
    )
    if refs is not None:
        query = query.where(Occurrence.ref.in_(refs))
    return [
        {
            "ref": ref,
            "at": ev.at.astimezone(VIETNAM_TZ).strftime("%Y-%m-%d %H:%M"),
            "actor": ev.actor,
            "trigger": ev.trigger,
            "from": ev.from_state,
            "to": ev.to_state,
            "note": ev.note,
            "workflow": workflow,
            "code": code,
            "year": year,
        }
        for ev, ref, workflow, code, year in session.execute(query)
    ]
