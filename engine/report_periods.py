"""Reporting periods as Decree 09/2019/NĐ-CP cuts them: "2018" and "2018-H1".

Decree 09/2019/NĐ-CP (chế độ báo cáo của cơ quan hành chính nhà nước),
Article 12, fixes the data cut-off of periodic reports: the annual report
counts from 15 December of the year before to 14 December of the year
reported; the six-month report from 15 December of the year before to
14 June. The provinces' own rules repeat it (e.g. Kon Tum, Decision
06/2024/QĐ-UBND, made under Decree 09). A period's status of work is read on
its last day, the cut-off: bucket counts "as of 2018-12-14" are the 2018
report's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from engine.errors import InvalidInput

_PERIOD = re.compile(r"(\d{4})(?:-(H1))?")
# The years a report can be asked for: dondoc's days (engine.days) stop there.
_FIRST_YEAR, _LAST_YEAR = 1901, 2998


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
        match = _PERIOD.fullmatch(text.strip().upper())
        if match is None or not _FIRST_YEAR <= int(match.group(1)) <= _LAST_YEAR:
            raise InvalidInput("bad_report_period", value=text[:40], example="2018, 2018-H1")
        year = int(match.group(1))
        half = match.group(2) is not None
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
