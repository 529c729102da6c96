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


# ---------------------------------------------------------------- the board's pages

#: Rows a board list shows at a time (``?page=N`` picks which).
BOARD_PAGE_SIZE = 50


def board_window(request: Request) -> tuple[int, int]:
    """The ``limit`` and ``offset`` of ``?page=N`` (1 when absent or not a page number:
    an old or hand-typed link lands on the first page rather than on an error)."""
    raw = request.query_params.get("page", "")
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else 1
    return BOARD_PAGE_SIZE, (max(1, number) - 1) * BOARD_PAGE_SIZE


def pager(request: Request, total: int, limit: int, offset: int, lang: str) -> dict[str, Any]:
    """What the page links (``_pager.html``) show: rows shown of how many, and where to go."""
    pages = max(1, -(-total // limit))
    number = offset // limit + 1

    def link(n: int) -> str:
        url = request.url.include_query_params(page=n)
        return f"{url.path}?{url.query}"

    def shown(n: int) -> str:
        # Vietnamese groups thousands with a dot, English with a comma.
        text = f"{n:,}"
        return text.replace(",", ".") if lang == "vi" else text

    return {
        "total": shown(total),
        "first": shown(min(offset + 1, total)),
        "last": shown(min(offset + limit, total)),
        "page": shown(number),
        "pages": shown(pages),
        "many": pages > 1,
        "empty": total == 0,
        "first_link": link(1) if number > 1 else None,
        "prev_link": link(number - 1) if number > 1 else None,
        "next_link": link(number + 1) if number < pages else None,
        "last_link": link(pages) if number < pages else None,
    }
