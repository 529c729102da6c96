"""The outbox as people see and mend it: stored errors, the listing, and retrying the dead.

Kept apart from the dispatcher (``notifiers.dispatch``), which re-exports
these names for the commands that import them from there.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import DondocError, InvalidInput, NotFound, Phrase
from engine.models import OutboxMessage, utcnow
from notifiers.i18n import Words, words
from notifiers.messages import compose

STATUSES = ("pending", "sending", "sent", "dead")


def error_record(error: DondocError) -> str:
    """A failure as stored in ``last_error``: its code and facts as JSON, worded when read."""
    return json.dumps(
        {"code": error.code, "facts": _jsonable(error.facts)}, ensure_ascii=False, default=str
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, Phrase):
        return {"phrase": value.code, "facts": _jsonable(dict(value.facts))}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"phrase", "facts"}:
        return Phrase(value["phrase"], _from_json(value["facts"]))
    if isinstance(value, dict):
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def error_text(stored: str | None, w: Words) -> str | None:
    """The sentence of a stored ``last_error`` in ``w``'s language (older rows kept their text)."""
    if not stored:
        return None
    try:
        record = json.loads(stored)
        error = DondocError(record["code"], **_from_json(record["facts"]))
    except (ValueError, KeyError, TypeError):
        return stored
    return w.error(error)


def list_messages(
    session: Session, status: str | None = None, *, lang: str = "vi"
) -> list[dict[str, Any]]:
    """The outbox as rows for ``dondoc notify list``, newest first; errors worded in ``lang``.

    A message not sent yet shows the subject it will have.
    """
    w = words(lang)
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status:
        if status not in STATUSES:
            raise InvalidInput("unknown_outbox_status", status=status, statuses=list(STATUSES))
        query = query.where(OutboxMessage.status == status)
    return [
        {
            "id": m.id,
            "key": m.key,
            "kind": m.kind,
            "channel": m.channel,
            "agency": m.agency_code,
            "recipients": list(m.recipients),
            "subject": m.subject if m.subject is not None else _subject(m),
            "status": m.status,
            "attempts": m.attempts,
            "next_attempt_at": m.next_attempt_at.isoformat() if m.next_attempt_at else None,
            "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            "last_error": error_text(m.last_error, w),
        }
        for m in session.scalars(query)
    ]


def _subject(message: OutboxMessage) -> str:
    try:
        return compose(message.kind, dict(message.payload or {}), message.lang).subject
    except Exception:  # noqa: BLE001 - a listing shows what it can; dispatch reports the error
        return ""


def retry(
    session: Session,
    message_id: int | None = None,
    *,
    all_dead: bool = False,
    now: dt.datetime | None = None,
) -> int:
    """Put a dead message (or every dead one) back in the queue; return how many."""
    now = now or utcnow()
    query = select(OutboxMessage).where(OutboxMessage.status == "dead")
    if message_id is not None:
        row = session.get(OutboxMessage, message_id)
        if row is None:
            raise NotFound("no_outbox_message", id=message_id)
        if row.status != "dead":
            raise InvalidInput("retry_not_dead", id=message_id, status=row.status)
        query = query.where(OutboxMessage.id == message_id)
    elif not all_dead:
        raise InvalidInput("retry_what")
    count = 0
    for row in session.scalars(query):
        row.status = "pending"
        row.attempts = 0
        row.next_attempt_at = now
        count += 1
    session.flush()
    return count
