"""A printed time cell as the catalog holds it: recurrence and due day, exactly as printed.

``tasks_catalog.windows.read_window`` reads the cell; this turns what it read
into the task's ``recurrence`` (once, yearly, half_yearly, quarterly,
continuous) and ``due`` ("2027-06-30" for a one-off task, "12-15" each year
or period for a recurring one), leaving out a due day that is the period's
own last day. What cannot be held exactly comes back as a sentence for the
note with the reason, so nothing is widened in silence.
"""

from __future__ import annotations

from dataclasses import dataclass

from tasks_catalog.windows import ParsedWindow

# The last day of each kind of period, which needs no due day of its own.
_PERIOD_ENDS = {
    "once": {"12-31"},
    "yearly": {"12-31"},
    "continuous": {"12-31"},
    "half_yearly": {"06-30", "12-31"},
    "quarterly": {"03-31", "06-30", "09-30", "12-31"},
}


@dataclass(frozen=True)
class CatalogTime:
    """The recurrence and due day a task gets, and the printed time when it could not be kept exactly."""

    recurrence: str
    due: str | None = None
    unkept: str = ""


def catalog_time(parsed: ParsedWindow, text: str) -> CatalogTime:
    """``parsed`` (from the cell ``text``) as the catalog's recurrence and due day."""
    recurrence = parsed.every or parsed.recurrence
    if not parsed.due:
        return CatalogTime(recurrence)
    day, month, *year = parsed.due.split("/")
    month_day = f"{month}-{day}"
    if recurrence != "once":
        if month_day in _PERIOD_ENDS[recurrence]:
            return CatalogTime(recurrence)
        return CatalogTime(recurrence, month_day)
    window = parsed.window
    if not year and window is not None and window.start == window.end:
        year = [str(window.end)]
    if not year:
        return CatalogTime(recurrence, None, text)
    if window is not None and int(year[0]) != window.end:
        return CatalogTime(recurrence, None, text)
    if month_day == "12-31":
        return CatalogTime(recurrence)
    return CatalogTime(recurrence, f"{year[0]}-{month_day}")
