"""A plan's targets against what the agencies measured, period by period.

A target (``targets:`` in the plan file, e.g. "50% of industrial facilities
aware of cleaner production by 2015") is measured by the agencies in their
progress reports: a figure for the target's code in a report of a period
(``engine.update_rate.target_figures``). The measured value of a period is
the newest figure reported for it (a correction replaces the figure it
corrects), with where it came from: the occurrence, the agency and the day.
The trend is the same target in the periods before, oldest first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.models import Plan
from engine.report_periods import ReportPeriod
from engine.update_rate import target_figures

# How many periods back a trend reaches (H1 and year alternate: two years).
TREND_PERIODS = 4


def target_progress(session: Session, plan: Plan, period: ReportPeriod) -> list[dict[str, Any]]:
    """Each target of ``plan`` with its measured value in ``period`` and the trend before it."""
    periods = [period]
    while len(periods) < TREND_PERIODS and (before := periods[-1].previous()) is not None:
        if before.year < plan.period_start:
            break
        periods.append(before)
    measured = {p.key: target_figures(session, plan.id, p) for p in periods}
    out = []
    for t in plan.details.get("targets") or []:
        code = str(t.get("code"))
        trend = [
            {"period": p.key, **found}
            for p in reversed(periods)
            if (found := measured[p.key].get(code)) is not None
        ]
        actual = measured[period.key].get(code)
        figure = t.get("figure")
        out.append(
            {
                "code": code,
                "text_vi": t.get("text_vi", ""),
                "text_en": t.get("text_en", ""),
                "figure": figure,
                "unit": t.get("unit", ""),
                "year": t.get("year"),
                "source": t.get("source", ""),
                "actual": actual,
                "met": (
                    actual["value"] >= float(figure)
                    if actual is not None and figure is not None
                    else None
                ),
                "trend": trend,
            }
        )
    return out
