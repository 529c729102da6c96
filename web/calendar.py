"""The deadlines calendar from the board: a download, and an address a calendar program follows.

``/export/calendar.ics?plan=…&agency=…`` downloads the calendar of the list
it was linked from (signed in). ``/calendar`` lets a user make (or remake,
which revokes the old) and revoke his subscribable address
``/calendar/<secret>.ics``, read without signing in (``engine.calendar_feeds``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from engine.calendar_feeds import create_feed, feed_for, live_feed, revoke_feeds
from engine.errors import DondocError, NotFound
from engine.lookup import get_plan
from engine.models import User
from notifiers.i18n import words
from notifiers.ics import deadline_calendar
from notifiers.naming import Namer
from web.files import disposition
from web.render import error_page, refusal_page, signed_in_page, to_signin
from web.security import checked_form, lang_of
from web.store import FLASH_KEY, SIGNED_OUT, as_signed_in, run, save_flash

ICS = "text/calendar; charset=utf-8"


def _ics(data: bytes, name: str) -> Response:
    return Response(
        data,
        media_type=ICS,
        headers={"Content-Disposition": disposition(name), "Cache-Control": "private, no-store"},
    )


async def calendar_download(request: Request) -> Response:
    q = request.query_params
    plan_id, agency = q.get("plan") or None, q.get("agency") or None
    lang = lang_of(request)

    def work(session: Session, user: User) -> bytes:
        if plan_id:
            get_plan(session, plan_id)
        return deadline_calendar(session, plan_id=plan_id, agency=agency, lang=lang)

    try:
        data = await as_signed_in(request, work)
    except DondocError as exc:
        return await refusal_page(request, exc)
    if data is SIGNED_OUT:
        return to_signin(request)
    assert isinstance(data, bytes)
    return _ics(data, f"{plan_id or 'dondoc'}-deadlines.ics")


async def calendar_feed(request: Request) -> Response:
    """``/calendar/<secret>.ics``: no sign-in; an unknown or revoked secret is 404."""
    secret = request.path_params["secret"]
    lang = lang_of(request)

    def work(session: Session) -> bytes:
        if len(secret) > 100:
            raise NotFound("no_calendar_feed")
        feed = feed_for(session, secret)
        return deadline_calendar(session, plan_id=feed.plan_id, agency=feed.agency, lang=lang)

    try:
        data = await run(request, work)
    except DondocError as exc:
        return await error_page(request, 404, words(lang).error(exc))
    return _ics(data, "dondoc-deadlines.ics")


def _page(session: Session, user: User, namer: Namer, request: Request) -> dict[str, Any]:
    from sqlalchemy import select

    from engine.models import Plan

    feed = live_feed(session, user)
    return {
        "feed": feed,
        "plans": list(session.scalars(select(Plan).order_by(Plan.province, Plan.id))),
    }


async def calendar_page(request: Request) -> Response:
    return await signed_in_page(request, "calendar.html", _page, request)


async def calendar_change(request: Request) -> Response:
    """Make a new address (revoking the old) or revoke it; the new secret is shown once."""
    w = words(lang_of(request))
    form = await checked_form(request)
    if form is None:
        return await error_page(request, 403, w("board.csrf"))
    action = str(form.get("action", ""))
    plan_id = str(form.get("plan", "")) or None
    mine = form.get("scope") != "all"

    def work(session: Session, user: User) -> dict[str, Any]:
        if action == "revoke":
            revoke_feeds(session, user)
            return {"kind": "calendar_revoked"}
        if plan_id:
            get_plan(session, plan_id)
        agency = user.agency_code if mine else None
        secret = create_feed(session, user, plan_id=plan_id, agency=agency)
        base = f"{request.url.scheme}://{request.url.netloc}"
        return {"kind": "calendar_made", "url": f"{base}/calendar/{secret}.ics"}

    try:
        flash = await as_signed_in(request, work)
    except DondocError as exc:
        flash = {"kind": "refused", "error": w.error(exc, face="board")}
    if flash is SIGNED_OUT:
        return to_signin(request)
    request.session[FLASH_KEY] = await run(request, save_flash, flash)
    return RedirectResponse("/calendar", status_code=303)


routes = [
    Route("/export/calendar.ics", calendar_download, methods=["GET"]),
    Route("/calendar", calendar_page, methods=["GET"]),
    Route("/calendar", calendar_change, methods=["POST"]),
    Route("/calendar/{secret}.ics", calendar_feed, methods=["GET"]),
]
