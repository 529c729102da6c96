"""Changing a task from the board: the step form, post/redirect/get.

Every post answers with a redirect to the task page (303), whether the step
was taken or refused: the refusal and what was typed travel in the session
(``web.store.save_flash``: a row, since a long note would overflow a cookie) and are shown once, so reloading or switching the
language never re-posts a form. The rules are the engine's
(``engine.transition.advance``): who may act, who may back-date, what a field
must hold. Sending the same step twice (the back button, a double click)
says it is already done instead of "somebody else changed this task".
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from engine.errors import Conflict, DondocError, InvalidInput
from engine.fields import parse_day
from engine.lookup import load_occurrence
from engine.models import Event, User
from engine.transition import advance
from engine.workdays import VIETNAM_TZ
from notifiers.i18n import words
from web.files import uploads_of
from web.render import error_page, to_signin
from web.security import checked_form, lang_of
from web.store import FLASH_KEY, SIGNED_OUT, as_signed_in, run, save_flash


def _fields(form: FormData) -> dict[str, str]:
    fields = {}
    for key, value in form.multi_items():
        if key.startswith("field_") and isinstance(value, str) and value.strip():
            fields[key.removeprefix("field_")] = value.strip()
    return fields


def _recorded_on(value: str) -> dt.datetime | None:
    """The form's "recorded on" day as ``dondoc advance --at DAY`` reads it: midnight, Vietnam time."""
    if not value:
        return None
    day = parse_day(value)
    if day is None:
        raise InvalidInput("bad_day", value=value[:40])
    return dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM_TZ)


def _task_url(ref: str, anchor: str = "") -> str:
    return f"/tasks/{quote(ref, safe=':@')}" + (f"#{anchor}" if anchor else "")


def _already_done(session: Session, user: User, ref: str, typed: dict[str, Any]) -> bool:
    """Whether the latest step on ``ref`` is this very form, sent before by this user.

    Same person, trigger, note and fields: the back button or a double click.
    A second, different comment on a page left open is not "already done".
    """
    occ = load_occurrence(session, ref)
    last = session.scalar(
        select(Event).where(Event.occurrence_id == occ.id).order_by(Event.seq.desc()).limit(1)
    )
    if last is None or last.actor != user.name or last.trigger != typed["trigger"]:
        return False
    given = {k: v for k, v in (last.fields or {}).items() if k in typed["fields"]}
    return last.note == typed["note"] and given == typed["fields"]


async def advance_form(request: Request) -> Response:
    ref = request.path_params["ref"]
    w = words(lang_of(request))
    form = await checked_form(request)
    if form is None:
        return await error_page(request, 403, w("board.csrf"))
    # A file sent with the step (web.files): kept with it, or the step refused with a sentence.
    uploads = await uploads_of(form)
    version = str(form.get("version", ""))
    trigger, note = str(form.get("trigger", "")), str(form.get("note", ""))
    at, fields = str(form.get("at", "")).strip(), _fields(form)
    typed = {"trigger": trigger, "note": note, "at": at, "fields": fields}

    def work(session: Session, user: User) -> None:
        expected = (
            int(version) if version.isascii() and version.isdigit() and len(version) < 10 else -1
        )
        # Whoever may record a step on an earlier day is the engine's rule
        # (``authz.require_backdate``): the form sends what was typed.
        advance(
            session,
            user,
            ref,
            trigger,
            note=note,
            fields=fields,
            at=_recorded_on(at),
            expected_version=expected,
            attach=uploads,
        )

    flash: dict[str, Any]
    try:
        done = await as_signed_in(request, work)
        flash = {"kind": "saved", "trigger": trigger}
    except Conflict:
        repeated = await as_signed_in(request, _already_done, ref, typed)
        if repeated is True:
            flash = {"kind": "already_done", "trigger": trigger}
        else:
            flash = {"kind": "stale", "trigger": trigger, "error": w("board.stale"), "typed": typed}
        done = None
    except DondocError as exc:
        flash = {
            "kind": "refused",
            "trigger": trigger,
            "error": w.error(exc, face="board"),
            "typed": typed,
        }
        done = None
    if done is SIGNED_OUT:
        return to_signin(request)
    request.session[FLASH_KEY] = await run(request, save_flash, flash)
    anchor = f"form-{trigger}" if flash["kind"] in ("refused", "stale") else "state"
    return RedirectResponse(_task_url(ref, anchor), status_code=303)


routes = [Route("/tasks/{ref}/advance", advance_form, methods=["POST"])]
