"""Running engine work from a request: one transaction in a worker thread, as the signed-in user.

The engine is synchronous (SQLAlchemy sessions); running it in Starlette's
thread pool keeps a slow query from stalling every other request. Who is
signed in is resolved here and nowhere else: ``as_signed_in`` reads the
browser session's token, finds its user inside the unit of work, and hands
both to the page's work, or says the visitor is signed out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session
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


async def run(request: Request, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``work(session, *args, **kwargs)`` in one transaction, committed when it returns."""
    factory = request.app.state.factory

    def unit() -> T:
        with db.transaction(factory) as session:
            return work(session, *args, **kwargs)

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
        return work(session, user, *args)

    return await run(request, unit)
