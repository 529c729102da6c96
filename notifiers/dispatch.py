"""The outbox dispatcher: sends queued notifications once, retries with back-off, keeps the dead.

A message moves ``pending`` → ``sending`` (claimed, with a lease) → ``sent``;
a temporary failure puts it back to ``pending`` with a later
``next_attempt_at``; a permanent failure, or too many attempts, makes it
``dead`` with the error kept. Sending happens between two short transactions,
never inside one, so a slow mail server holds no database lock.

Rows queued as facts (``engine.outbox``) are written out when claimed
(``notifiers.messages.compose``), in the row's language, and the words are
stored with the outcome, so the outbox keeps what was said. A message that
cannot be written out is dead-lettered alone; the others go on.

Delivery is at least once: a dispatcher that dies after sending but before
marking leaves the claim to expire (``next_attempt_at`` is the lease's end),
and the next run sends again. The idempotency key travels as the e-mail
Message-ID and the ``X-Dondoc-Key`` header, so receivers can drop the repeat.

Claiming uses ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several
dispatchers share the work without waiting; on SQLite the write lock taken by
``BEGIN IMMEDIATE`` serialises claims (SQLAlchemy renders no FOR UPDATE there).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.errors import DondocError, InvalidInput, NotFound, Phrase
from engine.models import OutboxMessage, utcnow
from notifiers.channels import channel_for
from notifiers.config import NotifyConfig, load_config
from notifiers.i18n import Words, words
from notifiers.message import Channel, DeliveryFailed, Message
from notifiers.messages import Composed, compose

BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=6)
MAX_ATTEMPTS = 8
# Long enough for a slow SMTP conversation, short enough that a crashed
# dispatcher's messages go out again within minutes.
LEASE = dt.timedelta(minutes=5)
STATUSES = ("pending", "sending", "sent", "dead")


def public_payload(kind: str, facts: dict[str, Any]) -> dict[str, Any]:
    """The facts as a webhook receives them, in the shape receivers were promised.

    A digest's ``overdue`` has always been a list of references; the rows the
    digest is written from travel beside it as ``overdue_items``.
    """
    overdue = facts.get("overdue")
    if kind == "digest" and isinstance(overdue, list):
        refs = [o["ref"] if isinstance(o, dict) else o for o in overdue]
        return {**facts, "overdue": refs, "overdue_items": overdue}
    return facts


@dataclass
class DispatchResult:
    """What one dispatch run did: messages sent, put back for a retry, and dead-lettered."""

    sent: int = 0
    failed: int = 0
    dead: int = 0
    errors: list[DondocError] = field(default_factory=list)

    def as_dict(self, lang: str = "vi") -> dict[str, Any]:
        w = words(lang)
        return {
            "sent": self.sent,
            "failed": self.failed,
            "dead": self.dead,
            "errors": [w.error(e) for e in self.errors],
        }


def backoff(
    attempts: int, *, base: dt.timedelta = BACKOFF_BASE, cap: dt.timedelta = BACKOFF_CAP
) -> dt.timedelta:
    """The wait before the next try after ``attempts`` failed ones: base·2^(attempts-1), capped."""
    return min(base * 2 ** max(attempts - 1, 0), cap)


def dispatch_pending(
    factory: sessionmaker[Session],
    *,
    config: NotifyConfig | None = None,
    now: dt.datetime | None = None,
    limit: int = 100,
    max_attempts: int = MAX_ATTEMPTS,
) -> DispatchResult:
    """Send every message due at ``now`` (at most ``limit``) and record each outcome."""
    config = config or load_config()
    now = now or utcnow()
    result = DispatchResult()
    channels: dict[str, Channel] = {}
    for claimed in _claim(factory, now, limit, config.base_url):
        outcome = _send_one(claimed, config, channels)
        _record(factory, claimed, outcome, now, max_attempts, result)
    return result


def dispatch_all(
    factory: sessionmaker[Session],
    *,
    config: NotifyConfig | None = None,
    now: dt.datetime | None = None,
    batch: int = 100,
) -> DispatchResult:
    """Dispatch batch after batch until nothing due is left (a message tried once per call)."""
    config = config or load_config()
    now = now or utcnow()
    total = DispatchResult()
    while True:
        result = dispatch_pending(factory, config=config, now=now, limit=batch)
        total.sent += result.sent
        total.failed += result.failed
        total.dead += result.dead
        total.errors += result.errors
        # A failed message is pushed past ``now``, so each batch claims new ones.
        if result.sent + result.failed + result.dead < batch:
            return total


@dataclass(frozen=True)
class _Claimed:
    id: int
    channel: str
    message: Message | None
    attempts: int
    problem: DondocError | None = None
    #: The words written out now for a row queued as facts, stored with its outcome.
    composed: Composed | None = None


def _claim(
    factory: sessionmaker[Session], now: dt.datetime, limit: int, base_url: str | None = None
) -> list[_Claimed]:
    due = or_(OutboxMessage.status == "pending", OutboxMessage.status == "sending")
    with transaction(factory) as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(due, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        claimed = []
        for row in rows:
            row.status = "sending"
            row.next_attempt_at = now + LEASE
            claimed.append(_as_claimed(row, base_url))
    return claimed


def _as_claimed(row: OutboxMessage, base_url: str | None = None) -> _Claimed:
    """The row as a message to send, its words written out now if it was queued as facts."""
    composed = None
    subject, text, html = row.subject, row.body_text, row.body_html
    if subject is None or text is None:
        try:
            composed = compose(row.kind, dict(row.payload or {}), row.lang, base_url)
        except Exception as error:  # noqa: BLE001 - one unwritable message must not stop the rest
            problem = error if isinstance(error, DondocError) else None
            return _Claimed(
                row.id,
                row.channel,
                None,
                row.attempts,
                problem=problem or DondocError("compose_failed", kind=row.kind, reason=str(error)),
            )
        subject, text, html = composed.subject, composed.text, composed.html
    try:
        message = Message(
            key=row.key,
            to=tuple(row.recipients),
            cc=tuple(row.cc or ()),
            subject=subject,
            text=text,
            html=html,
            payload=public_payload(row.kind, dict(row.payload or {})),
            lang=row.lang,
        )
    except DondocError as error:
        # A row no channel can ever send (no recipient, a broken key).
        return _Claimed(row.id, row.channel, None, row.attempts, problem=error)
    return _Claimed(row.id, row.channel, message, row.attempts, composed=composed)


def _send_one(
    claimed: _Claimed, config: NotifyConfig, channels: dict[str, Channel]
) -> DondocError | None:
    """None when sent; the failure otherwise (a ``DeliveryFailed`` says if it may recover)."""
    if claimed.message is None:
        return claimed.problem or DondocError("unsendable")
    try:
        if claimed.channel not in channels:
            channels[claimed.channel] = channel_for(claimed.channel, config)
        channels[claimed.channel].send(claimed.message)
    except DondocError as error:
        return error
    return None


def _permanent(failure: DondocError) -> bool:
    # An unknown channel, an unusable address or a message that cannot be
    # written will not fix itself; only a channel's own failure may recover.
    return not isinstance(failure, DeliveryFailed) or failure.permanent


def _record(
    factory: sessionmaker[Session],
    claimed: _Claimed,
    failure: DondocError | None,
    now: dt.datetime,
    max_attempts: int,
    result: DispatchResult,
) -> None:
    attempts = claimed.attempts + 1
    if failure is None:
        values: dict[str, Any] = {
            "status": "sent",
            "sent_at": utcnow(),
            "attempts": attempts,
            "last_error": None,
        }
        result.sent += 1
    elif _permanent(failure) or attempts >= max_attempts:
        values = {"status": "dead", "attempts": attempts, "last_error": error_record(failure)}
        result.dead += 1
        result.errors.append(failure)
    else:
        values = {
            "status": "pending",
            "attempts": attempts,
            "last_error": error_record(failure),
            "next_attempt_at": now + backoff(attempts),
        }
        result.failed += 1
        result.errors.append(failure)
    if claimed.composed is not None:
        # What was written out is kept with the message: the record of what was said.
        values.update(
            subject=claimed.composed.subject,
            body_text=claimed.composed.text,
            body_html=claimed.composed.html,
        )
    with transaction(factory) as session:
        # Only our own claim is marked: if the lease ran out and another
        # dispatcher took the message over, its outcome is the one that counts.
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == claimed.id, OutboxMessage.status == "sending")
            .values(**values)
        )


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


def dispatch_job(factory: sessionmaker[Session]) -> int:
    """The scheduler's minute job: send what waits in the outbox; how many were sent."""
    return dispatch_pending(factory).sent
