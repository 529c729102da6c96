"""Time windows: from a task's years to dated occurrences.

A window is a range of calendar years. A one-off task (``once``) gets one
occurrence from 1 January of the first year, or the plan's issue date if that
is later, to 31 December of the last year. A yearly task ("Thực hiện hàng
năm", "mỗi năm") gets one occurrence per calendar year, each due 31 December;
the first starts on the issue date when the plan was issued during that year,
and a year that ended before the issue date gets none. A half-yearly task gets
one per half-year ("2027-H1": 1 January to 30 June, "2027-H2": 1 July to 31
December), a quarterly one per quarter ("2027-Q2"); a continuous task
("thường xuyên") is tracked by one report a year, like a yearly one.

The due date is the window's (year's, period's) last day unless the plan
printed another: ``due`` "YYYY-MM-DD" for a one-off task, "MM-DD" each year
for a yearly or continuous one; for a half-yearly one the same day of the
month six months apart ("12-15" makes 15 June and 15 December), for a
quarterly one three months apart. Reading a printed time column ("Thời gian
thực hiện") is the catalog's business (``tasks_catalog.windows``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

from engine.errors import InvalidInput

if TYPE_CHECKING:
    # Only named in signatures: ``engine.lookup`` (every command that reads an
    # occurrence) comes here for ``occurrence_key`` and must not pay for the
    # plan file's sixteen dataclasses.
    from engine.plan_spec import Window

ONCE = "once"
YEARLY = "yearly"
HALF_YEARLY = "half_yearly"
QUARTERLY = "quarterly"
CONTINUOUS = "continuous"
# Months in a period, and its letter in a reference ("2027-H1", "2027-Q3").
_PERIODS = {HALF_YEARLY: (6, "H"), QUARTERLY: (3, "Q")}

# Years a government plan can plausibly name; anything else is a typo.
FIRST_PLAUSIBLE_YEAR = 1990
LAST_PLAUSIBLE_YEAR = 2100


class Occurrence(NamedTuple):
    """One dated occurrence: ``year`` is set for recurring tasks, ``period`` for a half-year or quarter."""

    year: int | None
    start: dt.date
    due: dt.date
    period: str | None = None

    @property
    def key(self) -> str:
        """What names the occurrence among its task's: "", "2027" or "2027-H1"."""
        return occurrence_key(self.year, self.period)


def occurrence_key(year: int | None, period: str | None) -> str:
    return period or (str(year) if year is not None else "")


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _due_in(year: int, last_month: int, months: int, due: str | None) -> dt.date:
    """The due day of the period of ``months`` months ending in ``last_month`` of ``year``."""
    if not due:
        return _last_day(year, last_month)
    month, day = (int(part) for part in due.split("-"))
    # The printed day's month, moved by whole periods into this one.
    month = (month - 1) % months + last_month - months + 1
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def occurrence_windows(
    window_start_year: int,
    window_end_year: int,
    recurrence: str,
    issued: dt.date,
    due: str | None = None,
) -> list[Occurrence]:
    """The occurrences of a task whose window is ``window_start_year``..``window_end_year``.

    >>> occurrence_windows(2013, 2014, "once", dt.date(2013, 10, 24))
    [Occurrence(year=None, start=datetime.date(2013, 10, 24), due=datetime.date(2014, 12, 31))]
    """
    _check_years(window_start_year, window_end_year)
    if recurrence == ONCE:
        start = max(dt.date(window_start_year, 1, 1), issued)
        day = dt.date.fromisoformat(due) if due else dt.date(window_end_year, 12, 31)
        if day < issued:
            raise InvalidInput(
                "window_before_issue",
                start=window_start_year,
                end=window_end_year,
                issued=issued.isoformat(),
            )
        return [Occurrence(None, start, day)]
    if recurrence in (YEARLY, CONTINUOUS):
        years = range(window_start_year, window_end_year + 1)
        return [
            Occurrence(year, max(dt.date(year, 1, 1), issued), _due_in(year, 12, 12, due))
            for year in years
            if _due_in(year, 12, 12, due) >= issued
        ]
    if recurrence in _PERIODS:
        months, letter = _PERIODS[recurrence]
        out = []
        for year in range(window_start_year, window_end_year + 1):
            for number, last in enumerate(range(months, 13, months), start=1):
                day = _due_in(year, last, months, due)
                if day < issued:
                    continue
                start = max(dt.date(year, last - months + 1, 1), issued)
                out.append(Occurrence(year, start, day, f"{year}-{letter}{number}"))
        return out
    from engine.plan_spec import RECURRENCES

    raise InvalidInput("unknown_recurrence", recurrence=recurrence, known=list(RECURRENCES))


def task_occurrences(
    window: Window | None,
    recurrence: str,
    *,
    period: Window,
    issued: dt.date,
    due: str | None = None,
) -> list[Occurrence]:
    """The occurrences of a catalog task; a task without a window runs over the plan's period."""
    chosen = window if window is not None else period
    return occurrence_windows(chosen.start, chosen.end, recurrence, issued, due)


def _check_years(start: int, end: int) -> None:
    for year in (start, end):
        if not FIRST_PLAUSIBLE_YEAR <= year <= LAST_PLAUSIBLE_YEAR:
            raise InvalidInput(
                "implausible_year", year=year, first=FIRST_PLAUSIBLE_YEAR, last=LAST_PLAUSIBLE_YEAR
            )
    if end < start:
        raise InvalidInput("window_reversed", start=start, end=end)
