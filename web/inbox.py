"""My inbox on the board: what concerns me since my last visit (``engine.inbox``); opening it reads it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from engine.inbox import LIST_LIMIT, already_read, open_inbox
from engine.models import User
from notifiers.naming import Namer
from web.render import signed_in_page


def _inbox(session: Session, user: User, namer: Namer) -> dict[str, Any]:
    earlier = already_read(session, user)
    items = open_inbox(session, user)
    return {"items": items, "earlier": earlier, "limit": LIST_LIMIT}


async def inbox_page(request: Request) -> Response:
    return await signed_in_page(request, "inbox.html", _inbox)


routes = [Route("/inbox", inbox_page, methods=["GET"])]
