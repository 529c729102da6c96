"""Subscribable deadline calendars: a secret address per user, kept hashed, revocable.

A calendar program cannot sign in, so a user asks for an address holding a
random secret (``/calendar/<secret>.ics``) and gives it to the program. Only
the secret's SHA-256 is stored (revision 0011, ``calendar_feeds``): a copy of
the database reveals no address. A new address revokes the user's previous
one; revoking, disabling the user or his leaving the feed's filters all stop
it at once. The feed shows what ``dondoc export ics`` writes for its filters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import ForeignKey, Integer, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.errors import NotFound
from engine.models import Base, User, UTCDateTime, utcnow

PREFIX = "ddc_"


class CalendarFeed(Base):
    """One subscribable calendar address of a user (revision 0011)."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    plan_id: Mapped[str | None] = mapped_column(String(80))
    agency_code: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class Feed:
    """What a subscription shows: whose it is and the calendar's filters."""

    user: User
    plan_id: str | None
    agency: str | None
    created_at: dt.datetime


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_feed(
    session: Session, user: User, *, plan_id: str | None = None, agency: str | None = None
) -> str:
    """A new secret for ``user``'s calendar (his previous one revoked); shown once."""
    revoke_feeds(session, user)
    secret = PREFIX + secrets.token_urlsafe(32)
    session.add(
        CalendarFeed(user_id=user.id, token_hash=_hash(secret), plan_id=plan_id, agency_code=agency)
    )
    session.flush()
    return secret


def revoke_feeds(session: Session, user: User) -> int:
    """Stop every calendar address of ``user``; how many were live."""
    done = session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(getattr(done, "rowcount", 0) or 0)


def live_feed(session: Session, user: User) -> CalendarFeed | None:
    """The user's address in use, if any (its secret is not kept: only that it exists)."""
    return session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)
        )
    )


def feed_for(session: Session, secret: str) -> Feed:
    """The live feed of ``secret``, or ``NotFound`` (unknown, revoked, or its user disabled)."""
    row = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(secret)))
    user = session.get(User, row.user_id) if row is not None else None
    if row is None or row.revoked_at is not None or user is None or not user.active:
        raise NotFound("no_calendar_feed")
    return Feed(user, row.plan_id, row.agency_code, row.created_at)
