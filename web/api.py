"""The REST API under ``/api/v1``: the CLI's JSON over HTTP, bearer-token authenticated.

Every rule is the engine's; this module maps requests to engine calls and
engine errors to HTTP statuses. A refusal is JSON: ``error`` and ``detail``
(the same sentence, in the language ``Accept-Language`` asks for, Vietnamese
by default), ``code`` (the error's stable code, for scripts) and, for missing
fields, ``missing``:

=====================  ======  ==============================================
engine error           status  why
=====================  ======  ==============================================
AuthenticationFailed   401     no, unknown or revoked token
NotAllowed             403     the user's role or agency may not do this
NotFound               404     no such plan, task, occurrence or year
Conflict               409     ``If-Match`` names an older version
TransitionNotAllowed   409     the task's *current state* does not allow the
                               trigger: a conflict with the resource's state,
                               which a reload shows (not a malformed request)
InvalidInput           422     a malformed date, reference, status or field
MissingFields          422     the transition needs fields (listed in
                               ``missing``)
(no If-Match)          428     advancing without a version would risk a lost
                               update
StorageError           503     the database is unreachable
=====================  ======  ==============================================
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from engine import views
from engine.attachments import Upload
from engine.auth import AuthenticationFailed, api_user
from engine.days import FIRST_DAY, LAST_DAY, supported
from engine.errors import (
    Conflict,
    DondocError,
    InvalidInput,
    MissingFields,
    NotAllowed,
    NotFound,
    StorageError,
    TransitionNotAllowed,
)
from engine.listing import task_page
from engine.models import User
from engine.text import excerpt
from engine.transition import advance
from engine.workdays import VIETNAM_TZ
from notifiers.i18n import best_lang, words
from notifiers.workflow_text import label_record
from web import openapi
from web.limits import too_deep
from web.paging import envelope, sliced, window
from web.security import bearer
from web.store import run

# Checked in order: subclasses before their bases.
_STATUS: tuple[tuple[type[DondocError], int], ...] = (
    (AuthenticationFailed, 401),
    (TransitionNotAllowed, 409),
    (NotAllowed, 403),
    (NotFound, 404),
    (Conflict, 409),
    (InvalidInput, 422),
    (StorageError, 503),
)
MAX_BODY = 64 * 1024
MAX_DEPTH = 32


class ApiError(Exception):
    """An HTTP refusal decided before the engine is asked (headers, body shape).

    ``code`` names its sentence (``api.<code>`` in the message catalog).
    """

    def __init__(self, status: int, code: str, /, **facts: Any) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.facts = facts


def status_for(exc: DondocError) -> int:
    for kind, code in _STATUS:
        if isinstance(exc, kind):
            return code
    return 400


def request_lang(request: Request) -> str:
    """The language a client asks for with ``Accept-Language`` (Vietnamese when it asks none)."""
    return best_lang(request.headers.get("accept-language"))


def error_response(status: int, message: str, code: str, **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body = {"error": message, "detail": message, "code": code, **extra}
    return JSONResponse(body, status_code=status, headers=headers)


def refusal(request: Request, error: DondocError | ApiError) -> JSONResponse:
    """An engine error or an API refusal as JSON, worded for the client."""
    w = words(request_lang(request))
    if isinstance(error, ApiError):
        return error_response(error.status, w(f"api.{error.code}", **error.facts), error.code)
    extra: dict[str, Any] = {"missing": error.missing} if isinstance(error, MissingFields) else {}
    if isinstance(error, NotFound) and isinstance(error.facts.get("known"), list):
        # The few close names a "not found" quotes (engine.lookup.close_matches).
        extra["suggestions"] = [str(known) for known in error.facts["known"]]  # codes
    return error_response(status_for(error), w.error(error), error.code, **extra)


def _json(data: Any, status: int = 200, etag: int | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, default=str)
    headers = {"ETag": f'"{etag}"'} if etag is not None else None
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def _authenticated(session: Session, token: str | None) -> User:
    if token is None:
        raise AuthenticationFailed("no_token")
    return api_user(session, token)


def _day(request: Request) -> dt.date | None:
    value = request.query_params.get("as_of")
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("bad_as_of", value=excerpt(value, 40)) from None
    return supported(day)


async def _answer(request: Request, work: Any, *args: Any) -> Response:
    """Authenticate, run ``work(session, user, *args)``, and turn refusals into JSON."""
    token = bearer(request)
    try:

        def unit(session: Session) -> Any:
            user = _authenticated(session, token)
            return work(session, user, *args)

        return await run(request, unit)
    except (ApiError, DondocError) as exc:
        return refusal(request, exc)


async def list_plans(request: Request) -> Response:
    day = _day_or_none(request)
    if isinstance(day, Response):
        return day

    def work(session: Session, _user: User) -> Response:
        limit, offset = window(request)
        page = sliced(views.plan_rows(session, as_of=day), limit, offset)
        return _json(envelope(request, page))

    return await _answer(request, work)


async def list_tasks(request: Request) -> Response:
    day = _day_or_none(request)
    if isinstance(day, Response):
        return day
    q = request.query_params

    def work(session: Session, _user: User) -> Response:
        limit, offset = window(request)
        page = task_page(
            session,
            plan_id=q.get("plan") or None,
            agency=q.get("agency") or None,
            status_filter=q.get("status") or None,
            as_of=day,
            limit=limit,
            offset=offset,
        )
        return _json(envelope(request, page))

    return await _answer(request, work)


async def show_task(request: Request) -> Response:
    day = _day_or_none(request)
    if isinstance(day, Response):
        return day
    ref = request.path_params["ref"]

    def work(session: Session, _user: User) -> Response:
        record = label_record(views.occurrence_record(session, ref, as_of=day))
        return _json(record, etag=record["version"])

    return await _answer(request, work)


def _if_match(request: Request) -> int:
    raw = request.headers.get("if-match")
    if raw is None:
        raise ApiError(428, "if_match_missing")
    text = raw.strip().removeprefix("W/").strip('"')
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise ApiError(422, "if_match_bad", value=raw[:40])
    return int(text)


@dataclass(frozen=True)
class _Step:
    """What a POST to ``/advance`` asks for."""

    trigger: str
    fields: dict[str, str]
    note: str
    at: dt.datetime | None
    attach: tuple[Upload, ...] = ()


async def _advance_body(request: Request) -> _Step:
    # The size is enforced while the body streams in (web.limits.RequestLimits).
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        from web.files import multipart_step

        return await multipart_step(request)
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ApiError(413, "body_too_large", limit=MAX_BODY)
    if too_deep(raw, MAX_DEPTH):
        raise ApiError(422, "body_too_deep", limit=MAX_DEPTH)
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(422, "body_not_json") from None
    if not isinstance(body, dict):
        raise ApiError(422, "body_not_object")
    trigger, fields, note = body.get("trigger"), body.get("fields") or {}, body.get("note") or ""
    if not isinstance(trigger, str) or not trigger:
        raise ApiError(422, "trigger_missing")
    if not isinstance(fields, dict) or not all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in fields.values()
    ):
        raise ApiError(422, "fields_not_text")
    if not isinstance(note, str):
        raise ApiError(422, "note_not_text")
    return _Step(trigger, {str(k): str(v) for k, v in fields.items()}, note, _at(body.get("at")))


def _at(value: Any) -> dt.datetime | None:
    """``at``: the day or time a step happened (a coordinator's correction), as ``--at`` reads it."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ApiError(422, "at_not_text")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "at_bad", value=excerpt(value, 40)) from None
    if not FIRST_DAY <= moment.date() <= LAST_DAY:
        raise ApiError(
            422, "at_out_of_range", value=value, first=FIRST_DAY.year, last=LAST_DAY.year
        )
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=VIETNAM_TZ)


