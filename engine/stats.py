"""Follow-up figures for anyone's question: buckets, completion rate and update rate.

``stats`` counts the occurrences a question selects (a plan, an agency, a
province, a reporting period) with the one definition of ``engine.kpi``:
the four buckets of 1270/BC-TCTTTg, the completion rate and the update
rate. A period (``engine.report_periods``) is read on its cut-off day, so
the counts of "2018" are those of ``dondoc tasks --as-of 2018-12-14``;
without a period, on ``as_of`` (default today), and the update rate is that
of the year period that holds it.

An agency's figures are those of the occurrences it leads (owner or another
lead) on the day: it answers for them. Co-operating work is the lead's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import kpi
from engine.models import Plan
from engine.report_periods import ReportPeriod
from engine.views import task_rows, today


@dataclass(frozen=True)
class Question:
    plan: str | None = None
    agency: str | None = None
    province: str | None = None
    #: A reporting period key ("2018", "2018-H1"); None reads ``as_of``.
    period: str | None = None
    as_of: dt.date | None = None


def plans_in_province(plans: Iterable[Plan], province: str, as_of: dt.date) -> set[str]:
    """The plans of ``province``: the one that adopted them, and that of the responsible
    department on ``as_of`` (Kon Tum's plan is Quảng Ngãi's too after 1/7/2025,
    ``engine.succession``)."""
    return {
        p.id for p in plans if province in (p.province, p.responsible_on(as_of).split("/", 1)[0])
    }


def period_of(question: Question) -> tuple[ReportPeriod, dt.date]:
    """The period a question asks about and the day its status is read."""
    if question.period:
        period = ReportPeriod.parse(question.period)
        return period, period.end
    day = question.as_of or today()
    # The year period that holds the day: after 14/12 the next year's has begun.
    year = day.year + 1 if day > dt.date(day.year, 12, 14) else day.year
    return ReportPeriod.parse(str(year)), day


def selected_rows(session: Session, q: Question, as_of: dt.date) -> list[dict[str, Any]]:
    """The listing rows (``engine.views.task_rows``) a question selects, on ``as_of``."""
    rows = task_rows(session, plan_id=q.plan, agency=q.agency, as_of=as_of)
    if q.agency:
        rows = [r for r in rows if q.agency in r["leads"]]
    if q.province:
        wanted = plans_in_province(session.scalars(select(Plan)), q.province, as_of)
        rows = [r for r in rows if r["plan"] in wanted]
    return rows


def figures(rows: list[dict[str, Any]], reported: set[str], expected: set[str]) -> dict[str, Any]:
    """Buckets, completion rate and update rate of ``rows`` (refs updated / expected to report)."""
    refs = {r["ref"] for r in rows}
    update = kpi.UpdateRate(expected=len(expected & refs), reported=len(reported & expected & refs))
    return kpi.Buckets.of(r["status_category"] for r in rows).figures(update)


def stats(session: Session, q: Question) -> dict[str, Any]:
    """The figures of the whole selection and per plan and per lead agency, as plain data."""
    from engine.update_rate import reporting

    period, as_of = period_of(q)
    rows = selected_rows(session, q, as_of)
    reported, expected = reporting(session, rows, period, as_of)
    by_plan: dict[str, list[dict[str, Any]]] = {}
    by_agency: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_plan.setdefault(r["plan"], []).append(r)
        for lead in r["leads"]:
            if not q.agency or lead == q.agency:
                by_agency.setdefault(lead, []).append(r)
    return {
        "as_of": as_of.isoformat(),
        "period": {
            "key": period.key,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "filters": {
            "plan": q.plan,
            "agency": q.agency,
            "province": q.province,
            "period": q.period,
        },
        "total": figures(rows, reported, expected),
        "by_plan": {k: figures(v, reported, expected) for k, v in sorted(by_plan.items())},
        "by_agency": {k: figures(v, reported, expected) for k, v in sorted(by_agency.items())},
    }
