"""The one reader of a printed time column ("Thời gian thực hiện"): years, a range, or "every year".

Used by the annex importer and by anyone who has a printed time cell. It
never raises on odd text: whatever it cannot read exactly comes back as a
``Problem`` (``window.<code>``: empty, no year, several years, years out of
order, extra text) for the import report, with the window it took.
``engine.windows`` turns the years into dated occurrences.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from engine.errors import Problem
from engine.plan_spec import Window
from tasks_catalog.importer.text import fold

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# "hàng năm" and "hằng năm" (both spellings), "mỗi năm", and the periodic
# phrases that for now mean every year of the window.
_YEARLY = re.compile(r"hang nam|moi nam|thuong xuyen|dinh ky|hang quy|lien tuc")


@dataclass(frozen=True)
class ParsedWindow:
    """What a time cell says: a window (None = the plan's period), a recurrence, and any doubt."""

    window: Window | None
    recurrence: str
    problem: Problem | None = None


def read_window(text: str) -> ParsedWindow:
    """Read "2013-2014", "2017- 2020", "2018", "2011 / 2015", "Thực hiện hàng năm", "".

    A yearly cell without years keeps the plan's period (window None). Text with
    no year and no "hàng năm" comes back with a ``problem`` for the report.
    """
    # Decomposed text (a combining mark after its letter) reads as composed text does.
    text = unicodedata.normalize("NFC", text)
    folded = " ".join(fold(text).split())
    shown = text.strip()
    recurrence = "yearly" if _YEARLY.search(folded) else "once"
    years = [int(y) for y in _YEAR.findall(folded)]
    if not folded:
        return ParsedWindow(None, "once", Problem("window.empty"))
    if not years:
        if recurrence == "yearly":
            return ParsedWindow(None, "yearly")
        return ParsedWindow(None, "once", Problem("window.no_year", {"text": shown}))
    start, end = min(years), max(years)
    took = {"text": shown, "start": start, "end": end}
    problem = None
    if len(years) > 2:
        problem = Problem("window.many_years", {**took, "count": len(years)})
    elif years != sorted(years):
        problem = Problem("window.out_of_order", took)
    leftover = _YEAR.sub(" ", folded)
    leftover = re.sub(r"thuc hien|tu nam|den nam|nam|tu|den|giai doan|[-–/,;:.()]|\s", "", leftover)
    if leftover and recurrence == "once" and problem is None:
        problem = Problem("window.extra_text", took)
    return ParsedWindow(Window(start, end), recurrence, problem)