async def advance_task(request: Request) -> Response:
    ref = request.path_params["ref"]
    problem: ApiError | None = None
    try:
        expected = _if_match(request)
        step = await _advance_body(request)
    except ApiError as exc:
        problem = exc

    def work(session: Session, user: User) -> Response:
        # Reported only once the caller is known: strangers learn nothing but 401.
        if problem is not None:
            raise problem
        done = advance(
            session,
            user,
            ref,
            step.trigger,
            note=step.note,
            fields=step.fields,
            at=step.at,
            expected_version=expected,
            attach=step.attach,
        )
        record = label_record(views.occurrence_record(session, done.ref))
        return _json(record, etag=record["version"])

    return await _answer(request, work)


async def list_escalations(request: Request) -> Response:
    """The levels a sweep on ``as_of`` would record: ``dondoc escalate --dry-run --json``.

    A GET must not write, so recording stays with the scheduler and the CLI.
    """
    day = _day_or_none(request)
    if isinstance(day, Response):
        return day

    def work(session: Session, _user: User) -> Response:
        from engine.escalation import sweep

        limit, offset = window(request)
        result = sweep(session, as_of=day or views.today(), dry_run=True)
        page = sliced([r.as_dict() for r in result.records], limit, offset)
        return _json(envelope(request, page))

    return await _answer(request, work)


async def digest(request: Request) -> Response:
    """The weekly digest's data, as ``engine.digest.digest_data`` computes it."""
    day = _day_or_none(request)
    if isinstance(day, Response):
        return day
    q = request.query_params

    def work(session: Session, _user: User) -> Response:
        from engine.digest import digest_data

        data = digest_data(
            session,
            plan_id=q.get("plan") or None,
            agency=q.get("agency") or None,
            as_of=day or views.today(),
        )
        return _json(data)

    return await _answer(request, work)


def _day_or_none(request: Request) -> dt.date | None | Response:
    try:
        return _day(request)
    except InvalidInput as exc:
        return refusal(request, exc)


async def audit(request: Request) -> Response:
    """``dondoc audit verify --plan PLAN --json``: is each hash chain of the plan intact?"""
    from web.audit import audit as run_audit

    plan_id = request.query_params.get("plan") or None
    lang = request_lang(request)
    return await _answer(request, lambda s, user: _json(run_audit(s, user, plan_id, lang)))


async def openapi_document(request: Request) -> Response:
    return JSONResponse(openapi.document())


async def not_found(request: Request) -> Response:
    return refusal(request, ApiError(404, "no_endpoint", path=request.url.path[:200]))


routes = [
    Route("/plans", list_plans, methods=["GET"]),
    Route("/tasks", list_tasks, methods=["GET"]),
    Route("/tasks/{ref}", show_task, methods=["GET"]),
    Route("/tasks/{ref}/advance", advance_task, methods=["POST"]),
    Route("/escalations", list_escalations, methods=["GET"]),
    Route("/digest", digest, methods=["GET"]),
    Route("/audit", audit, methods=["GET"]),
    Route("/openapi.json", openapi_document, methods=["GET"]),
]
