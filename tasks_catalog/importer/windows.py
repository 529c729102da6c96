"""Read a "Thời gian thực hiện" (time) cell: years, a range, or "every year".

Kept inside the importer (rather than using ``engine.windows``) because the
importer must also say *why* a cell could not be read, for its report, and
must never raise on odd text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks_catalog.importer.text import fold
from tasks_catalog.spec import Window

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_YEARLY = re.compile(r"hang nam|moi nam|thuong xuyen|dinh ky|hang quy|lien tuc")


@dataclass(frozen=True)
class ParsedWindow:
    """What a time cell says: a window (None = the plan's period), a recurrence, and any doubt."""

    window: Window | None
    recurrence: str
    problem: str = ""


def parse_window_cell(text: str) -> ParsedWindow:
    """Parse "2013-2014", "2017- 2020", "2018", "2011 / 2015", "Thực hiện hàng năm", "".

    A yearly cell without years keeps the plan's period (window None). Text with
    no year and no "hàng năm" comes back with a ``problem`` for the report.
    """
    folded = " ".join(fold(text).split())
    recurrence = "yearly" if _YEARLY.search(folded) else "once"
    years = [int(y) for y in _YEAR.findall(folded)]
    if not folded:
        return ParsedWindow(None, "once", "empty")
    if not years:
        if recurrence == "yearly":
            return ParsedWindow(None, "yearly")
        return ParsedWindow(None, "once", f"no year in {text.strip()!r}")
    start, end = min(years), max(years)
    problem = ""
    if len(years) > 2:
        problem = f"{len(years)} years in {text.strip()!r}; took {start}-{end}"
    elif years != sorted(years):
        problem = f"years out of order in {text.strip()!r}; took {start}-{end}"
    leftover = _YEAR.sub(" ", folded)
    leftover = re.sub(r"thuc hien|tu nam|den nam|nam|tu|den|giai doan|[-–/,;:.()]|\s", "", leftover)
    if leftover and recurrence == "once" and not problem:
        problem = f"extra text in {text.strip()!r}; took {start}-{end}"
    return ParsedWindow(Window(start, end), recurrence, problem)
