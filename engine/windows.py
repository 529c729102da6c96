"""Time windows: from an annex's "Thời gian thực hiện" to dated occurrences.

A window is a range of calendar years. A one-off task (``once``) gets one
occurrence from 1 January of the first year, or the plan's issue date if that
is later, to 31 December of the last year. A yearly task ("Thực hiện hàng
năm", "mỗi năm") gets one occurrence per calendar year, each due 31 December;
the first starts on the issue date when the plan was issued during that year,
and a year that ended before the issue date gets none. The due date is always
the window's end.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import NamedTuple

from engine.errors import InvalidInput
from tasks_catalog.spec import RECURRENCES, Window

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
                f"Window {window_start_year}-{window_end_year} ended before the plan "
                f"was issued on {issued.isoformat()}; check the task's years."
            )
        return [Occurrence(None, start, due)]
    if recurrence == YEARLY:
        return [
            Occurrence(year, max(dt.date(year, 1, 1), issued), dt.date(year, 12, 31))
            for year in range(window_start_year, window_end_year + 1)
            if dt.date(year, 12, 31) >= issued
        ]
    raise InvalidInput(
        f"Unknown recurrence {recurrence!r}; expected one of {', '.join(RECURRENCES)}."
    )


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
                f"Year {year} is outside {FIRST_PLAUSIBLE_YEAR}-{LAST_PLAUSIBLE_YEAR}; "
                "check the window."
            )
    if end < start:
        raise InvalidInput(f"Window {start}-{end} ends before it starts.")


# -- printed windows ------------------------------------------------------

# Phrases that mean "every year" ("Thực hiện hàng năm", "hằng năm" is the
# other accepted spelling, "định kỳ hàng năm", "mỗi năm").
_YEARLY = re.compile(r"(thực hiện |định kỳ )?(hàng|hằng|mỗi) năm")
# Words that may surround the years without changing them.
_FILLER = re.compile(r"\b(thực hiện|giai đoạn|từ|năm|trong|các)\b")
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
_RANGE = re.compile(r"^(\d{4})\s*(?:-|/|đến)\s*(\d{4})$")
_SINGLE = re.compile(r"^(\d{4})$")


def parse_window_text(text: str) -> tuple[int | None, int | None, str] | None:
    """Read a printed time column into ``(start, end, recurrence)``.

    Returns ``None`` for an empty cell (the task runs over the plan's period,
    once) and ``(None, None, "yearly")`` for a bare "Hàng năm" (every year of
    the plan's period). Raises ``InvalidInput`` for text that names no years.

    >>> parse_window_text("2017- 2020")
    (2017, 2020, 'once')
    >>> parse_window_text("Thực hiện hàng năm")
    (None, None, 'yearly')
    """
    cleaned = unicodedata.normalize("NFC", text).translate(_DASHES).lower()
    cleaned = " ".join(cleaned.replace("(", " ").replace(")", " ").split())
    if not cleaned:
        return None
    recurrence = ONCE
    rest = cleaned
    if _YEARLY.search(rest):
        recurrence = YEARLY
        rest = _YEARLY.sub(" ", rest)
    rest = " ".join(_FILLER.sub(" ", rest).replace(",", " ").split()).strip(" .;:-")
    if not rest:
        if recurrence == YEARLY:
            return None, None, YEARLY
        raise InvalidInput(f"Cannot read a time window from {text!r}.")
    if match := _RANGE.match(rest):
        start, end = int(match.group(1)), int(match.group(2))
    elif match := _SINGLE.match(rest):
        start = end = int(match.group(1))
    else:
        raise InvalidInput(
            f"Cannot read a time window from {text!r}; expected years such as "
            "'2013-2014', '2018' or 'Thực hiện hàng năm'."
        )
    try:
        _check_years(start, end)
    except InvalidInput as exc:
        raise InvalidInput(f"Cannot read a time window from {text!r}: {exc}") from None
    return start, end, recurrence
