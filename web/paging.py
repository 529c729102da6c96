"""Pages of the API's lists: ``limit`` and ``offset`` in, ``items``, ``total`` and ``next`` out.

Every list of ``/api/v1`` answers one page (``engine.listing.DEFAULT_LIMIT``
rows unless ``limit`` asks for another size, at most ``MAX_LIMIT``) in an
envelope ``{"items": [...], "total": N, "limit": L, "offset": O, "next":
"/api/v1/...?offset=..."}``; ``next`` is null on the last page.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from engine.errors import InvalidInput
from engine.listing import MAX_LIMIT, MAX_OFFSET, Page, check_window


def window(request: Request) -> tuple[int, int]:
    """The ``limit`` and ``offset`` a request asks for, checked."""
    q = request.query_params
    values: dict[str, int | None] = {}
    for name in ("limit", "offset"):
        raw = q.get(name) or ""
        try:
            values[name] = int(raw) if raw else None
        except ValueError:
            if name == "limit":
                raise InvalidInput("bad_page_limit", limit=raw[:20], most=MAX_LIMIT) from None
            raise InvalidInput("bad_page_offset", offset=raw[:20], most=MAX_OFFSET) from None
    return check_window(values["limit"], values["offset"])


def sliced(rows: list[Any], limit: int, offset: int) -> Page:
    """A page of a list read whole (plans, escalations: bounded by plans, not occurrences)."""
    return Page(rows[offset : offset + limit], len(rows), limit, offset)


def envelope(request: Request, page: Page) -> dict[str, Any]:
    nxt = page.next_offset
    link = None
    if nxt is not None:
        url = request.url.include_query_params(offset=nxt, limit=page.limit)
        link = f"{url.path}?{url.query}"
    return {
        "items": page.rows,
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
        "next": link,
    }
