"""Guess the plan-level fields an annex does not state: period, legal reference, issue date.

Every guess is reported so the person importing confirms it; where nothing
can be guessed a visible placeholder ("TODO: ...") is written instead, which
the validator then refuses until someone fills it in.
"""

from __future__ import annotations

import datetime as dt
import re

from engine.errors import Phrase
from engine.plan_spec import Window
from tasks_catalog.importer.text import fold

_PERIOD = re.compile(r"giai doan\s*((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})")
_UNTIL = re.compile(r"den nam\s*((?:19|20)\d{2})")
_KEM_THEO = re.compile(
    r"kem theo\s+(quyet dinh|ke hoach)\s+so[:\s~]*(\d+)[~\s]*/\s*([a-z0-9đ\-]+)"
    r".{0,40}?ngay\s*(\d{1,2})\s*(?:/|thang)\s*(\d{1,2})\s*(?:/|nam)\s*((?:19|20)\d{2})"
)
_KIND_VI = {"quyet dinh": "Quyết định", "ke hoach": "Kế hoạch"}


def plan_start_year(plan_id: str) -> int | None:
    """The first year in a plan id such as ``kon-tum-2013``."""
    match = re.search(r"((?:19|20)\d{2})$", plan_id)
    return int(match.group(1)) if match else None


def guess_period(document: str, plan_id: str, windows: list[Window]) -> tuple[Window, Phrase]:
    """The plan's period and where it came from (the text, the plan id, the task windows)."""
    folded = fold(document)
    start = plan_start_year(plan_id)
    spans = [(int(a), int(b)) for a, b in _PERIOD.findall(folded) if int(a) <= int(b)]
    if start is not None:
        spans = [s for s in spans if s[0] == start] or spans
    if spans:
        first, last = spans[0]
        return Window(first, last), Phrase("period_from_text", {"start": first, "end": last})
    years = [w.start for w in windows] + [w.end for w in windows]
    if start is None:
        start = min(years) if years else dt.date.today().year
    untils = [int(y) for y in _UNTIL.findall(folded) if int(y) >= start]
    if untils:
        end = max(untils[:3])
        return Window(start, end), Phrase("period_from_id_and_until", {"end": end})
    end = max([start, *years])
    return Window(start, end), Phrase("period_from_id_and_windows")


def guess_legal_ref(document: str) -> tuple[str, dt.date] | None:
    """The act the annex is attached to ("Kèm theo Quyết định số 835/QĐ-UBND ngày 24/10/2013")."""
    # The last mention is the one printed above the annex; an earlier one in
    # the decision's body may be a misprint (Kon Tum's says 83 for 835).
    matches = list(_KEM_THEO.finditer(fold(document)))
    if not matches:
        return None
    match = matches[-1]
    kind, number = match.group(1), match.group(2)
    # The suffix is read from the original text (same offsets: fold keeps length).
    suffix = document[match.start(3) : match.end(3)].upper()
    day, month, year = (int(match.group(i)) for i in (4, 5, 6))
    try:
        issued = dt.date(year, month, day)
    except ValueError:
        return None
    return f"{_KIND_VI[kind]} {number}/{suffix}", issued
