"""Reporting periods as Decree 09/2019/NĐ-CP cuts them, for questions across plans.

Decree 09/2019/NĐ-CP (chế độ báo cáo của cơ quan hành chính nhà nước),
Article 12, fixes the data cut-off of periodic reports: the annual report
counts from 15 December of the year before to 14 December of the year
reported; the six-month report from 15 December of the year before to
14 June. The provinces' own rules repeat it (e.g. Kon Tum, Decision
06/2024/QĐ-UBND, made under Decree 09). A period's status of work is read on
its last day, the cut-off: bucket counts "as of 2018-12-14" are the 2018
report's. One plan's period, with its own deadline for the agencies, is
``engine.reporting_periods.period_of``; this is the same period without a
plan (``dondoc stats --province …``), parsed by the same rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.reporting_periods import HALF, parse_period

# The first year parse_period accepts, and so the first a trend can reach.
_FIRST_YEAR = 1901


@dataclass(frozen=True)
class ReportPeriod:
    """One reporting period: its key as people write it and its cut-off days (both included)."""

    key: str
    year: int
    half: bool
    start: dt.date
    end: dt.date

    @classmethod
    def parse(cls, text: str) -> ReportPeriod:
        """``2018`` (the year) or ``2018-H1`` (the first six months)."""
        year, kind = parse_period(text[:40])
        half = kind == HALF
        start = dt.date(year - 1, 12, 15)
        end = dt.date(year, 6, 14) if half else dt.date(year, 12, 14)
        return cls(f"{year}-H1" if half else str(year), year, half, start, end)

    def previous(self) -> ReportPeriod | None:
        """The period before this one in the sequence H1, year, H1, year…, for trends."""
        if self.year - 1 < _FIRST_YEAR:
            return None
        return ReportPeriod.parse(str(self.year - 1) if self.half else f"{self.year}-H1")

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end
