"""Queueing notifications: one outbox row per idempotency key, channel chosen from the agency.

Writing to the outbox happens inside the caller's transaction, so a
notification exists exactly when the change that caused it was committed; the
dispatcher (``notifiers.dispatch``) sends it later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.directory import get_agency
from engine.models import Agency, OutboxMessage, utcnow

# An agency with no address still gets its messages, as .eml files addressed
# to a placeholder in the reserved .invalid domain, so nothing is dropped and
# nobody mistakes the address for a real one.
PLACEHOLDER_DOMAIN = "agencies.invalid"


@dataclass(frozen=True)
class Route:
    """Where an agency's notifications go: a channel and its recipient addresses."""

    channel: str
    recipients: list[str]


def route_for(agency: Agency) -> Route:
    """E-mail when the agency has an address, else its webhook, else an .eml file."""
    if agency.email:
        return Route("email", [agency.email])
    if agency.webhook:
        return Route("webhook", [agency.webhook])
    return Route("file", [placeholder_address(agency.code)])


def placeholder_address(code: str) -> str:
    """``kon-tum/sct`` → ``sct.kon-tum@agencies.invalid``."""
    province, _, abbr = code.partition("/")
    local = f"{abbr}.{province}" if abbr else province
    return f"{local}@{PLACEHOLDER_DOMAIN}"


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    agency_code: str,
    subject: str,
    text: str,
    html: str | None = None,
    payload: dict[str, Any] | None = None,
    lang: str = "vi",
    occurrence_id: int | None = None,
    cc: list[str] | None = None,
    now: dt.datetime | None = None,
) -> OutboxMessage | None:
    """Queue one message for ``agency_code``; return it, or None if ``key`` was queued before.

    ``cc`` are agency codes whose addresses are copied when they use the same
    channel as the recipient (a webhook cannot carry a copy to an e-mail box).
    """
    existing = session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key))
    if existing is not None:
        return None
    agency = get_agency(session, agency_code)
    route = route_for(agency)
    copies: list[str] = []
    for code in cc or []:
        other = route_for(get_agency(session, code))
        if other.channel == route.channel:
            copies.extend(a for a in other.recipients if a not in route.recipients + copies)
    row = OutboxMessage(
        key=key,
        kind=kind,
        channel=route.channel,
        agency_code=agency.code,
        recipients=route.recipients,
        cc=copies,
        subject=subject,
        body_text=text,
        body_html=html,
        payload=payload or {},
        lang=lang,
        status="pending",
        attempts=0,
        next_attempt_at=now or utcnow(),
        occurrence_id=occurrence_id,
    )
    # A savepoint, so that another writer queueing the same key at the same
    # moment costs this one its insert, not the caller's whole transaction.
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row
