"""Time windows: from a task's years to dated occurrences.

A window is a range of calendar years. A one-off task (``once``) gets one
occurrence from 1 January of the first year, or the plan's issue date if that
is later, to 31 December of the last year. A yearly task ("Thực hiện hàng
năm", "mỗi năm") gets one occurrence per calendar year, each due 31 December;
the first starts on the issue date when the plan was issued during that year,
and a year that ended before the issue date gets none. The due date is always
the window's end. Reading a printed time column ("Thời gian thực hiện") into
years is the catalog's business (``tasks_catalog.windows``).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from engine.errors import InvalidInput
from engine.plan_spec import RECURRENCES, Window

ONCE = "once"
YEARLY = "yearly"

# Years a government plan can plausibly name; anything else is a typo.
FIRST_PLAUSIBLE_YEAR = 1990
LAST_PLAUSIBLE_YEAR = 2100


class Occurrence(NamedTuple):
    """One dated occurrence: ``year`` is set only for yearly tasks."""

    year: int | None
    start: dt.date
    due: dt.date


def occurrence_windows(
    window_start_year: int, window_end_year: int, recurrence: str, issued: dt.date
) -> list[Occurrence]:
    """The occurrences of a task whose window is ``window_start_year``..``window_end_year``.

    >>> occurrence_windows(2013, 2014, "once", dt.date(2013, 10, 24))
    [Occurrence(year=None, start=datetime.date(2013, 10, 24), due=datetime.date(2014, 12, 31))]
    """
    _check_years(window_start_year, window_end_year)
    if recurrence == ONCE:
        start = max(dt.date(window_start_year, 1, 1), issued)
        due = dt.date(window_end_year, 12, 31)
        if due < issued:
            raise InvalidInput(
                "window_before_issue",
                start=window_start_year,
                end=window_end_year,
                issued=issued.isoformat(),
            )
        return [Occurrence(None, start, due)]
    if recurrence == YEARLY:
        return [
            Occurrence(year, max(dt.date(year, 1, 1), issued), dt.date(year, 12, 31))
            for year in range(window_start_year, window_end_year + 1)
            if dt.date(year, 12, 31) >= issued
        ]
    raise InvalidInput("unknown_recurrence", recurrence=recurrence, known=list(RECURRENCES))


def task_occurrences(
    window: Window | None, recurrence: str, *, period: Window, issued: dt.date
) -> list[Occurrence]:
    """The occurrences of a catalog task; a task without a window runs over the plan's period."""
    chosen = window if window is not None else period
    return occurrence_windows(chosen.start, chosen.end, recurrence, issued)


def _check_years(start: int, end: int) -> None:
    for year in (start, end):
        if not FIRST_PLAUSIBLE_YEAR <= year <= LAST_PLAUSIBLE_YEAR:
            raise InvalidInput(
                "implausible_year", year=year, first=FIRST_PLAUSIBLE_YEAR, last=LAST_PLAUSIBLE_YEAR
            )
    if end < start:
        raise InvalidInput("window_reversed", start=start, end=end)
