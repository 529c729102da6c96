"""Running engine work from a request: one transaction in a worker thread.

The engine is synchronous (SQLAlchemy sessions); running it in Starlette's
thread pool keeps a slow query from stalling every other request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from engine import db

T = TypeVar("T")


async def run(request: Request, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``work(session, *args, **kwargs)`` in one transaction, committed when it returns."""
    factory = request.app.state.factory

    def unit() -> T:
        with db.transaction(factory) as session:
            return work(session, *args, **kwargs)

    return await run_in_threadpool(unit)


def session_user(session: Session, token: str | None) -> Any:
    """The user a browser session belongs to, or ``None`` (signed out, expired, revoked)."""
    from engine.auth import AuthenticationFailed, user_for_session

    if not token:
        return None
    try:
        return user_for_session(session, token)
    except AuthenticationFailed:
        return None
