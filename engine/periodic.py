"""The department's consolidated report for a period: its data (``notifiers.docx_report`` writes it).

One report per plan and reporting period (``engine.report_periods``), read
on the period's cut-off day: the four buckets, completion and update rates
(``engine.kpi``), the results by task group (the annex's sections), the
targets against what the agencies measured (``engine.targets``), the
overdue work with its agencies and working days late, the extensions
granted, the difficulties and proposals the agencies wrote, and an annex
row per occurrence. Its bucket counts are those of ``dondoc tasks --plan
PLAN --as-of CUT-OFF``: every occurrence the plan has on that day.

The issuing agency is the plan's responsible department on the day the
report is made (after any succession, Resolution 190/2025/QH15), under its
parent; the past keeps its names in the rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from engine import kpi
from engine.ladder import days_overdue
from engine.lookup import get_plan
from engine.models import Agency, Plan
from engine.names import AgencyNames
from engine.report_periods import ReportPeriod
from engine.reporting_periods import period_of
from engine.targets import target_progress
from engine.update_rate import cycle_records, reporting
from engine.views import task_rows, today
from engine.workdays import PlanCalendars


def periodic_report(
    session: Session, plan_id: str, period_key: str, *, made_on: dt.date | None = None
) -> dict[str, Any]:
    """Everything ``dondoc report periodic`` writes for ``plan_id`` and ``period_key``."""
    plan = get_plan(session, plan_id)
    own = period_of(plan, period_key)  # refuses a period outside the plan's years
    period = ReportPeriod.parse(own.id)
    made_on = made_on or today()
    as_of = period.end
    rows = task_rows(session, plan_id=plan.id, as_of=as_of)
    reported, expected = reporting(session, rows, period, as_of)
    records = cycle_records(session, plan.id, period)
    names = AgencyNames.read(session)
    total = _figures(rows, reported, expected)
    return {
        "plan": {**plan.facts(), "issued": plan.issued.isoformat(), "province": plan.province},
        "period": {
            "key": period.key,
            "year": period.year,
            "half": period.half,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "deadline": own.deadline.isoformat(),
        },
        "as_of": as_of.isoformat(),
        "made_on": made_on.isoformat(),
        "issuer": _issuer(session, plan, made_on, names),
        "place": names.province(plan.province),
        "figures": total,
        "sections": _sections(plan, rows, reported, expected),
        "overdue": _overdue(plan, rows, as_of, names),
        "extensions": _named(records["extensions"], names),
        "difficulties": _named(records["difficulties"], names),
        "proposals": _named(records["proposals"], names),
        "targets": [
            {**t, "actual": _named([t["actual"]], names)[0] if t["actual"] else None}
            for t in target_progress(session, plan, period)
        ],
        "annex": _annex(rows, reported, records, names),
        "recipients": _recipients(plan),
        "recipients_names": [names.full(c, "vi") for c in _recipients(plan)],
        "recipients_names_en": [names.full(c, "en") for c in _recipients(plan)],
    }


def _named(items: list[dict[str, Any]], names: AgencyNames) -> list[dict[str, Any]]:
    """Each item with its agency's names as they are today."""
    return [
        {
            **item,
            "agency_name": names.full(item["agency"], "vi"),
            "agency_name_en": names.full(item["agency"], "en"),
        }
        for item in items
    ]


def _recipients(plan: Plan) -> list[str]:
    """Whom the plan says the department reports to (its own report_deadlines line)."""
    out: list[str] = []
    for line in plan.details.get("report_deadlines") or []:
        if plan.responsible_code in (line.get("by") or line.get("from") or []):
            out += [c for c in line.get("to") or [] if c not in out]
    return out


def _figures(rows: list[dict[str, Any]], reported: set[str], expected: set[str]) -> dict[str, Any]:
    refs = {r["ref"] for r in rows}
    update = kpi.UpdateRate(expected=len(expected & refs), reported=len(reported & expected & refs))
    return kpi.Buckets.of(r["status_category"] for r in rows).figures(update)


def _issuer(session: Session, plan: Plan, day: dt.date, names: AgencyNames) -> dict[str, Any]:
    code = plan.responsible_on(day)
    agency = session.get(Agency, code)
    parent = agency.parent_code if agency is not None else None
    abbr = code.split("/", 1)[-1].upper()
    return {
        "code": code,
        "name_vi": names.full(code, "vi"),
        "name_en": names.full(code, "en"),
        "parent": parent,
        "parent_vi": names.full(parent, "vi") if parent else "",
        "parent_en": names.full(parent, "en") if parent else "",
        # Documents of a Sở Công Thương carry "/BC-SCT"; the province's template may differ.
        "symbol": f"BC-{abbr}",
    }


def _sections(
    plan: Plan, rows: list[dict[str, Any]], reported: set[str], expected: set[str]
) -> list[dict[str, Any]]:
    """Results by task group: the annex's sections with their own figures."""
    section_of = {t.code: t.section for t in plan.tasks}
    titles = {str(s.get("code")): s.get("title", "") for s in plan.details.get("sections") or []}
    order = list(titles)
    grouped: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        key = section_of.get(r["code"]) or ""
        grouped.setdefault(key, []).append(r)
        if key not in order:
            order.append(key)
    return [
        {
            "code": key,
            "title": titles.get(key, ""),
            "figures": _figures(grouped[key], reported, expected),
            "tasks": sorted({r["code"] for r in grouped[key]}, key=_code_order),
        }
        for key in order
        if key in grouped
    ]


def _code_order(code: str) -> list[int | str]:
    return [int(p) if p.isdigit() else p for p in code.split(".")]


def _overdue(
    plan: Plan, rows: list[dict[str, Any]], as_of: dt.date, names: AgencyNames
) -> list[dict[str, Any]]:
    cal = PlanCalendars().for_plan(plan.id, plan.details)
    late = []
    for r in rows:
        if r["status_category"] != "overdue":
            continue
        due = dt.date.fromisoformat(r["due"])
        late.append(
            {
                "ref": r["ref"],
                "code": r["code"],
                "year": r["year"],
                "title": r["title"],
                "due": r["due"],
                "leads": r["leads"],
                "lead_names": [names.full(c, "vi") for c in r["leads"]],
                "lead_names_en": [names.full(c, "en") for c in r["leads"]],
                "days": (as_of - due).days,
                "working_days": days_overdue(cal, due, as_of),
            }
        )
    late.sort(key=lambda e: (-e["days"], e["ref"]))
    return late


def _annex(
    rows: list[dict[str, Any]],
    reported: set[str],
    records: dict[str, Any],
    names: AgencyNames,
) -> list[dict[str, Any]]:
    latest, extended = records["latest"], records["extended"]
    return [
        {
            "ref": r["ref"],
            "code": r["code"],
            "year": r["year"],
            "title": r["title"],
            "workflow": r["workflow"],
            "state": r["state"],
            "status_category": r["status_category"],
            "due": r["due"],
            "leads": r["leads"],
            "lead_names": [names.full(c, "vi") for c in r["leads"]],
            "lead_names_en": [names.full(c, "en") for c in r["leads"]],
            "reported": r["ref"] in reported,
            "progress": latest.get(r["ref"]),
            "extended_to": extended.get(r["ref"], {}).get("new_due"),
            "original_due": extended.get(r["ref"], {}).get("original_due"),
        }
        for r in rows
    ]
