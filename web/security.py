"""Web sessions, CSRF tokens and the cookie secret.

A browser session is an engine session token (``engine.auth.start_session``)
kept in the signed session cookie: signing out revokes it, so a copied cookie
stops working on the server too, not only in the browser that signed out; it
is not accepted as an API token and ends after ``SESSION_LIFETIME``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from starlette.requests import Request

from engine.auth import SESSION_LIFETIME

SESSION_KEY = "session_token"
CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"
SESSION_MAX_AGE = int(SESSION_LIFETIME.total_seconds())


def secret_key() -> str:
    """``DONDOC_SECRET_KEY``, or a key generated once and kept in the user's data folder."""
    from_env = os.environ.get("DONDOC_SECRET_KEY")
    if from_env:
        return from_env
    import platformdirs

    path = Path(platformdirs.user_data_dir("dondoc")) / "web_secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created readable by its owner only: whoever has it can forge sessions.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use and sent in every form."""
    token = request.session.get(CSRF_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return str(token)


def csrf_ok(request: Request, submitted: object) -> bool:
    expected = request.session.get(CSRF_KEY)
    if not expected or not isinstance(submitted, str):
        return False
    return secrets.compare_digest(str(expected), submitted)


def bearer(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def lang_of(request: Request) -> str:
    """``?lang=`` first, then the ``lang`` cookie, then Vietnamese."""
    wanted = request.query_params.get("lang") or request.cookies.get("lang") or "vi"
    return "en" if wanted == "en" else "vi"
