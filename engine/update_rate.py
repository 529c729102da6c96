"""The progress cycle's record as the figures and the periodic report read it.

The update rate's two counts come from ``engine.progress.period_status``:
an occurrence owes a report for a period when it is open during it
(``engine.progress.expected``), and counts as updated when its lead agency
reported for the period and it has not gone silent (``engine.silence``).
The periodic report also takes from the cycle the newest report of each
occurrence, the difficulties and proposals the agencies wrote, the
extensions granted (``engine.extensions``) and the figures reported for the
plan's targets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cycle_models import ProgressReport
from engine.extensions import approved_of
from engine.lookup import get_plan
from engine.models import Occurrence
from engine.progress import period_status
from engine.report_periods import ReportPeriod
from engine.workdays import local_day


def reporting(
    session: Session, rows: Iterable[dict[str, Any]], period: ReportPeriod, as_of: dt.date
) -> tuple[set[str], set[str]]:
    """``(updated, expected)`` among the refs of ``rows`` for ``period``, judged on ``as_of``."""
    updated: set[str] = set()
    expected: set[str] = set()
    for plan_id in sorted({r["plan"] for r in rows}):
        plan = get_plan(session, plan_id)
        if not plan.period_start <= period.year <= plan.period_end:
            continue  # the plan owes no report for a year outside its period
        _, states = period_status(session, plan_id, period.key, as_of)
        expected |= {s.ref for s in states}
        updated |= {s.ref for s in states if s.updated}
    return updated, expected


def cycle_records(session: Session, plan_id: str, period: ReportPeriod) -> dict[str, Any]:
    """What the agencies' reports and the extensions bring to the period's report."""
    _, states = period_status(session, plan_id, period.key, period.end)
    latest: dict[str, dict[str, Any]] = {}
    difficulties: list[dict[str, Any]] = []
    proposals: list[dict[str, Any]] = []
    for state in states:
        if state.report is not None:
            latest[state.ref] = _report_facts(state.report, state.ref)
        for r in [*([state.report] if state.report else []), *state.contributions]:
            if r.difficulties.strip():
                difficulties.append({**_who(r, state.ref), "text": r.difficulties.strip()})
            if r.proposals.strip():
                proposals.append({**_who(r, state.ref), "text": r.proposals.strip()})
    occs = {
        o.id: o
        for o in session.scalars(
            select(Occurrence).join(Occurrence.task).where(Occurrence.task.has(plan_id=plan_id))
        )
    }
    # Due days are read as they stand when the report is made (the buckets do the
    # same): every approved extension is in force, and the report lists those
    # decided since the period began, a late decision included.
    extended: dict[str, dict[str, Any]] = {}
    granted: list[dict[str, Any]] = []
    for occ_id, rows in approved_of(session, list(occs)).items():
        occ = occs[occ_id]
        extended[occ.ref] = {
            "original_due": rows[0].old_due.isoformat(),
            "new_due": occ.due.isoformat(),
        }
        for ext in rows:
            if ext.decided_at is None or local_day(ext.decided_at) < period.start:
                continue
            granted.append(
                {
                    "ref": occ.ref,
                    "agency": ext.agency_code,
                    "original_due": ext.old_due.isoformat(),
                    "new_due": (ext.granted_due or occ.due).isoformat(),
                    "requested_due": ext.requested_due.isoformat(),
                    "reason": ext.reason,
                    "decided_on": local_day(ext.decided_at).isoformat(),
                }
            )
    granted.sort(key=lambda e: (e["decided_on"], e["ref"]))
    return {
        "latest": latest,
        "difficulties": difficulties,
        "proposals": proposals,
        "extensions": granted,
        "extended": extended,
    }


def _who(report: ProgressReport, ref: str) -> dict[str, Any]:
    return {"agency": report.agency_code, "ref": ref, "role": report.role}


def _report_facts(report: ProgressReport, ref: str) -> dict[str, Any]:
    return {
        "ref": ref,
        "agency": report.agency_code,
        "at": report.submitted_on.isoformat(),
        "version": report.version,
        "percent": report.percent,
        "note": report.status_text,
    }


def target_figures(session: Session, plan_id: str, period: ReportPeriod) -> dict[str, Any]:
    """``{target code: facts}``: the newest figure reported for each target in the period.

    Versions are read in the order they came; a correction (a newer version)
    replaces the figure it corrects, and the newest report of any agency wins.
    """
    found: dict[str, Any] = {}
    rows = session.execute(
        select(ProgressReport, Occurrence.ref)
        .join(Occurrence, ProgressReport.occurrence_id == Occurrence.id)
        .where(ProgressReport.plan_id == plan_id, ProgressReport.period == period.key)
        .order_by(ProgressReport.id)
    ).all()
    for report, ref in rows:
        for code, value in (report.figures or {}).items():
            found[code] = {
                "value": float(value),
                "ref": ref,
                "agency": report.agency_code,
                "at": report.submitted_on.isoformat(),
            }
    return found
