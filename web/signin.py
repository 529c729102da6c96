"""Signing in and out of the board: password check, session start, revocation.

The rules (hashing, throttling, session lifetime) are ``engine.auth``'s; this
module only moves them between the form and the session cookie.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from engine.auth import (
    AuthenticationFailed,
    Throttled,
    check_password,
    revoke_secret,
    start_session,
)
from notifiers.i18n import words
from web.render import error_page, render
from web.security import SESSION_KEY, checked_form, lang_of
from web.store import run, session_token


async def signin_form(request: Request) -> Response:
    return render(request, "signin.html", {"next": request.query_params.get("next", "/")})


def _safe_next(target: object) -> str:
    # Only paths on this server: an open redirect would help phishing.
    # Browsers read "/\host" like "//host", so a backslash second is refused too.
    if isinstance(target, str) and target.startswith("/") and target[1:2] not in ("/", "\\"):
        return target
    return "/"


async def signin(request: Request) -> Response:
    form = await checked_form(request)
    w = words(lang_of(request))
    if form is None:
        return await error_page(request, 403, w("board.csrf"))
    name, password = str(form.get("name", "")), str(form.get("password", ""))

    def work(session: Session) -> str | AuthenticationFailed:
        try:
            user = check_password(session, name, password)
        except AuthenticationFailed as exc:
            # Returned, not raised: the failure must be committed to count.
            return exc
        return start_session(session, user.name)

    outcome = await run(request, work)
    if isinstance(outcome, AuthenticationFailed):
        context = {"next": _safe_next(form.get("next")), "error": w.error(outcome), "name": name}
        return render(
            request, "signin.html", context, 429 if isinstance(outcome, Throttled) else 401
        )
    # A fresh session (and CSRF token) at sign-in defeats session fixation.
    request.session.clear()
    request.session[SESSION_KEY] = outcome
    return RedirectResponse(_safe_next(form.get("next")), status_code=303)


async def signout(request: Request) -> Response:
    form = await checked_form(request)
    if form is None:
        return await error_page(request, 403, words(lang_of(request))("board.csrf"))
    token = session_token(request)
    if token:
        await run(request, revoke_secret, token)
    request.session.clear()
    return RedirectResponse("/signin", status_code=303)


routes = [
    Route("/signin", signin_form, methods=["GET"]),
    Route("/signin", signin, methods=["POST"]),
    Route("/signout", signout, methods=["POST"]),
]
