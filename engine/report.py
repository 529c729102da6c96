"""The annual report a plan's responsible department owes: its data, and the xlsx sheet.

One entry per task with the occurrences that concern the year (a yearly
occurrence of that year, or a longer window that covers it), their state and
status at the year's end, results and evidence recorded in the history,
the escalations of the year, the plan's targets and its planned budget.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import workflows
from engine.errors import InvalidInput
from engine.lookup import get_plan
from engine.models import Escalation, Event, Occurrence, Task
from engine.views import category_of, today
from engine.workdays import VIETNAM_TZ, local_day

# Catalog bookkeeping carries no result worth reporting.
_QUIET_TRIGGERS = ("create", "replan")


def annual_report(session: Session, plan_id: str, year: int) -> dict[str, Any]:
    """Everything ``dondoc report annual`` prints for ``plan_id`` and ``year``."""
    plan = get_plan(session, plan_id)
    if not plan.period_start <= year <= plan.period_end:
        raise InvalidInput(
            f"{plan.id} runs from {plan.period_start} to {plan.period_end}; "
            f"there is no report for {year}."
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
    return {
        "plan": {
            "id": plan.id,
            "legal_ref": plan.legal_ref,
            "title_vi": plan.title_vi,
            "title_en": plan.title_en,
            "responsible": plan.responsible_code,
            "report_deadlines": plan.details.get("report_deadlines") or [],
        },
        "year": year,
        "as_of": as_of.isoformat(),
        "counts": counts,
        "tasks": tasks,
        "escalations": _escalations(session, plan.id, year),
        "targets": plan.details.get("targets") or [],
        "budget_unit": budget.get("unit", ""),
        "budget_total": sum(float(b.get("amount") or 0) for b in lines),
        "has_budget": bool(budget.get("lines")),
    }


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
                "state_label": wf.state(occ.state).label("vi"),
                "status_category": category_of(occ, wf, as_of),
                "due": occ.due.isoformat(),
                "completed_on": local_day(occ.completed_at).isoformat()
                if occ.completed_at
                else None,
                "results": _results(session, occ, year),
            }
        )
    planned = [b for b in lines if str(b.get("task")) == task.code]
    leads = task.leads
    return {
        "code": task.code,
        "section": task.section,
        "title": task.title,
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


XLSX_COLUMNS = (
    "Mã / Code",
    "Nhiệm vụ / Task",
    "Chủ trì / Owner",
    "Phối hợp / Co-operating",
    "Thời gian / Window",
    "Kỳ / Occurrences",
    "Trạng thái / State",
    "Tình trạng / Status",
    "Kết quả, minh chứng / Results and evidence",
    "Kinh phí dự kiến / Planned budget",
)


def write_xlsx(report: dict[str, Any], path: Path) -> None:
    """Write one row per task (occurrences joined within the cell) to ``path``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{report['year']}"
    sheet.append(list(XLSX_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for t in report["tasks"]:
        occs = t["occurrences"]
        results = [
            f"{r['at']} {r['trigger']}: "
            + "; ".join(
                [r["note"]] * bool(r["note"]) + [f"{k}={v}" for k, v in r["evidence"].items()]
            )
            for o in occs
            for r in o["results"]
        ]
        sheet.append(
            [
                t["code"],
                t["title"],
                t["owner"] or "",
                ", ".join(t["co_agencies"]),
                t["window"],
                "\n".join(o["ref"] for o in occs),
                "\n".join(o["state"] for o in occs),
                "\n".join(o["status_category"] for o in occs),
                "\n".join(results),
                t["budget_total"] if t["budget"] else None,
            ]
        )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFGHIJ", (8, 60, 22, 30, 11, 26, 16, 20, 50, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    book.save(path)
