"""The outbox dispatcher: sends queued notifications once, retries with back-off, keeps the dead.

A message moves ``pending`` → ``sending`` (claimed, with a lease) → ``sent``;
a temporary failure puts it back to ``pending`` with a later
``next_attempt_at``; a permanent failure, or too many attempts, makes it
``dead`` with the error kept. Sending happens between two short transactions,
never inside one, so a slow mail server holds no database lock.

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
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.errors import DondocError, InvalidInput, NotFound
from engine.models import OutboxMessage, utcnow
from notifiers.channels import channel_for
from notifiers.config import NotifyConfig, load_config
from notifiers.message import Channel, DeliveryFailed, Message

BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=6)
MAX_ATTEMPTS = 8
# Long enough for a slow SMTP conversation, short enough that a crashed
# dispatcher's messages go out again within minutes.
LEASE = dt.timedelta(minutes=5)
STATUSES = ("pending", "sending", "sent", "dead")


@dataclass
class DispatchResult:
    """What one dispatch run did: messages sent, put back for a retry, and dead-lettered."""

    sent: int = 0
    failed: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "failed": self.failed, "dead": self.dead, "errors": self.errors}


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
    for claimed in _claim(factory, now, limit):
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
    problem: str | None = None


def _claim(factory: sessionmaker[Session], now: dt.datetime, limit: int) -> list[_Claimed]:
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
            claimed.append(_as_claimed(row))
    return claimed


def _as_claimed(row: OutboxMessage) -> _Claimed:
    try:
        message = Message(
            key=row.key,
            to=tuple(row.recipients),
            cc=tuple(row.cc or ()),
            subject=row.subject,
            text=row.body_text,
            html=row.body_html,
            payload=dict(row.payload or {}),
            lang=row.lang,
        )
    except DondocError as error:
        # A row no channel can ever send (no recipient, a broken key).
        return _Claimed(row.id, row.channel, None, row.attempts, problem=error.message)
    return _Claimed(row.id, row.channel, message, row.attempts)


def _send_one(
    claimed: _Claimed, config: NotifyConfig, channels: dict[str, Channel]
) -> DeliveryFailed | None:
    if claimed.message is None:
        return DeliveryFailed(claimed.problem or "unsendable", permanent=True, channel="outbox")
    try:
        if claimed.channel not in channels:
            channels[claimed.channel] = channel_for(claimed.channel, config)
        channels[claimed.channel].send(claimed.message)
    except DeliveryFailed as failure:
        return failure
    except DondocError as error:
        # An unknown channel or an unusable address will not fix itself.
        return DeliveryFailed(error.message, permanent=True, channel=claimed.channel)
    return None


def _record(
    factory: sessionmaker[Session],
    claimed: _Claimed,
    failure: DeliveryFailed | None,
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
    elif failure.permanent or attempts >= max_attempts:
        values = {"status": "dead", "attempts": attempts, "last_error": failure.message}
        result.dead += 1
        result.errors.append(failure.message)
    else:
        values = {
            "status": "pending",
            "attempts": attempts,
            "last_error": failure.message,
            "next_attempt_at": now + backoff(attempts),
        }
        result.failed += 1
        result.errors.append(failure.message)
    with transaction(factory) as session:
        # Only our own claim is marked: if the lease ran out and another
        # dispatcher took the message over, its outcome is the one that counts.
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == claimed.id, OutboxMessage.status == "sending")
            .values(**values)
        )


def list_messages(session: Session, status: str | None = None) -> list[dict[str, Any]]:
    """The outbox as rows for ``dondoc notify list``, newest first."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status:
        if status not in STATUSES:
            raise InvalidInput(
                f"There is no outbox status {status!r}; use one of {', '.join(STATUSES)}."
            )
        query = query.where(OutboxMessage.status == status)
    return [
        {
            "id": m.id,
            "key": m.key,
            "kind": m.kind,
            "channel": m.channel,
            "agency": m.agency_code,
            "recipients": list(m.recipients),
            "subject": m.subject,
            "status": m.status,
            "attempts": m.attempts,
            "next_attempt_at": m.next_attempt_at.isoformat() if m.next_attempt_at else None,
            "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            "last_error": m.last_error,
        }
        for m in session.scalars(query)
    ]


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
            raise NotFound(f"There is no outbox message {message_id}.")
        if row.status != "dead":
            raise InvalidInput(
                f"Outbox message {message_id} is {row.status}, not dead; only dead ones are retried."
            )
        query = query.where(OutboxMessage.id == message_id)
    elif not all_dead:
        raise InvalidInput("Name a message ID to retry, or give --all-dead.")
    count = 0
    for row in session.scalars(query):
        row.status = "pending"
        row.attempts = 0
        row.next_attempt_at = now
        count += 1
    session.flush()
    return count
