"""Rendering a board page: the templates, the signed-in frame, errors and flashes.

Every page is rendered with the header of whoever is signed in (error pages
too), in the page's language, and never cached by the browser while
somebody is signed in (``Cache-Control: no-store``): after signing out, the
back button must not show the previous user's task.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session, object_session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from engine.errors import DondocError
from engine.models import User
from engine.workdays import local_time_text
from notifiers.i18n import LANGS, jinja_globals, words
from notifiers.naming import Namer
from web.api import status_for
from web.security import CSRF_FIELD, csrf_token, lang_of
from web.store import PASSWORD_PAGE, SIGNED_OUT, as_signed_in, pop_flash

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
# Times are stored in UTC and shown in Asia/Ho_Chi_Minh.
templates.env.filters["local_time"] = local_time_text


def user_view(user: User, namer: Namer) -> dict[str, Any]:
    from engine.inbox import unread

    session = object_session(user)
    return {
        "unread": unread(session, user) if session is not None else 0,
        "name": user.name,
        "shown": user.full_name or user.name,
        "agency": user.agency_code,
        "agency_name": namer.agency_text(user.agency_code),
        "role": user.role,
    }


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    lang = lang_of(request)
    base = {
        **jinja_globals(lang),
        "lang": lang,
        "csrf": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        "path": request.url.path,
        "user": None,
    }
    response = templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status_code
    )
    if request.query_params.get("lang") in LANGS:
        response.set_cookie("lang", lang, max_age=365 * 86400, httponly=True, samesite="lax")
    if context.get("user"):
        response.headers["Cache-Control"] = "no-store"
    return response


async def error_page(request: Request, status_code: int, message: str) -> Response:
    """An error in the page's language, under the header of whoever is signed in."""

    def work(session: Session, user: User) -> dict[str, Any]:
        namer = Namer.read(session, lang_of(request))
        return {"user": user_view(user, namer)}

    try:
        frame = await as_signed_in(request, work)
    except Exception:  # noqa: BLE001 - an error page must not fail in turn
        frame = SIGNED_OUT
    context = {"message": message, **({} if frame is SIGNED_OUT else frame)}  # type: ignore[dict-item]
    return render(request, "error.html", context, status_code)


# Refusals of what the address asked for (``?as_of=9999-12-31``): a bad request, 400.
_ADDRESS_CODES = {
    "bad_day",
    "day_out_of_range",
    "bad_year",
    "unknown_status",
    "unknown_agency_role",
}


async def refusal_page(request: Request, error: DondocError) -> Response:
    """An engine refusal as a page, worded in the page's language."""
    status = 400 if error.code in _ADDRESS_CODES else status_for(error)
    return await error_page(request, status, words(lang_of(request)).error(error))


def to_signin(request: Request) -> Response:
    """Sign in first; or, signed in with a one-time password, change it first."""
    if getattr(request.state, "password_pending", False):
        return RedirectResponse(PASSWORD_PAGE, status_code=303)
    target = quote(request.url.path, safe="/:@")
    if request.url.query:
        target += quote("?" + request.url.query, safe="=&")
    return RedirectResponse(f"/signin?next={target}", status_code=303)


async def signed_in_page(request: Request, template: str, build: Any, *args: Any) -> Response:
    """Render ``template`` with ``build(session, user, namer, *args)``; sign-in first if needed."""
    lang = lang_of(request)

    def work(session: Session, user: User) -> dict[str, Any]:
        namer = Namer.read(session, lang)
        return {
            "user": user_view(user, namer),
            "N": namer,
            "flash": pop_flash(session, request),
            **build(session, user, namer, *args),
        }

    try:
        context = await as_signed_in(request, work)
    except DondocError as exc:
        return await refusal_page(request, exc)
    if context is SIGNED_OUT:
        return to_signin(request)
    return render(request, template, context)  # type: ignore[arg-type]
