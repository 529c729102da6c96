"""Checking the values of a step's fields, whatever face sent them.

``workflows.fields`` says what kind each field is; ``check`` refuses a value
that is not one (a date that does not exist, a day in the future or before
the plan was issued, a figure without a number, a link that is not a web
address) with an ``InvalidInput`` naming the field, and returns the values as
stored: dates as ``YYYY-MM-DD``, text stripped, blank optional fields left out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from engine.errors import InvalidInput
from workflows.fields import field

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_LINK = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def parse_day(value: str) -> dt.date | None:
    """``2014-06-10`` or ``10/06/2014`` (also ``10.06.2014``) as a date; None if neither or no such day."""
    text = value.strip()
    if m := _ISO.match(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DMY.match(text):
        day, month, year = (int(g) for g in m.groups())
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def check(
    fields: Mapping[str, str], *, issued: dt.date, today: dt.date, step_day: dt.date
) -> dict[str, str]:
    """The fields as stored, or ``InvalidInput`` for the first value that is not of its kind.

    ``issued`` is the plan's issue day, ``today`` the local day now and
    ``step_day`` the day the step is recorded on (today, or the day a
    coordinator back-dates it to): a document cannot be dated after it.
    """
    out: dict[str, str] = {}
    for name, raw in fields.items():
        value = str(raw).strip()
        if not value:
            continue  # a blank answer is no answer: a required field is then missing
        kind = field(name).kind
        excerpt = value[:60]
        if kind == "date":
            day = parse_day(value)
            if day is None:
                raise InvalidInput("field_not_a_day", field=name, value=excerpt)
            if day > today:
                raise InvalidInput("field_day_in_future", field=name, day=day.isoformat())
            if day > step_day:
                raise InvalidInput(
                    "field_day_after_step",
                    field=name,
                    day=day.isoformat(),
                    step_day=step_day.isoformat(),
                )
            if day < issued:
                raise InvalidInput(
                    "field_day_before_plan",
                    field=name,
                    day=day.isoformat(),
                    issued=issued.isoformat(),
                )
            value = day.isoformat()
        elif kind in ("document_number", "figure") and not any(c.isdigit() for c in value):
            raise InvalidInput(f"field_not_a_{kind}", field=name, value=excerpt)
        elif kind == "link" and not _LINK.match(value):
            raise InvalidInput("field_not_a_link", field=name, value=excerpt)
        out[name] = value
    return out
