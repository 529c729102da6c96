"""The board's figures page (``/stats``) and the periodic report's Word export.

``/stats`` asks ``engine.stats`` what ``dondoc stats`` prints, with the
same filters (plan, agency, province, period); ``/plans/{plan}/report``
sends the department's report of a period as ``dondoc report periodic
--docx`` writes it. Anyone signed in may read both, as they read the plans.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from engine.errors import DondocError, InvalidInput
from engine.models import Plan, User
from engine.periodic import periodic_report
from engine.stats import Question, stats
from notifiers.docx_report import document_bytes, read_template
from notifiers.i18n import words
from notifiers.naming import Namer
from web.pages import as_of
from web.render import refusal_page, signed_in_page, to_signin
from web.security import lang_of
from web.store import SIGNED_OUT, as_signed_in

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_SAFE_NAME = re.compile(r"[^a-z0-9-]")


def _periods(plans: list[Plan], lang: str) -> dict[str, str]:
    """Every period of the plans, newest first, with its name ("6 tháng đầu năm 2018")."""
    w = words(lang)
    if not plans:
        return {}
    years = range(min(p.period_start for p in plans), max(p.period_end for p in plans) + 1)
    return {
        key: w(name, year=year)
        for year in reversed(years)
        for key, name in ((str(year), "board.period_year"), (f"{year}-H1", "board.period_half"))
    }


def _stats(session: Session, user: User, namer: Namer, request: Request) -> dict[str, Any]:
    q = request.query_params
    plans = list(session.scalars(select(Plan).order_by(Plan.id)))
    question = Question(
        plan=q.get("plan") or None,
        agency=q.get("agency") or None,
        province=q.get("province") or None,
        period=q.get("period") or None,
        as_of=None if q.get("period") else as_of(request),
    )
    data = stats(session, question)
    provinces = sorted({p.province for p in plans})
    leads = sorted(data["by_agency"], key=namer.agency_text)
    return {
        "data": data,
        "question": question,
        "plans": plans,
        "legal_ref": {p.id: p.legal_ref for p in plans},
        "provinces": [(slug, namer.province(slug)) for slug in provinces],
        "leads": leads,
        "periods": _periods(plans, lang_of(request)),
        "buckets": ("completed_on_time", "completed_late", "within_deadline", "overdue"),
    }


async def stats_page(request: Request) -> Response:
    return await signed_in_page(request, "stats.html", _stats, request)


async def report_docx(request: Request) -> Response:
    """The periodic report of ``?period=`` as a Word draft (DONDOC_REPORT_TEMPLATE applies)."""
    import os
    from pathlib import Path

    plan_id = request.path_params["plan_id"]
    period = request.query_params.get("period", "")
    lang = lang_of(request)
    template_file = os.environ.get("DONDOC_REPORT_TEMPLATE")

    def work(session: Session, _user: User) -> bytes:
        template = read_template(Path(template_file)) if template_file else None
        return document_bytes(periodic_report(session, plan_id, period), lang=lang,
                              template=template)  # fmt: skip

    try:
        if not period:
            raise InvalidInput("bad_period", value="")
        body = await as_signed_in(request, work)
    except DondocError as exc:
        return await refusal_page(request, exc)
    if body is SIGNED_OUT:
        return to_signin(request)
    name = f"bao-cao-{_SAFE_NAME.sub('', plan_id)}-{_SAFE_NAME.sub('', period.lower())}.docx"
    return Response(
        body,
        media_type=DOCX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


routes = [
    Route("/stats", stats_page, methods=["GET"]),
    Route("/plans/{plan_id}/report", report_docx, methods=["GET"]),
]
