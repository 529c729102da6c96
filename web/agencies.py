"""The agencies of my province on the board: names and contact addresses, for coordinators.

The rules (who may edit, an ended agency is read-only, the webhook's board
rule) are ``engine.directory.edit_agency``'s.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from engine import views
from engine.authz import require_manage_people
from engine.directory import edit_agency
from engine.models import Agency, User
from notifiers.naming import Namer
from web.people import _act, _text
from web.render import signed_in_page


def _agencies(session: Session, user: User, namer: Namer) -> dict[str, Any]:
    province = user.agency.province
    require_manage_people(user, province)
    today = views.today()
    rows = session.scalars(select(Agency).where(Agency.province == province))
    listed = [
        {
            "code": a.code,
            "shown": namer.agency_text(a.code),
            "name_vi": a.name_vi,
            "name_en": a.name_en,
            "email": a.email or "",
            "webhook": a.webhook or "",
            "ended": a.valid_until is not None and a.valid_until < today,
            "until": a.valid_until,
        }
        for a in rows
    ]
    listed.sort(key=lambda a: (a["ended"], a["shown"]))
    return {"agencies": listed}


async def agencies_page(request: Request) -> Response:
    return await signed_in_page(request, "agencies.html", _agencies)


async def edit(request: Request) -> Response:
    def work(session: Session, user: User, form: FormData) -> None:
        edit_agency(
            session,
            user,
            _text(form, "code"),
            name_vi=_text(form, "name_vi"),
            name_en=_text(form, "name_en"),
            email=_text(form, "email"),
            webhook=_text(form, "webhook"),
        )

    return await _act(request, "/agencies", "board.agency_saved", work)


routes = [
    Route("/agencies", agencies_page, methods=["GET"]),
    Route("/agencies", edit, methods=["POST"]),
]
