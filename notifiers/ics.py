"""iCalendar export of deadlines: one all-day event per open occurrence, for calendar programs.

The rows are the engine's (``engine.views.task_rows``); the words of each
event's description come from the message catalog.

UIDs come from the occurrence reference, so importing a newer file updates
the same events instead of adding copies.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from engine.views import task_rows, today
from notifiers.i18n import words

UID_DOMAIN = "dondoc.invalid"
_OPEN = ("not-started", "in-progress", "overdue", "suspended")


def deadline_calendar(
    session: Session,
    *,
    plan_id: str | None = None,
    agency: str | None = None,
    as_of: dt.date | None = None,
    now: dt.datetime | None = None,
    lang: str = "vi",
) -> bytes:
    """The ``.ics`` bytes of every open occurrence's due day, filtered as asked, worded in ``lang``."""
    w = words(lang)
    stamp = now or dt.datetime.now(dt.UTC)
    cal = Calendar()
    cal.add("prodid", "-//dondoc//deadlines//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"dondoc {plan_id or ''} {agency or ''}".strip())
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    for row in task_rows(session, plan_id=plan_id, agency=agency, as_of=as_of or today()):
        if row["status_category"] not in _OPEN:
            continue
        due = dt.date.fromisoformat(row["due"])
        event = Event()
        event.add("uid", f"{uid_token(row['ref'])}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", due)
        event.add("dtend", due + dt.timedelta(days=1))
        event.add("summary", f"[{row['ref']}] {' '.join(row['title'].split())}")
        event.add(
            "description",
            "\n".join(
                [
                    f"{w('words.owner')}: {row['owner'] or '-'}",
                    f"{w('words.co_agencies')}: {', '.join(row['co_agencies']) or '-'}",
                    f"{w('words.state')}: {w.state(row['workflow'], row['state'])}",
                    f"dondoc show {row['ref']}",
                ]
            ),
        )
        event.add("categories", [row["plan"]])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


def uid_token(ref: str) -> str:
    """A stable UID part for ``ref``: readable, plus a hash so distinct refs never collide."""
    readable = "".join(c if c.isalnum() or c in "-." else "-" for c in ref)
    return f"{readable}-{hashlib.sha256(ref.encode()).hexdigest()[:8]}"
