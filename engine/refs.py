"""Task references as people type them: ``PLAN:CODE``, ``PLAN:CODE@YEAR`` and ``PLAN:CODE@YEAR-H1``.

The last names a half-year (``H1``, ``H2``) or quarter (``Q1``..``Q4``) of a
half-yearly or quarterly task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.errors import InvalidInput

_REF = re.compile(
    r"^(?P<plan>[a-z0-9][a-z0-9-]{0,78}):(?P<code>[0-9A-Za-z][0-9A-Za-z.\-]{0,38})(?:@(?P<year>\d{4})(?:-(?P<period>[HhQq][1-4]))?)?$"
)


@dataclass(frozen=True)
class Ref:
    plan: str
    code: str
    year: int | None = None
    period: str | None = None  # "2027-H1" when the reference names a half-year or quarter

    def __str__(self) -> str:
        return format_ref(self.plan, self.code, self.period or self.year)


def format_ref(plan: str, code: str, year: int | str | None = None) -> str:
    """``PLAN:CODE``, with ``@YEAR`` or ``@YEAR-H1`` when ``year`` names one (a year or a period key)."""
    return f"{plan}:{code}" + (f"@{year}" if year not in (None, "") else "")


def parse_ref(text: str) -> Ref:
    """Parse a reference, or say in one sentence what a reference looks like."""
    match = _REF.match(text.strip()) if isinstance(text, str) and len(text) < 200 else None
    if not match:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise InvalidInput("bad_reference", text=shown)
    year = int(match["year"]) if match["year"] else None
    period = f"{year}-{match['period'].upper()}" if match["period"] else None
    if period is not None and period[-2] == "H" and period[-1] not in "12":
        raise InvalidInput("bad_reference", text=text.strip())
    return Ref(match["plan"], match["code"], year, period)
