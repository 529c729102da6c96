"""The ASGI application: REST API under ``/api/v1`` and the server-rendered board.

``create_app(db_url)`` is what ``dondoc serve`` runs with uvicorn and what the
tests drive with Starlette's ``TestClient``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from engine import db
from notifiers.i18n import words
from web import (
    agencies,
    api,
    changes,
    cycle_api,
    cycle_pages,
    inbox,
    pages,
    people,
    search,
    signin,
    stats_api,
    stats_page,
    uploads,
)
from web.limits import RequestLimits, refusal
from web.render import error_page
from web.security import SESSION_MAX_AGE, SecurityHeaders, lang_of, secret_key

STATIC_DIR = Path(__file__).parent / "static"


# Starlette's own refusals (no such route, wrong method), worded from the catalog.
_HTTP_CODES = {404: "http_not_found", 405: "http_method_not_allowed"}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    if request.url.path.startswith("/api/"):
        return api.refusal(request, api.ApiError(exc.status_code, code, status=exc.status_code))
    w = words(lang_of(request))
    return await error_page(request, exc.status_code, w(f"board.{code}", status=exc.status_code))


# How long a client should wait when SQLite's write lock was busy past the timeout.
RETRY_AFTER_SECONDS = 5


def _busy(exc: Exception) -> bool:
    """SQLite's "database is locked": another writer held the lock past the busy timeout."""
    return isinstance(exc, OperationalError) and "locked" in str(exc.orig)


async def _database_error(request: Request, exc: Exception) -> Response:
    """A write lock busy past the timeout is no fault: 503 with ``Retry-After``.

    Registered for ``OperationalError`` itself so that Starlette answers
    without logging it as a server error; any other database failure is one.
    """
    if _busy(exc):
        response = await refusal(request, 503, "database_busy", {"seconds": RETRY_AFTER_SECONDS})
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return await _unexpected(request, exc)


async def _unexpected(request: Request, exc: Exception) -> Response:
    """A fault of dondoc's own: a plain apology in the user's language, never a trace."""
    if request.url.path.startswith("/api/"):
        return api.refusal(request, api.ApiError(500, "http_internal_error", status=500))
    w = words(lang_of(request))
    return await error_page(request, 500, w("board.http_internal_error", status=500))


def create_app(
    db_url: str, *, secret: str | None = None, secure_cookies: bool = False
) -> Starlette:
    """The web application over the database at ``db_url``.

    ``secure_cookies`` marks the session cookie Secure; turn it on behind HTTPS.
    """
    engine = db.make_engine(db_url, create=False)  # the board needs an initialised database

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = Starlette(
        routes=[
            Mount(
                "/api/v1",
                routes=[
                    *api.routes,
                    *cycle_api.routes,
                    *stats_api.routes,
                    *search.api_routes,
                    Route("/{rest:path}", api.not_found),
                ],
            ),
            Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
            *signin.routes,
            *uploads.routes,
            *pages.routes,
            *search.routes,
            *changes.routes,
            *cycle_pages.routes,
            *stats_page.routes,
            *people.routes,
            *agencies.routes,
            *inbox.routes,
        ],
        middleware=[
            # Outermost, so the session cookie set inside it is marked Secure over HTTPS too.
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=secret or secret_key(),
                session_cookie="dondoc_session",
                max_age=SESSION_MAX_AGE,
                same_site="lax",
                https_only=secure_cookies,
            ),
            Middleware(RequestLimits),
        ],
        exception_handlers={
            HTTPException: _http_error,
            OperationalError: _database_error,
            Exception: _unexpected,
        },
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.factory = db.session_factory(engine)
    return app


# What ``dondoc serve`` hands to its workers: each builds its own app (and its
# own connection pool) in its own process. The secret key is not passed: every
# worker reads the same DONDOC_SECRET_KEY or key file (web.security.secret_key).
DB_ENV_FOR_WORKERS = "DONDOC_SERVE_DB_URL"
SECURE_ENV_FOR_WORKERS = "DONDOC_SERVE_SECURE_COOKIES"


def app_for_workers() -> Starlette:
    """The app of one ``dondoc serve`` worker (a uvicorn factory)."""
    import os

    url = os.environ[DB_ENV_FOR_WORKERS]
    return create_app(url, secure_cookies=bool(os.environ.get(SECURE_ENV_FOR_WORKERS)))
