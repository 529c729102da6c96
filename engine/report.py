"""The annual report a plan's responsible department owes: its data (``notifiers`` writes it out).

One entry per task with the occurrences that concern the year (a yearly
occurrence of that year, or a longer window that covers it), their state and
status at the year's end, results and evidence recorded in the history,
the escalations of the year, the plan's targets and its planned budget.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import workflows
from engine import kpi
from engine.digest import agency_names
from engine.errors import InvalidInput
from engine.lookup import get_plan
from engine.models import Escalation, Event, Occurrence, Task
from engine.views import category_of, completion_day, today
from engine.workdays import VIETNAM_TZ, local_day

# Catalog bookkeeping carries no result worth reporting.
_QUIET_TRIGGERS = ("create", "replan", "succeed")


def annual_report(session: Session, plan_id: str, year: int) -> dict[str, Any]:
    """Everything ``dondoc report annual`` prints for ``plan_id`` and ``year``."""
    plan = get_plan(session, plan_id)
    if not plan.period_start <= year <= plan.period_end:
        raise InvalidInput(
            "report_year_outside",
            plan=plan.id,
            year=year,
            start=plan.period_start,
            end=plan.period_end,
        )
    as_of = min(dt.date(year, 12, 31), today())
    budget = plan.details.get("budget") or {}
    lines = [b for b in budget.get("lines") or [] if int(b.get("year", 0)) == year]
    tasks = []
    counts: dict[str, int] = {}
    for task in plan.tasks:
        if task.archived:
            continue
        entry = _task_entry(session, task, year, as_of, lines)
        for occ in entry["occurrences"]:
            counts[occ["status_category"]] = counts.get(occ["status_category"], 0) + 1
        tasks.append(entry)
    escalations = _escalations(session, plan.id, year)
    figures = _figures(session, plan.id, [o for t in tasks for o in t["occurrences"]], year, as_of)
    names = agency_names(session)
    mentioned = dict.fromkeys(
        [
            plan.responsible_code,
            *(code for t in tasks for code in (*t["leads"], *t["co_agencies"])),
            *(e["target"] for e in escalations),
        ]
    )
    return {
        "plan": {
            **plan.facts(),
            "report_deadlines": plan.details.get("report_deadlines") or [],
        },
        "year": year,
        "as_of": as_of.isoformat(),
        "counts": counts,
        # The buckets and rates of engine.kpi, over the occurrences this report lists.
        "figures": figures,
        "tasks": tasks,
        "escalations": escalations,
        # Names of the agencies the report names, as they are on the day it is made.
        "agencies": {code: names[code] for code in mentioned if code in names},
        "targets": plan.details.get("targets") or [],
        "budget_unit": budget.get("unit", ""),
        "budget_total": sum(float(b.get("amount") or 0) for b in lines),
        "has_budget": bool(budget.get("lines")),
    }


def _figures(
    session: Session, plan_id: str, occs: list[dict[str, Any]], year: int, as_of: dt.date
) -> dict[str, Any]:
    from engine.report_periods import ReportPeriod
    from engine.update_rate import reporting

    rows = [{**o, "plan": plan_id} for o in occs]
    updated, expected = reporting(session, rows, ReportPeriod.parse(str(year)), as_of)
    refs = {o["ref"] for o in occs}
    update = kpi.UpdateRate(expected=len(expected & refs), reported=len(updated & expected & refs))
    return kpi.Buckets.of(o["status_category"] for o in occs).figures(update)


def _task_entry(
    session: Session, task: Task, year: int, as_of: dt.date, lines: list[dict[str, Any]]
) -> dict[str, Any]:
    wf = workflows.get(task.workflow)
    occurrences = []
    for occ in task.occurrences:
        if occ.archived or not occ.window_start.year <= year <= occ.due.year:
            continue
        occurrences.append(
            {
                "ref": occ.ref,
                "state": occ.state,
                "status_category": category_of(occ, wf, as_of),
                "due": occ.due.isoformat(),
                "completed_on": day.isoformat() if (day := completion_day(occ)) else None,
                "results": _results(session, occ, year),
            }
        )
    planned = [b for b in lines if str(b.get("task")) == task.code]
    leads = task.leads
    return {
        "code": task.code,
        "section": task.section,
        "title": task.title,
        "workflow": task.workflow,
        "expected_result": task.result,
        "owner": leads[0] if leads else None,
        "leads": leads,
        "co_agencies": task.co_agencies,
        "window": f"{task.window_start}-{task.window_end}",
        "occurrences": occurrences,
        "budget": [
            {"amount": b.get("amount"), "source": b.get("source"), "unit": b.get("unit")}
            for b in planned
        ],
        "budget_total": sum(float(b.get("amount") or 0) for b in planned),
    }


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, 1, 1, tzinfo=VIETNAM_TZ).astimezone(dt.UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=VIETNAM_TZ).astimezone(dt.UTC)
    return start, end


def _results(session: Session, occ: Occurrence, year: int) -> list[dict[str, Any]]:
    start, end = _year_bounds(year)
    events = session.scalars(
        select(Event)
        .where(
            Event.occurrence_id == occ.id,
            Event.at >= start,
            Event.at < end,
            Event.trigger.not_in(_QUIET_TRIGGERS),
        )
        .order_by(Event.seq)
    )
    return [
        {
            "at": local_day(ev.at).isoformat(),
            "trigger": ev.trigger,
            "to": ev.to_state,
            "actor": ev.actor,
            "note": ev.note,
            "evidence": {k: str(v) for k, v in sorted((ev.fields or {}).items())},
        }
        for ev in events
        if ev.note or ev.fields
    ]


def _escalations(session: Session, plan_id: str, year: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Escalation, Occurrence.ref)
        .join(Occurrence, Escalation.occurrence_id == Occurrence.id)
        .join(Task, Occurrence.task_id == Task.id)
        .where(
            Task.plan_id == plan_id,
            Escalation.as_of >= dt.date(year, 1, 1),
            Escalation.as_of <= dt.date(year, 12, 31),
        )
        .order_by(Escalation.as_of, Occurrence.ref, Escalation.level)
    ).all()
    return [
        {
            "ref": ref,
            "kind": e.kind,
            "level": e.level,
            "target": e.target_code,
            "cc": list(e.cc),
            "as_of": e.as_of.isoformat(),
            "days_overdue": e.days_overdue,
        }
        for e, ref in rows
    ]
