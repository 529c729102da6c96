"""The REST API under ``/api/v1``: the CLI's JSON over HTTP, bearer-token authenticated.

Every rule is the engine's; this module maps requests to engine calls and
engine errors to HTTP statuses:

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
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from engine import views
from engine.auth import AuthenticationFailed, user_for_token
from engine.errors import (
    Conflict,
    DondocError,
    InvalidInput,
    NotAllowed,
    NotFound,
    StorageError,
    TransitionNotAllowed,
)
from engine.models import User
from engine.transition import advance
from web import openapi
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


class ApiError(Exception):
    """An HTTP refusal decided before the engine is asked (headers, body shape)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def status_for(exc: DondocError) -> int:
    for kind, code in _STATUS:
        if isinstance(exc, kind):
            return code
    return 400


def error_response(status: int, message: str, **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": message, **extra}, status_code=status, headers=headers)


def _json(data: Any, status: int = 200, etag: int | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, default=str)
    headers = {"ETag": f'"{etag}"'} if etag is not None else None
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def _authenticated(session: Session, token: str | None) -> User:
    if token is None:
        raise AuthenticationFailed("Send an API token as 'Authorization: Bearer <token>'.")
    return user_for_token(session, token)


def _day(request: Request) -> dt.date | None:
    value = request.query_params.get("as_of")
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"as_of {value!r} is not a date; write YYYY-MM-DD.") from None


async def _answer(request: Request, work: Any, *args: Any) -> Response:
    """Authenticate, run ``work(session, user, *args)``, and turn refusals into JSON."""
    token = bearer(request)
    try:

        def unit(session: Session) -> Any:
            user = _authenticated(session, token)
            return work(session, user, *args)

        return await run(request, unit)
    except ApiError as exc:
        return error_response(exc.status, exc.message)
    except DondocError as exc:
        extra = {"missing": exc.missing} if hasattr(exc, "missing") else {}
        return error_response(status_for(exc), exc.message, **extra)


async def list_plans(request: Request) -> Response:
    day = _day_or_none(request)
    if isinstance(day, Response):
        return day
    return await _answer(request, lambda s, _u: _json(views.plan_rows(s, as_of=day)))


async def list_tasks(request: Request) -> Response:
    day = _day_or_none(request)
    if isinstance(day, Response):
        return day
    q = request.query_params

    def work(session: Session, _user: User) -> Response:
        rows = views.task_rows(
            session,
            plan_id=q.get("plan") or None,
            agency=q.get("agency") or None,
            status_filter=q.get("status") or None,
            as_of=day,
        )
        return _json(rows)

    return await _answer(request, work)


async def show_task(request: Request) -> Response:
    day = _day_or_none(request)
    if isinstance(day, Response):
        return day
    ref = request.path_params["ref"]

    def work(session: Session, _user: User) -> Response:
        record = views.occurrence_record(session, ref, as_of=day)
        return _json(record, etag=record["version"])

    return await _answer(request, work)


def _if_match(request: Request) -> int:
    raw = request.headers.get("if-match")
    if raw is None:
        raise ApiError(428, "Send the version you read as 'If-Match: \"<version>\"'.")
    text = raw.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 9:
        raise ApiError(422, f"If-Match {raw!r} is not a task version; send e.g. '\"3\"'.")
    return int(text)


async def _advance_body(request: Request) -> tuple[str, dict[str, str], str]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ApiError(413, f"The request body is larger than {MAX_BODY} bytes.")
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(422, "The request body is not JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(422, "The request body must be a JSON object with a 'trigger'.")
    trigger, fields, note = body.get("trigger"), body.get("fields") or {}, body.get("note") or ""
    if not isinstance(trigger, str) or not trigger:
        raise ApiError(422, 'Give the \'trigger\' to fire, e.g. {"trigger": "consult"}.')
    if not isinstance(fields, dict) or not all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in fields.values()
    ):
        raise ApiError(422, "'fields' must be an object of text or number values.")
    if not isinstance(note, str):
        raise ApiError(422, "'note' must be text.")
    return trigger, {str(k): str(v) for k, v in fields.items()}, note


async def advance_task(request: Request) -> Response:
    ref = request.path_params["ref"]
    problem: ApiError | None = None
    try:
        expected = _if_match(request)
        trigger, fields, note = await _advance_body(request)
    except ApiError as exc:
        problem = exc

    def work(session: Session, user: User) -> Response:
        # Reported only once the caller is known: strangers learn nothing but 401.
        if problem is not None:
            raise problem
        done = advance(
            session, user, ref, trigger, note=note, fields=fields, expected_version=expected
        )
        record = views.occurrence_record(session, done.ref)
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

        records = sweep(session, as_of=day or views.today(), dry_run=True)
        return _json([r.as_dict() for r in records])

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
        return error_response(422, exc.message)


async def audit(request: Request) -> Response:
    """``dondoc audit verify --plan PLAN --json``: is each hash chain of the plan intact?"""
    from web.audit import audit as run_audit

    plan_id = request.query_params.get("plan") or None
    return await _answer(request, lambda s, user: _json(run_audit(s, user, plan_id)))


async def openapi_document(request: Request) -> Response:
    return JSONResponse(openapi.document())


async def not_found(request: Request) -> Response:
    return error_response(404, f"No API endpoint {request.url.path}; see /api/v1/openapi.json.")


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
