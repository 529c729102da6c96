"""Search on the board (``/search?q=``, the box in the header) and in the API (``/api/v1/search``).

Both read a page of ``engine.search.search_page``: the same words find the
same tasks as ``dondoc search``. Reads are open to every signed-in user, as the
worklist's are (RELIABILITY.md); archived occurrences are left out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from engine.models import User
from engine.search import MAX_QUERY, search_page, terms
from notifiers.naming import Namer
from web.paging import board_window, pager
from web.render import signed_in_page


def _search(
    session: Session, user: User, namer: Namer, query: str, request: Request
) -> dict[str, Any]:
    limit, offset = board_window(request)
    rows: list[dict[str, Any]] = []
    total, capped = 0, False
    if terms(query):
        rows, total, capped = search_page(session, query, limit=limit, offset=offset)
    return {
        "q": query,
        "asked": bool(terms(query)),
        "rows": rows,
        "total": total,
        "capped": capped,
        "paging": pager(request, total, limit, offset, namer.lang),
    }


async def search_page_view(request: Request) -> Response:
    query = request.query_params.get("q", "")[:MAX_QUERY]
    return await signed_in_page(request, "search.html", _search, query, request)


async def search_api(request: Request) -> Response:
    """``GET /api/v1/search?q=``: the rows of ``dondoc search --json``, a page at a time."""
    from engine.listing import Page
    from web.api import _answer, _json
    from web.paging import envelope, window

    query = request.query_params.get("q", "")

    def work(session: Session, _user: User) -> Response:
        limit, offset = window(request)
        # A search without a word finds nothing (as the board's box), not a refusal.
        rows: list[dict[str, Any]] = []
        total = 0
        if terms(query):
            rows, total, _capped = search_page(session, query, limit=limit, offset=offset)
        return _json(envelope(request, Page(rows, total, limit, offset)))

    return await _answer(request, work)


routes = [Route("/search", search_page_view, methods=["GET"])]
api_routes = [Route("/search", search_api, methods=["GET"])]
