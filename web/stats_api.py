"""``GET /api/v1/stats``: ``dondoc stats --json`` over HTTP (``engine.stats``)."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from engine.models import User
from engine.stats import Question, stats
from web.api import _answer, _day_or_none, _json


async def get_stats(request: Request) -> Response:
    day = _day_or_none(request)
    if isinstance(day, Response):
        return day
    q = request.query_params
    question = Question(
        plan=q.get("plan") or None,
        agency=q.get("agency") or None,
        province=q.get("province") or None,
        period=q.get("period") or None,
        as_of=day,
    )

    def work(session: Session, _user: User) -> Response:
        return _json(stats(session, question))

    return await _answer(request, work)


routes = [Route("/stats", get_stats, methods=["GET"])]
