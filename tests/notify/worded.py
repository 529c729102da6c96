"""Queue a message with its words already written: for tests of delivery, not of wording.

The engine queues facts and the dispatcher writes them out; a row that
already holds its subject and bodies (as rows queued before revision 0002
do) is sent as it stands. Delivery tests use such rows so that what they
check is the channel, not the templates.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.orm import Session

from engine.models import OutboxMessage
from engine.outbox import Notice, enqueue


def queue_worded(
    session: Session,
    *,
    key: str,
    agency_code: str,
    subject: str,
    text: str,
    html: str | None = None,
    kind: str = "test",
    now: dt.datetime | None = None,
) -> int | None:
    """Queue ``key`` for ``agency_code`` through the engine, then give it its words."""
    queued = enqueue(session, Notice(key, kind, agency_code, facts={}), now=now)
    if queued is not None:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == queued)
            .values(subject=subject, body_text=text, body_html=html)
        )
    return queued
