"""Render every plan's and every agency's digest through ``engine.digest`` and ``notifiers.render``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Agency, Plan

FORMAT = "text"


def render_all(
    digest: Any, session: Session, as_of: dt.date, fmt: str = FORMAT, mode: str = "book"
) -> int:
    """``mode`` "each": one ``digest_data`` call (its own queries) per digest;
    "book": one ``DigestBook`` read for the day, then each digest grouped from it."""
    from notifiers.render import render

    if mode == "book":
        book = digest.DigestBook(session, as_of)

        def data(**scope: Any) -> Any:
            return book.data(**scope)
    else:

        def data(**scope: Any) -> Any:
            return digest.digest_data(session, as_of=as_of, **scope)

    count = 0
    for plan_id in session.scalars(select(Plan.id).order_by(Plan.id)):
        render("digest", fmt, data(plan_id=plan_id))
        count += 1
    for code in session.scalars(select(Agency.code).order_by(Agency.code)):
        render("digest", fmt, data(agency=code))
        count += 1
    return count
