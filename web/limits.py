"""What a request may carry, enforced before any page or API handler reads it.

- A body larger than the limit (64 KiB for the API, 256 KiB for the board's
  forms, 8 MiB for an annex uploaded to make a plan) is refused with 413 as soon as ``Content-Length`` says so, or while
  it streams in, before authentication and before any parsing: a 400 MB body
  used to be read whole first.
- A NUL in the path or the query string (``?plan=%00``) is refused with 400:
  PostgreSQL cannot compare such a string and answered with a 500.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_BODY = 64 * 1024
BOARD_BODY = 256 * 1024
# An annex uploaded to make a plan (web.uploads): a long .docx or .pdf, not a scan archive.
UPLOAD_BODY = 8 * 1024 * 1024
LARGER_BODIES = {"/plans/upload": UPLOAD_BODY}


class _TooLarge(Exception):
    """The body went past its limit while streaming in."""


class RequestLimits:
    """Refuses over-long bodies and NULs in the address before the application sees them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = API_BODY if scope["path"].startswith("/api/") else BOARD_BODY
        limit = LARGER_BODIES.get(scope["path"], limit)
        if "\x00" in scope["path"] or b"\x00" in unquote_to_bytes(scope["query_string"]):
            await _refuse(scope, receive, send, 400, "nul_in_address", {})
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared and (not declared.isdigit() or len(declared) > 12 or int(declared) > limit):
            await _refuse(scope, receive, send, 413, "body_too_large", {"limit": limit})
            return
        taken = 0
        started = False

        async def limited() -> Message:
            nonlocal taken
            message = await receive()
            if message["type"] == "http.request":
                taken += len(message.get("body", b""))
                if taken > limit:
                    raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except _TooLarge:
            if started:  # pragma: no cover - handlers read the body before answering
                raise
            await _refuse(scope, receive, send, 413, "body_too_large", {"limit": limit})


async def _refuse(
    scope: Scope, receive: Receive, send: Send, status: int, code: str, facts: dict[str, int]
) -> None:
    response = await refusal(Request(scope, receive), status, code, facts)
    await response(scope, receive, send)


async def refusal(request: Request, status: int, code: str, facts: dict[str, int]) -> Response:
    """The refusal as the API (JSON) or the board (a page) words it."""
    from notifiers.i18n import words
    from web import api
    from web.render import error_page
    from web.security import lang_of

    if request.url.path.startswith("/api/"):
        return api.refusal(request, api.ApiError(status, code, **facts))
    return await error_page(request, status, words(lang_of(request))(f"board.{code}", **facts))
