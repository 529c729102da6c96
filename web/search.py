"""Search on the board (``/search?q=``, the box in the header) and in the API (``/api/v1/search``).

Both call ``engine.search.search_rows``: the same words find the same tasks
as ``dondoc search``. Reads are open to every signed-in user, as the
worklist's are (RELIABILITY.md); archived occurrences are left out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from engine.models import User
from engine.search import MAX_QUERY, search_rows, terms
from notifiers.naming import Namer
from web.render import signed_in_page


def _search(session: Session, user: User, namer: Namer, query: str) -> dict[str, Any]:
    rows = search_rows(session, query) if terms(query) else []
    return {"q": query, "asked": bool(terms(query)), "rows": rows}


async def search_page(request: Request) -> Response:
    query = request.query_params.get("q", "")[:MAX_QUERY]
    return await signed_in_page(request, "search.html", _search, query)


async def search_api(request: Request) -> Response:
    """``GET /api/v1/search?q=``: the rows of ``dondoc search --json``, a page at a time."""
    from web.api import _answer, _json
    from web.paging import envelope, sliced, window

    query = request.query_params.get("q", "")

    def work(session: Session, _user: User) -> Response:
        limit, offset = window(request)
        # A search without a word finds nothing (as the board's box), not a refusal.
        rows = search_rows(session, query) if terms(query) else []
        return _json(envelope(request, sliced(rows, limit, offset)))

    return await _answer(request, work)


routes = [Route("/search", search_page, methods=["GET"])]
api_routes = [Route("/search", search_api, methods=["GET"])]
