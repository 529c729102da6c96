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

Each claim carries a random token written to the rows it takes. Just before
a message is sent its lease is renewed, and only while the row still carries
the token (fencing): a dispatcher slower than its lease finds the messages it
had not reached taken over by another and skips them, and its outcome is
recorded only on rows it still holds, so a healthy but slow dispatcher never
doubles a message. A sent message is never claimed again.

Delivery stays at least once in one window: a dispatcher that dies (or loses
the database) after a channel accepted a message but before the outcome was
recorded leaves the claim to expire (``next_attempt_at`` is the lease's end),
and the next run sends it again; so does a single send that outlasts the
lease. The idempotency key travels as the e-mail Message-ID and the
``X-Dondoc-Key`` header, so receivers can drop the repeat.

Every message is sent under its own guard: any exception while writing it
out or sending it is a failed attempt with the error kept, backed off and
dead-lettered at the limit, and the others go on.

Claiming uses ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several
dispatchers share the work without waiting; on SQLite the write lock taken by
``BEGIN IMMEDIATE`` serialises claims (SQLAlchemy renders no FOR UPDATE there).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.errors import DondocError
from engine.models import OutboxMessage, utcnow
from notifiers.channels import channel_for
from notifiers.config import NotifyConfig, load_config
from notifiers.i18n import words
from notifiers.message import Channel, DeliveryFailed, Message
from notifiers.messages import Composed, compose
from notifiers.outbox_records import STATUSES as STATUSES
from notifiers.outbox_records import error_record
from notifiers.outbox_records import error_text as error_text
from notifiers.outbox_records import list_messages as list_messages
from notifiers.outbox_records import retry as retry

BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=6)
MAX_ATTEMPTS = 8
# Long enough for a slow SMTP conversation, short enough that a crashed
# dispatcher's messages go out again within minutes.
LEASE = dt.timedelta(minutes=5)


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
    lease: dt.timedelta = LEASE,
) -> DispatchResult:
    """Send every message due at ``now`` (at most ``limit``) and record each outcome.

    ``now`` is when the run starts; leases are renewed from it plus the time
    the run has taken, so a test's fixed clock and a real slow run agree.
    """
    config = config or load_config()
    now = now or utcnow()
    started = time.monotonic()

    def clock() -> dt.datetime:
        return now + dt.timedelta(seconds=time.monotonic() - started)

    token = secrets.token_hex(16)
    result = DispatchResult()
    channels: dict[str, Channel] = {}
    for message_id in _claim(factory, now, limit, token, lease):
        claimed = _take(factory, message_id, token, clock() + lease, config.base_url)
        if claimed is None:
            continue  # our lease ran out and another dispatcher holds it now
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
    token: str = ""
    problem: DondocError | None = None
    #: The words written out now for a row queued as facts, stored with its outcome.
    composed: Composed | None = None


def _claim(
    factory: sessionmaker[Session], now: dt.datetime, limit: int, token: str, lease: dt.timedelta
) -> list[int]:
    """Take up to ``limit`` due messages under ``token``; their ids, oldest due first."""
    due = or_(OutboxMessage.status == "pending", OutboxMessage.status == "sending")
    with transaction(factory) as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(due, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            row.status = "sending"
            row.claim_token = token
            row.next_attempt_at = now + lease
        return [row.id for row in rows]


def _held(message_id: int, token: str) -> Any:
    return (
        (OutboxMessage.id == message_id)
        & (OutboxMessage.status == "sending")
        & (OutboxMessage.claim_token == token)
    )


def _take(
    factory: sessionmaker[Session],
    message_id: int,
    token: str,
    lease_end: dt.datetime,
    base_url: str | None,
) -> _Claimed | None:
    """Renew the lease of a message still held under ``token`` and read it; None if lost."""
    with transaction(factory) as session:
        renewed = session.execute(
            update(OutboxMessage).where(_held(message_id, token)).values(next_attempt_at=lease_end)
        )
        if not renewed.rowcount:  # type: ignore[attr-defined]
            return None
        row = session.get(OutboxMessage, message_id)
        assert row is not None
        try:
            claimed = _as_claimed(row, base_url)
        except Exception as error:  # noqa: BLE001 - one bad row must not stop the rest
            claimed = _Claimed(row.id, row.channel, None, row.attempts, problem=_crash(error))
    return _Claimed(
        claimed.id,
        claimed.channel,
        claimed.message,
        claimed.attempts,
        token,
        claimed.problem,
        claimed.composed,
    )


def _crash(error: BaseException) -> DeliveryFailed:
    """An unexpected exception as a temporary failure: backed off, dead at the limit."""
    reason = " ".join(f"{type(error).__name__}: {error}".split())[:300]
    return DeliveryFailed("send_crashed", reason=reason, permanent=False, channel="")


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
    except Exception as error:  # noqa: BLE001 - one message never stops the others
        return _crash(error)
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
        # Only our own claim is marked (fencing): if the lease ran out and
        # another dispatcher took the message over, its outcome is the one that counts.
        session.execute(
            update(OutboxMessage)
            .where(_held(claimed.id, claimed.token))
            .values(**values, claim_token=None)
        )


def dispatch_job(factory: sessionmaker[Session]) -> int:
    """The scheduler's minute job: send what waits in the outbox; how many were sent."""
    return dispatch_pending(factory).sent
