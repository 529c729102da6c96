"""Running engine work from a request: one transaction in a worker thread, as the signed-in user.

The engine is synchronous (SQLAlchemy sessions); running it in Starlette's
thread pool keeps a slow query from stalling every other request. Who is
signed in is resolved here and nowhere else: ``as_signed_in`` reads the
browser session's token, finds its user inside the unit of work, and hands
both to the page's work, or says the visitor is signed out.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import delete
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from engine import db
from engine.models import User
from web.security import SESSION_KEY

T = TypeVar("T")


class _SignedOut:
    """What ``as_signed_in`` returns when nobody (or an ended session) is signed in."""

    def __repr__(self) -> str:
        return "SIGNED_OUT"


SIGNED_OUT = _SignedOut()
# The pages a person with a one-time password may open (engine.accounts).
PASSWORD_PAGE = "/account"
PASSWORD_PATHS = (PASSWORD_PAGE, "/account/password")


async def run(request: Request, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``work(session, *args, **kwargs)`` in one transaction, committed when it returns."""
    factory = request.app.state.factory
    # A GET only reads: on SQLite it does not take the write lock, so pages
    # never stop an advance. The flash it showed is forgotten afterwards.
    reads = request.method in ("GET", "HEAD")

    def unit() -> T:
        with db.transaction(factory, reads=reads) as session:
            result = work(session, *args, **kwargs)
            shown = session.info.pop(_SHOWN, [])
        if shown:
            _forget(factory, shown)
        return result

    return await run_in_threadpool(unit)


def session_token(request: Request) -> str | None:
    """The engine session token the signed session cookie carries, if any."""
    value = request.session.get(SESSION_KEY)
    return value if isinstance(value, str) else None


def session_user(session: Session, token: str | None) -> User | None:
    """The user a browser session belongs to, or ``None`` (signed out, expired, revoked)."""
    from engine.auth import AuthenticationFailed, user_for_session

    if not token:
        return None
    try:
        return user_for_session(session, token)
    except AuthenticationFailed:
        return None


async def as_signed_in(request: Request, work: Callable[..., T], *args: Any) -> T | _SignedOut:
    """``work(session, user, *args)`` for the signed-in user, or ``SIGNED_OUT``."""
    token = session_token(request)

    def unit(session: Session) -> T | _SignedOut:
        user = session_user(session, token)
        if user is None:
            return SIGNED_OUT
        if user.must_change_password and request.url.path not in PASSWORD_PATHS:
            # A one-time password: nothing but the password page until it is changed.
            request.state.password_pending = True
            return SIGNED_OUT
        return work(session, user, *args)

    return await run(request, unit)


FLASH_KEY = "flash"
FLASH_LIFETIME = dt.timedelta(days=1)


def save_flash(session: Session, payload: dict[str, Any]) -> str:
    """Keep ``payload`` for the next page; the key goes in the session cookie."""
    from engine.models import BoardFlash, utcnow

    now = utcnow()
    session.execute(delete(BoardFlash).where(BoardFlash.created_at < now - FLASH_LIFETIME))
    key = secrets.token_urlsafe(24)
    session.add(BoardFlash(key=key, payload=payload, created_at=now))
    return key


def pop_flash(session: Session, request: Request) -> dict[str, Any] | None:
    """The payload the last form left for this browser session, once."""
    from engine.models import BoardFlash

    key = request.session.pop(FLASH_KEY, None)
    if not isinstance(key, str):
        return None
    flash = session.get(BoardFlash, key)
    if flash is None:
        return None
    # Read here, deleted by ``run`` in a write of its own once this unit has ended:
    # a page's unit began as a read, and on SQLite a read that writes after another
    # worker has written is refused at once (SQLITE_BUSY_SNAPSHOT), failing the page.
    session.info.setdefault(_SHOWN, []).append(key)
    return dict(flash.payload)


_SHOWN = "dondoc_flashes_shown"
_log = logging.getLogger(__name__)


def _forget(factory: sessionmaker[Session], keys: list[str]) -> None:
    """Delete the flashes a page has shown, in a short transaction that waits for the lock."""
    from engine.models import BoardFlash

    try:
        with db.transaction(factory) as session:
            session.execute(delete(BoardFlash).where(BoardFlash.key.in_(keys)))
    except OperationalError as exc:
        # The page is built and its cookie no longer names the flash, so nobody can
        # show it again; the row goes with the day-old ones (``save_flash``).
        _log.warning("a shown flash stays until it expires: %s", exc)
