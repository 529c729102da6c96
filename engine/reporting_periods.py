"""A plan's reporting periods: what data each report covers and when the agencies' reports are due.

Decree 09/2019/NĐ-CP of 24/01/2019 on the reporting regime of state
administrative agencies (Article 12, data cut-off of periodic reports; cited,
e.g., by Kon Tum's Decision 06/2024/QĐ-UBND on its periodic reports,
thuvienphapluat.vn): the 6-month report covers 15/12 of the previous year to
14/6, the annual report 15/12 of the previous year to 14/12.

Periods are named ``2018-H1`` (the 6-month report of 2018) and ``2018`` (the
annual report). The day the agencies' reports are due is the plan's own when
its data gives one for reports *to* its responsible department (Nghệ An
Plan 314/KH-UBND section IV: before 15/12 each year; Kon Tum and Cao Bằng:
before 30/11; ``report_deadlines`` in the catalog); otherwise the last day of
the Decree 09 cut-off, since no earlier day is printed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from engine.errors import InvalidInput
from engine.models import Plan

HALF = "half"
YEAR = "year"
PLAN_SOURCE = "plan"
DECREE_SOURCE = "decree-09"

_PERIOD = re.compile(r"^(\d{4})(-H1)?$")


@dataclass(frozen=True)
class ReportingPeriod:
    """One reporting period of a plan."""

    id: str
    kind: str  # HALF or YEAR
    year: int
    start: dt.date  # first day of data covered (Decree 09 cut-off)
    end: dt.date  # last day of data covered
    deadline: dt.date  # the day the agencies' reports are due
    source: str  # PLAN_SOURCE or DECREE_SOURCE: where the deadline comes from

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "year": self.year,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "deadline": self.deadline.isoformat(),
            "source": self.source,
        }


def parse_period(text: str) -> tuple[int, str]:
    """``"2018-H1"`` → (2018, HALF); ``"2018"`` → (2018, YEAR); anything else is refused."""
    found = _PERIOD.match((text or "").strip())
    if not found or not 1900 < int(found.group(1)) < 2200:
        raise InvalidInput("bad_period", value=text)
    return int(found.group(1)), HALF if found.group(2) else YEAR


def _plan_deadline(plan: Plan, kind: str, year: int) -> dt.date | None:
    """The plan's own day for the agencies' reports of this kind, if its data gives one."""
    every = "half-year" if kind == HALF else "year"
    for entry in (plan.details or {}).get("report_deadlines") or []:
        if entry.get("every") != every or plan.responsible_code not in (entry.get("to") or []):
            continue
        month, day = int(entry.get("month", 12)), int(entry.get("day", 31))
        if kind == HALF and month > 6:
            continue
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    return None


def period_of(plan: Plan, period_id: str) -> ReportingPeriod:
    """The period ``period_id`` of ``plan``; a year outside the plan's period is refused."""
    year, kind = parse_period(period_id)
    if not plan.period_start <= year <= plan.period_end:
        raise InvalidInput(
            "period_outside_plan",
            value=period_id,
            plan=plan.id,
            start=plan.period_start,
            end=plan.period_end,
        )
    start = dt.date(year - 1, 12, 15)
    end = dt.date(year, 6, 14) if kind == HALF else dt.date(year, 12, 14)
    own = _plan_deadline(plan, kind, year)
    canonical = f"{year}-H1" if kind == HALF else str(year)
    return ReportingPeriod(
        canonical, kind, year, start, end, own or end, PLAN_SOURCE if own else DECREE_SOURCE
    )


def periods_of(plan: Plan) -> list[ReportingPeriod]:
    """Every period of the plan, in order: each year's 6-month report, then its annual one."""
    return [
        period_of(plan, pid)
        for year in range(plan.period_start, plan.period_end + 1)
        for pid in (f"{year}-H1", str(year))
    ]


def open_periods(plan: Plan, as_of: dt.date) -> list[ReportingPeriod]:
    """The periods whose data window has begun by ``as_of`` (what reminders look at)."""
    return [p for p in periods_of(plan) if p.start <= as_of]
