"""The follow-up cycle on the board: progress reports and extensions on a task's page, a period's page.

``task_cycle`` adds to the task page what ``engine.progress`` and
``engine.extensions`` hold for the occurrence, and the forms ``engine.authz``
offers the signed-in person. The forms post here and redirect to the task
page (post/redirect/get, the refusal in the flash, as ``web.changes`` does).
``/plans/{plan_id}/periods/{period}`` lists who has reported for a period and
who has not; the plan's coordinator closes the period there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from engine import authz, extensions, progress, views
from engine.cycle_models import ExtensionRequest, ProgressReport
from engine.errors import DondocError, InvalidInput
from engine.fields import parse_day
from engine.lookup import get_plan
from engine.models import Occurrence, User
from engine.reporting_periods import periods_of
from notifiers.i18n import words
from notifiers.naming import Namer
from web.render import error_page, signed_in_page, to_signin
from web.security import checked_form, lang_of
from web.store import FLASH_KEY, SIGNED_OUT, as_signed_in, run, save_flash


def _targets(occ: Occurrence, lang: str) -> list[dict[str, str]]:
    found = []
    for t in (occ.task.plan.details or {}).get("targets") or []:
        text = (t.get("text_en") if lang == "en" else None) or t.get("text_vi") or t["code"]
        found.append({"code": t["code"], "text": text, "unit": t.get("unit") or ""})
    return found


def task_cycle(session: Session, user: User, occ: Occurrence, lang: str) -> dict[str, Any]:
    """What the task page shows and offers of the follow-up cycle."""
    plan, task = occ.task.plan, occ.task
    today = views.today()
    periods = periods_of(plan)
    started = [p for p in periods if p.start <= today and p.end >= occ.window_start]
    current = started[-1] if started else (periods[0] if periods else None)
    rows = list(
        session.scalars(
            select(ProgressReport)
            .where(ProgressReport.occurrence_id == occ.id)
            .order_by(ProgressReport.id)
        )
    )
    by_period: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = by_period.setdefault(row.period, {"period": row.period, "lead": None, "co": {}})
        if row.role == "lead":
            entry["lead"] = row
        else:
            entry["co"][row.agency_code] = row
    asked = list(
        session.scalars(
            select(ExtensionRequest)
            .where(ExtensionRequest.occurrence_id == occ.id)
            .order_by(ExtensionRequest.id)
        )
    )
    pending = next((r for r in asked if r.status == "pending"), None)
    live = not occ.archived
    role = authz.report_role(user, plan, task, occ) if live else None
    return {
        "periods": [p for p in periods if p.end >= occ.window_start],
        "current_period": current.id if current else "",
        "reports": sorted(by_period.values(), key=lambda e: e["period"], reverse=True),
        "report_role": role[1] if role else None,
        "targets": _targets(occ, lang),
        "extensions": asked,
        "pending": pending,
        "may_request": live
        and pending is None
        and occ.phase in ("not_started", "active", "suspended")
        and authz.can_request_extension(user, plan, task, occ),
        "may_decide": live and pending is not None and authz.can_decide_cycle(user, plan),
    }


def _task_url(ref: str, anchor: str = "") -> str:
    return f"/tasks/{quote(ref, safe=':@')}" + (f"#{anchor}" if anchor else "")


def _day(value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    day = parse_day(value)
    if day is None:
        raise InvalidInput("bad_day", value=value[:40])
    return day


async def _posted(request: Request, trigger: Any, work: Any, back: str) -> Response:
    """Run ``work(session, user, form)`` for a checked form, flash the outcome, go ``back``.

    ``trigger`` names what was done (the history's word for it), or reads it from the form.
    """
    w = words(lang_of(request))
    form = await checked_form(request)
    if form is None:
        return await error_page(request, 403, w("board.csrf"))
    if callable(trigger):
        trigger = trigger(form)
    flash: dict[str, Any]
    try:
        done = await as_signed_in(request, work, form)
        flash = {"kind": "saved", "trigger": trigger}
    except DondocError as exc:
        flash = {"kind": "refused", "trigger": trigger, "error": w.error(exc, face="board")}
        done = None
    if done is SIGNED_OUT:
        return to_signin(request)
    request.session[FLASH_KEY] = await run(request, save_flash, flash)
    return RedirectResponse(back, status_code=303)


async def report_form(request: Request) -> Response:
    ref = request.path_params["ref"]

    def work(session: Session, user: User, form: Any) -> None:
        figures = {
            key.removeprefix("figure_"): str(value).strip()
            for key, value in form.multi_items()
            if key.startswith("figure_") and str(value).strip()
        }
        percent = str(form.get("percent", "")).strip()
        if percent and not (percent.isascii() and percent.isdigit() and len(percent) < 4):
            raise InvalidInput("bad_percent", value=percent[:20])
        progress.submit(
            session,
            user,
            ref,
            str(form.get("period", "")),
            progress.ReportInput(
                status_text=str(form.get("status_text", "")),
                percent=int(percent) if percent else None,
                figures=figures,
                difficulties=str(form.get("difficulties", "")),
                proposals=str(form.get("proposals", "")),
            ),
        )

    return await _posted(request, "report", work, _task_url(ref, "reports"))


async def extension_form(request: Request) -> Response:
    ref = request.path_params["ref"]

    def work(session: Session, user: User, form: Any) -> None:
        until = _day(str(form.get("until", "")))
        if until is None:
            raise InvalidInput("bad_day", value="")
        extensions.request(session, user, ref, until, str(form.get("reason", "")))

    return await _posted(request, "extension_request", work, _task_url(ref, "extensions"))


async def decision_form(request: Request) -> Response:
    ref = request.path_params["ref"]

    def work(session: Session, user: User, form: Any) -> None:
        until = _day(str(form.get("until", "")))
        decision, reason = str(form.get("decision", "")), str(form.get("reason", ""))
        extensions.decide(session, user, ref, decision, due=until, reason=reason)

    def trigger(form: Any) -> str:
        return "extension_refused" if form.get("decision") == "refuse" else "extend"

    return await _posted(request, trigger, work, _task_url(ref, "extensions"))


# ---------------------------------------------------------------- a period's page


def _period(
    session: Session, user: User, namer: Namer, plan_id: str, period_id: str, request: Request
) -> dict[str, Any]:
    plan = get_plan(session, plan_id)
    found, states = progress.period_status(session, plan.id, period_id)
    lang = lang_of(request)
    return {
        "plan": {
            "id": plan.id,
            "legal_ref": plan.legal_ref,
            "title": plan.title_en if lang == "en" else plan.title_vi,
        },
        "period": found,
        "periods": periods_of(plan),
        "states": states,
        "titles": {
            o.ref: (o.task.code, o.year, o.task.title) for o in _occurrences(session, states)
        },
        "reported": sum(1 for s in states if s.reported),
        "closed": progress.is_closed(session, plan.id, found.id),
        "may_close": authz.can_decide_cycle(user, plan),
    }


def _occurrences(session: Session, states: list[progress.ReportState]) -> list[Occurrence]:
    ids = [s.occurrence_id for s in states]
    if not ids:
        return []
    query = select(Occurrence).where(Occurrence.id.in_(ids)).options(selectinload(Occurrence.task))
    return list(session.scalars(query))


async def period_page(request: Request) -> Response:
    p = request.path_params
    return await signed_in_page(request, "period.html", _period, p["plan_id"], p["period"], request)


async def close_form(request: Request) -> Response:
    p = request.path_params
    plan_id, period_id = p["plan_id"], p["period"]

    def work(session: Session, user: User, _form: Any) -> None:
        progress.close_period(session, user, plan_id, period_id)

    back = f"/plans/{quote(plan_id)}/periods/{quote(period_id)}"
    return await _posted(request, "close_period", work, back)


routes = [
    Route("/tasks/{ref}/report", report_form, methods=["POST"]),
    Route("/tasks/{ref}/extension", extension_form, methods=["POST"]),
    Route("/tasks/{ref}/extension/decision", decision_form, methods=["POST"]),
    Route("/plans/{plan_id}/periods/{period}", period_page, methods=["GET"]),
    Route("/plans/{plan_id}/periods/{period}/close", close_form, methods=["POST"]),
]
