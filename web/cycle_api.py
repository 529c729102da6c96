"""The follow-up cycle over the REST API: progress reports, closing a period, extensions.

Routes (under ``/api/v1``), each one engine call, refusals as in ``web.api``:

- ``POST /tasks/{ref}/reports`` ``{"period", "status_text", "percent"?, "figures"?,
  "difficulties"?, "proposals"?, "at"?}`` → 201, the report version recorded;
- ``GET /plans/{plan}/periods/{period}/reports[?as_of=]`` → who reported, who has not;
- ``POST /plans/{plan}/periods/{period}/close`` → the closure;
- ``POST /tasks/{ref}/extensions`` ``{"until", "reason"}`` → 201, the request;
- ``POST /tasks/{ref}/extensions/decision`` ``{"decision": "approve"|"refuse",
  "until"?, "reason"?}`` → the decided request;
- ``GET /extensions[?plan=&status=]`` → requests, newest first.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from engine import extensions, progress
from engine.days import supported
from engine.errors import InvalidInput
from engine.models import User
from engine.text import excerpt
from web.api import MAX_BODY, ApiError, _answer, _at, _day, _json, _too_deep


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ApiError(413, "body_too_large", limit=MAX_BODY)
    if _too_deep(raw):
        raise ApiError(422, "body_not_object")
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(422, "body_not_json") from None
    if not isinstance(body, dict):
        raise ApiError(422, "body_not_object")
    return body


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApiError(422, "value_not_text", name=name)
    return value


def _date(body: dict[str, Any], name: str) -> dt.date | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ApiError(422, "value_not_text", name=name)
    try:
        return supported(dt.date.fromisoformat(value))
    except ValueError:
        raise InvalidInput("bad_day", value=excerpt(value, 40)) from None


def _report_input(body: dict[str, Any]) -> progress.ReportInput:
    percent = body.get("percent")
    if percent is not None and (isinstance(percent, bool) or not isinstance(percent, int)):
        raise InvalidInput("bad_percent", value=excerpt(str(percent), 20))
    figures = body.get("figures") or {}
    if not isinstance(figures, dict) or not all(
        isinstance(v, int | float | str) and not isinstance(v, bool) for v in figures.values()
    ):
        raise ApiError(422, "value_not_text", name="figures")
    return progress.ReportInput(
        status_text=_text(body, "status_text"),
        percent=percent,
        figures={str(k): v for k, v in figures.items()},
        difficulties=_text(body, "difficulties"),
        proposals=_text(body, "proposals"),
    )


async def submit_report(request: Request) -> Response:
    ref = request.path_params["ref"]
    problem: Exception | None = None
    try:
        body = await _body(request)
        period = _text(body, "period")
        report = _report_input(body)
        at = _at(body.get("at"))
    except (ApiError, InvalidInput) as exc:
        problem = exc

    def work(session: Session, user: User) -> Response:
        if problem is not None:  # told only once the caller is known
            raise problem
        row = progress.submit(session, user, ref, period, report, at=at)
        return _json({"ref": row.occurrence.ref, **progress.report_dict(row)}, status=201)

    return await _answer(request, work)


async def period_reports(request: Request) -> Response:
    plan_id, period_id = request.path_params["plan"], request.path_params["period"]

    def work(session: Session, _user: User) -> Response:
        found, states = progress.period_status(session, plan_id, period_id, _day(request))
        return _json(
            {"period": found.as_dict(), "occurrences": [progress.state_dict(x) for x in states]}
        )

    return await _answer(request, work)


async def close_period(request: Request) -> Response:
    plan_id, period_id = request.path_params["plan"], request.path_params["period"]

    def work(session: Session, user: User) -> Response:
        row = progress.close_period(session, user, plan_id, period_id)
        return _json(
            {
                "plan": row.plan_id,
                "period": row.period,
                "closed_by": row.closed_by,
                "closed_at": row.closed_at.isoformat(),
            }
        )

    return await _answer(request, work)


async def request_extension(request: Request) -> Response:
    ref = request.path_params["ref"]
    problem: Exception | None = None
    try:
        body = await _body(request)
        until, reason = _date(body, "until"), _text(body, "reason")
    except (ApiError, InvalidInput) as exc:
        problem = exc

    def work(session: Session, user: User) -> Response:
        if problem is not None:
            raise problem
        if until is None:
            raise InvalidInput("bad_day", value="")
        row = extensions.request(session, user, ref, until, reason)
        return _json(extensions.request_dict(row, row.occurrence.ref), status=201)

    return await _answer(request, work)


async def decide_extension(request: Request) -> Response:
    ref = request.path_params["ref"]
    problem: Exception | None = None
    try:
        body = await _body(request)
        decision, until, reason = (
            _text(body, "decision"),
            _date(body, "until"),
            _text(body, "reason"),
        )
    except (ApiError, InvalidInput) as exc:
        problem = exc

    def work(session: Session, user: User) -> Response:
        if problem is not None:
            raise problem
        row = extensions.decide(session, user, ref, decision, due=until, reason=reason)
        return _json(extensions.request_dict(row, row.occurrence.ref))

    return await _answer(request, work)


async def list_extensions(request: Request) -> Response:
    plan_id = request.query_params.get("plan") or None
    status = request.query_params.get("status") or None

    def work(session: Session, _user: User) -> Response:
        rows = extensions.listing(session, plan_id, status)
        return _json([extensions.request_dict(r, r.occurrence.ref) for r in rows])

    return await _answer(request, work)


routes = [
    Route("/tasks/{ref}/reports", submit_report, methods=["POST"]),
    Route("/plans/{plan}/periods/{period}/reports", period_reports, methods=["GET"]),
    Route("/plans/{plan}/periods/{period}/close", close_period, methods=["POST"]),
    Route("/tasks/{ref}/extensions", request_extension, methods=["POST"]),
    Route("/tasks/{ref}/extensions/decision", decide_extension, methods=["POST"]),
    Route("/extensions", list_extensions, methods=["GET"]),
]
