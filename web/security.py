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

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created readable by its owner only: whoever has it can forge sessions.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker process created it first: use theirs
        return path.read_text().strip()
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


async def checked_form(request: Request) -> FormData | None:
    """The posted form if its CSRF token matches the session's, else ``None``."""
    form = await request.form()
    return form if csrf_ok(request, form.get(CSRF_FIELD)) else None


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


def _secure_cookie(name: bytes, value: bytes) -> tuple[bytes, bytes]:
    """A cookie set over HTTPS is marked Secure, so the browser never sends it in clear."""
    if name.lower() == b"set-cookie" and b"secure" not in value.lower():
        return name, value + b"; Secure"
    return name, value


class SecurityHeaders:
    """Adds headers that keep pages from being framed, sniffed or fed outside scripts,
    and marks every cookie Secure on a request that came over HTTPS."""

    HEADERS = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (
            b"content-security-policy",
            b"default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            b"form-action 'self'; frame-ancestors 'none'",
        ),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # https as the browser sees it: uvicorn sets the scheme from a trusted
        # proxy's X-Forwarded-Proto (``dondoc serve --forwarded-allow-ips``).
        over_tls = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if over_tls:
                    headers = [_secure_cookie(name, value) for name, value in headers]
                message["headers"] = [*headers, *self.HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)
