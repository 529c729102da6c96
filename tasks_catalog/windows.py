"""The one reader of a printed time column ("Thời gian thực hiện"): years, months, quarters, "every year".

Used by the annex importer and by anyone who has a printed time cell. It
never raises on odd text: whatever it cannot read exactly comes back as a
``Problem`` (``window.<code>``: empty, no year, several years, years out of
order, extra text) for the import report, with the window it took.

A catalog window is whole years and a recurrence is once or yearly. What a
cell prints more precisely — a due day ("Quý II/2027" is 30/06/2027, "trước
ngày 15/12" each year) or a finer rhythm ("định kỳ 6 tháng", "hằng quý",
"thường xuyên") — is read exactly into ``due`` and ``every`` so the importer
can keep it and say it, never widened in silence.
``engine.windows`` turns the years into dated occurrences.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass

from engine.errors import Problem
from engine.plan_spec import Window
from tasks_catalog.importer.text import fold

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_YEARLY = re.compile(r"hang nam|moi nam|dinh ky|hang quy|moi quy|lien tuc|thuong xuyen")
_HALF_YEARLY = re.compile(r"(?:dinh ky|moi|hang)?\s*6 thang|sau thang|nua nam")
_QUARTERLY = re.compile(r"hang quy|moi quy|dinh ky (?:hang )?quy|dinh ky 3 thang")
_CONTINUOUS = re.compile(r"thuong xuyen|lien tuc")
_EVERY_YEAR = re.compile(r"hang nam|moi nam")
_QUARTER = re.compile(r"quy\s+(iv|i{1,3}|[1-4])\b(?:\s*(?:/|-|nam)\s*((?:19|20)\d{2}))?")
_MONTH = re.compile(r"thang\s+(\d{1,2})(?:\s*(?:/|-|nam)\s*((?:19|20)\d{2}))?")
_MONTH_YEAR = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*((?:19|20)\d{2})")
_DAY = re.compile(r"(?:truoc )?ngay\s+(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*((?:19|20)\d{2}))?")
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@dataclass(frozen=True)
class ParsedWindow:
    """What a time cell says: a window (None = the plan's period), a recurrence, and any doubt.

    ``due`` is a due day printed more precisely than a year ("30/06/2027", or
    "15/12" every year); ``every`` a rhythm finer than yearly
    (``half_yearly``, ``quarterly``, ``continuous``). Both are "" when the
    cell prints neither.
    """

    window: Window | None
    recurrence: str
    problem: Problem | None = None
    due: str = ""
    every: str = ""


def _last_day(year: int, month: int) -> str:
    return f"{calendar.monthrange(year, month)[1]:02d}/{month:02d}/{year}"


def _due(folded: str) -> str:
    """The last due day printed: a day, the end of a month, of a month range or of a quarter."""
    day = list(_DAY.finditer(folded))
    if day:
        d, m, y = day[-1].groups()
        if 1 <= int(m) <= 12 and 1 <= int(d) <= 31:
            return f"{int(d):02d}/{int(m):02d}" + (f"/{y}" if y else "")
    months = [(int(m), int(y)) for m, y in _MONTH_YEAR.findall(folded) if 1 <= int(m) <= 12]
    months += [(int(m), int(y)) for m, y in _MONTH.findall(folded) if y and 1 <= int(m) <= 12]
    if months:
        month, year = max(months, key=lambda my: (my[1], my[0]))
        return _last_day(year, month)
    quarter = list(_QUARTER.finditer(folded))
    if quarter:
        q, y = quarter[-1].groups()
        number = _QUARTERS.get(q) or int(q)
        if y:
            return _last_day(int(y), number * 3)
        return _last_day(2001, number * 3)[:5]  # every year: day and month only
    yearly_months = [m for m, y in _MONTH.findall(folded) if not y and 1 <= int(m) <= 12]
    if yearly_months:
        return _last_day(2001, int(yearly_months[-1]))[:5]
    return ""


def _every(folded: str) -> str:
    if _QUARTERLY.search(folded):
        return "quarterly"
    if _HALF_YEARLY.search(folded):
        return "half_yearly"
    if _CONTINUOUS.search(folded):
        return "continuous"
    return ""


def read_window(text: str) -> ParsedWindow:
    """Read "2013-2014", "2017- 2020", "Quý II/2027", "01/2027–06/2027", "Thường xuyên", "".

    A yearly cell without years keeps the plan's period (window None). Text with
    no year and no "hàng năm" comes back with a ``problem`` for the report.
    """
    # Decomposed text (a combining mark after its letter) reads as composed text does.
    text = unicodedata.normalize("NFC", text)
    folded = " ".join(fold(text).split())
    shown = text.strip()
    if not folded:
        return ParsedWindow(None, "once", Problem("window.empty"))
    every = _every(folded)
    due = _due(folded)
    recurring = bool(_YEARLY.search(folded) or every)
    recurrence = "yearly" if recurring else "once"
    # Years inside a due day or a month ("30/11/2027", "06/2027") are years too.
    years = [int(y) for y in _YEAR.findall(folded)]
    if not years:
        if recurrence == "yearly":
            return ParsedWindow(None, "yearly", due=due, every=every)
        return ParsedWindow(None, "once", Problem("window.no_year", {"text": shown}), due, every)
    start, end = min(years), max(years)
    took = {"text": shown, "start": start, "end": end}
    problem = None
    listed = re.fullmatch(
        r"(?:nam\s+)?(?:(?:19|20)\d{2}\s*(?:[,;]|va)\s*(?:nam\s+)?)+(?:19|20)\d{2}", folded
    )
    if listed:
        # "2030, 2045": milestones, not a window from the first to the last.
        start = end = years[0]
        problem = Problem("window.year_list", {"text": shown, "year": start})
    elif len(years) > 2 and not due:
        problem = Problem("window.many_years", {**took, "count": len(years)})
    elif years != sorted(years):
        problem = Problem("window.out_of_order", took)
    leftover = _YEAR.sub(" ", _DAY.sub(" ", _MONTH.sub(" ", _QUARTER.sub(" ", folded))))
    leftover = _MONTH_YEAR.sub(" ", leftover)
    leftover = re.sub(
        r"thuc hien|tu nam|den nam|nam|tu|den|giai doan|hang|moi|dinh ky|\d+ thang|[-–/,;:.()]|\s",
        "",
        leftover,
    )
    if leftover and recurrence == "once" and problem is None and not due:
        problem = Problem("window.extra_text", took)
    return ParsedWindow(Window(start, end), recurrence, problem, due, every)
