"""Render every plan's and every agency's digest through ``engine.digest`` and ``notifiers.render``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Agency, Plan

FORMAT = "text"


def render_all(digest: Any, session: Session, as_of: dt.date, fmt: str = FORMAT) -> int:
    from notifiers.render import render

    count = 0
    for plan_id in session.scalars(select(Plan.id).order_by(Plan.id)):
        render("digest", fmt, digest.digest_data(session, plan_id=plan_id, as_of=as_of))
        count += 1
    for code in session.scalars(select(Agency.code).order_by(Agency.code)):
        render("digest", fmt, digest.digest_data(session, agency=code, as_of=as_of))
        count += 1
    return count
