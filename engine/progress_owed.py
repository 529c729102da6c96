"""Who still owes the progress report being collected: the worklist's and the digests' question.

The *collecting* period of a plan on a day is the one that has begun and
whose deadline has not passed (``engine.reporting_periods``); an occurrence
owes its report when it is expected in that period (``engine.progress.expected``),
its lead agency has sent none, and the period is not closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cycle_models import LEAD, PeriodClosure, ProgressReport
from engine.id_sets import id_pages
from engine.models import Occurrence, Plan, Task
from engine.progress import expected
from engine.reporting_periods import ReportingPeriod, periods_of


def collecting(plan: Plan, as_of: dt.date) -> ReportingPeriod | None:
    """The period whose reports are being collected on ``as_of``: begun, deadline not passed."""
    for period in periods_of(plan):
        if period.start <= as_of <= period.deadline:
            return period
    return None


def missing_reports(
    session: Session, occs: Sequence[Occurrence], as_of: dt.date
) -> dict[str, ReportingPeriod]:
    """For each of ``occs`` whose lead agency owes the collecting period's report: that period.

    Three statements whatever the number of plans: the closures of the plans'
    collecting periods, then the lead reports of ``occs`` (``engine.id_sets``).
    """
    by_plan: dict[str, list[Occurrence]] = {}
    for occ in occs:
        by_plan.setdefault(occ.task.plan_id, []).append(occ)
    periods = {
        plan_id: period
        for plan_id, plan_occs in by_plan.items()
        if (period := collecting(plan_occs[0].task.plan, as_of)) is not None
    }
    if not periods:
        return {}
    closed = {
        (plan_id, period)
        for plan_id, period in session.execute(
            select(PeriodClosure.plan_id, PeriodClosure.period).where(
                PeriodClosure.plan_id.in_(sorted(periods))
            )
        )
    }
    owing = {p: period for p, period in periods.items() if (p, period.id) not in closed}
    ids = [occ.id for plan_id in owing for occ in by_plan[plan_id]]
    reported: set[tuple[int, str, str]] = set()
    for cond in id_pages(session, ProgressReport.occurrence_id, ids):
        rows = session.execute(
            select(ProgressReport.occurrence_id, ProgressReport.plan_id, ProgressReport.period)
            .where(cond)
            .where(ProgressReport.role == LEAD)
        )
        reported.update((occ_id, plan_id, period) for occ_id, plan_id, period in rows)
    missing: dict[str, ReportingPeriod] = {}
    for plan_id, period in owing.items():
        for occ in by_plan[plan_id]:
            if (occ.id, plan_id, period.id) not in reported and expected(occ, period):
                missing[occ.ref] = period
    return missing


def missing_in_plans(
    session: Session, plans: Sequence[Plan], as_of: dt.date
) -> dict[str, ReportingPeriod]:
    """``missing_reports`` over every occurrence of ``plans`` that collect a report on ``as_of``."""
    found: dict[str, ReportingPeriod] = {}
    for plan in plans:
        if collecting(plan, as_of) is None:
            continue
        occs = session.scalars(
            select(Occurrence).join(Occurrence.task).where(Task.plan_id == plan.id)
        ).all()
        found.update(missing_reports(session, occs, as_of))
    return found
