"""The plan timeline: windows and yearly occurrences laid out for an inline SVG.

Pure geometry over ``engine.views.task_rows`` rows; the template draws it, so
every text in the picture is escaped like the rest of the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from notifiers.i18n import Words
from notifiers.render import COLOURS, MARKS

LABEL_WIDTH = 70
YEAR_WIDTH = 90
ROW_HEIGHT = 18
TOP = 22


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    colour: str
    mark: str
    ref: str
    title: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    years: list[tuple[int, float]]
    rows: list[tuple[str, float]]
    bars: list[Bar]
    today_x: float | None


def _x(day: dt.date, first_year: int) -> float:
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return LABEL_WIDTH + ((day.year - first_year) + (day - start).days / length) * YEAR_WIDTH


def _occurrence(w: Words, row: dict[str, Any]) -> str:
    year = row.get("year")
    return w("words.code_in_year", code=row["code"], year=year) if year else str(row["code"])


def build(rows: list[dict[str, Any]], as_of: dt.date, w: Words) -> Timeline | None:
    """One line per task code, one bar per occurrence, coloured and marked by status category.

    Each bar's title names the occurrence as printed (``1.2 (năm 2015)``), its
    window and status in ``w``'s language; the mark (``!`` overdue, ``✓`` done)
    says the status without its colour, as the legend shows.
    """
    if not rows:
        return None
    first = min(dt.date.fromisoformat(r["start"]).year for r in rows)
    last = max(dt.date.fromisoformat(r["due"]).year for r in rows)
    codes: list[str] = []
    for r in rows:
        if r["code"] not in codes:
            codes.append(r["code"])
    line = {code: TOP + i * ROW_HEIGHT for i, code in enumerate(codes)}
    bars = []
    for r in rows:
        start, due = dt.date.fromisoformat(r["start"]), dt.date.fromisoformat(r["due"])
        x0 = _x(start, first)
        x1 = _x(due + dt.timedelta(days=1), first)
        bars.append(
            Bar(
                x=round(x0, 1),
                y=line[r["code"]] + 3,
                width=round(max(x1 - x0, 2), 1),
                colour=COLOURS.get(r["status_category"], "#616161"),
                mark=MARKS.get(r["status_category"], ""),
                ref=r["ref"],
                title=(
                    f"{_occurrence(w, r)}: {w.date(r['start'])} – {w.date(r['due'])} "
                    f"({w.status(r['status_category'])})"
                ),
            )
        )
    years = [(y, float(LABEL_WIDTH + (y - first) * YEAR_WIDTH)) for y in range(first, last + 1)]
    inside = dt.date(first, 1, 1) <= as_of <= dt.date(last, 12, 31)
    return Timeline(
        width=LABEL_WIDTH + (last - first + 1) * YEAR_WIDTH + 10,
        height=TOP + len(codes) * ROW_HEIGHT + 6,
        years=years,
        rows=[(code, y) for code, y in line.items()],
        bars=bars,
        today_x=round(_x(as_of, first), 1) if inside else None,
    )
