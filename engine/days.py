"""The days dondoc reads: a plan's time and a little around it, never a date overflow.

A day such as 0001-01-01 or 9999-12-31 is a valid ISO date, but arithmetic
on it (a reminder 14 days before, a working-day count, a time zone) runs
off Python's calendar; every entry point (CLI options, API parameters, the
board) checks its days here first and refuses with a sentence.
"""

from __future__ import annotations

import datetime as dt

from engine.errors import InvalidInput

FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def supported(day: dt.date) -> dt.date:
    """``day`` when dondoc supports it; ``InvalidInput("day_out_of_range")`` otherwise."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(
            "day_out_of_range", day=day.isoformat(), first=FIRST_DAY.year, last=LAST_DAY.year
        )
    return day
