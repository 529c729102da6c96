"""The server-rendered board: plans, a plan, my agency, a task and its forms, the digest, the audit.

Handlers read with ``engine.views``, ask ``engine.authz`` what to offer and
change state only through ``engine.transition.advance``; every POST carries
the session's CSRF token. Every word comes from the message catalog
(``notifiers.i18n``) in the page's language, refusals included.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from engine import authz, status, views
from engine.errors import Conflict, DondocError, InvalidInput
from engine.lookup import get_plan, load_occurrence
from engine.models import Task, User
from engine.transition import advance
from engine.workdays import VIETNAM_TZ, local_time_text
from notifiers.i18n import LANGS, jinja_globals, words
from notifiers.render import COLOURS
from web import timeline
from web.api import status_for
from web.forms import field_input
from web.security import CSRF_FIELD, checked_form, csrf_token, lang_of
from web.store import SIGNED_OUT, as_signed_in

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


# Times are stored in UTC and shown in Asia/Ho_Chi_Minh.
templates.env.filters["local_time"] = local_time_text
# Overdue first, then due soon, then the rest of the open work, then what is settled.
_URGENCY = {"overdue": 0, "in-progress": 2, "not-started": 2, "suspended": 3}


def _user_view(user: User) -> dict[str, str]:
    return {"name": user.name, "agency": user.agency_code, "role": user.role}


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    lang = lang_of(request)
    base = {
        **jinja_globals(lang),
        "lang": lang,
        "csrf": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        "path": request.url.path,
        "user": None,
    }
    response = templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status_code
    )
    if request.query_params.get("lang") in LANGS:
        response.set_cookie("lang", lang, max_age=365 * 86400, httponly=True, samesite="lax")
    return response


def error_page(request: Request, status_code: int, message: str) -> Response:
    return render(request, "error.html", {"message": message}, status_code)


def refusal_page(request: Request, error: DondocError) -> Response:
    """An engine refusal as a page, worded in the page's language."""
    return error_page(request, status_for(error), words(lang_of(request)).error(error))


def _to_signin(request: Request) -> Response:
    target = quote(request.url.path, safe="/:@")
    return RedirectResponse(f"/signin?next={target}", status_code=303)


def _as_of(request: Request) -> dt.date:
    value = request.query_params.get("as_of")
    if not value:
        return views.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("bad_day", value=value[:40]) from None


async def _signed_in_page(request: Request, template: str, build: Any, *args: Any) -> Response:
    """Render ``template`` with ``build(session, user, *args)``; sign-in first if needed."""

    def work(session: Session, user: User) -> dict[str, Any]:
        return {"user": _user_view(user), **build(session, user, *args)}

    try:
        context = await as_signed_in(request, work)
    except DondocError as exc:
        return refusal_page(request, exc)
    if context is SIGNED_OUT:
        return _to_signin(request)
    return render(request, template, context)  # type: ignore[arg-type]


# ---------------------------------------------------------------- reading


def _plans(session: Session, user: User, request: Request) -> dict[str, Any]:
    return {
        "plans": views.plan_rows(session, as_of=_as_of(request)),
        "categories": _categories(),
        "colours": COLOURS,
    }


def _categories() -> list[str]:
    return [c.replace("_", "-") for c in status.CATEGORIES]


async def plans_page(request: Request) -> Response:
    return await _signed_in_page(request, "plans.html", _plans, request)


def _plan(session: Session, user: User, plan_id: str, request: Request) -> dict[str, Any]:
    plan = get_plan(session, plan_id)
    as_of = _as_of(request)
    agency = request.query_params.get("agency") or None
    wanted = request.query_params.get("status") or None
    everything = views.task_rows(session, plan_id=plan.id, as_of=as_of)
    rows = views.task_rows(
        session, plan_id=plan.id, agency=agency, status_filter=wanted, as_of=as_of
    )
    section_of = dict(
        session.execute(select(Task.code, Task.section).where(Task.plan_id == plan.id)).all()
    )
    titles = {s["code"]: s["title"] for s in plan.details.get("sections", [])}
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(section_of.get(row["code"], ""), []).append(row)
    agencies = sorted({a for r in everything for a in [*r["leads"], *r["co_agencies"]]})
    return {
        "plan": {
            "id": plan.id,
            "title": plan.title_en if lang_of(request) == "en" else plan.title_vi,
            "legal_ref": plan.legal_ref,
            "period": f"{plan.period_start}–{plan.period_end}",
            "responsible": plan.responsible_code,
        },
        "sections": [(code, titles.get(code, ""), items) for code, items in grouped.items()],
        "agencies": agencies,
        "filters": {"agency": agency or "", "status": wanted or ""},
        "statuses": list(views.STATUS_FILTERS),
        "timeline": timeline.build(rows, as_of, words(lang_of(request))),
    }


async def plan_page(request: Request) -> Response:
    return await _signed_in_page(
        request, "plan.html", _plan, request.path_params["plan_id"], request
    )


def _agency(session: Session, user: User, request: Request) -> dict[str, Any]:
    as_of = _as_of(request)
    rows = views.task_rows(session, agency=user.agency_code, as_of=as_of)
    for row in rows:
        soon = status.is_due_soon(
            row["status_category"].replace("-", "_"),
            due=dt.date.fromisoformat(row["due"]),
            as_of=as_of,
        )
        row["due_soon"] = soon
        row["urgency"] = 1 if soon else _URGENCY.get(row["status_category"], 4)
    rows.sort(key=lambda r: (r["urgency"], r["due"], r["ref"]))
    return {"rows": rows, "agency": user.agency_code}


async def agency_page(request: Request) -> Response:
    return await _signed_in_page(request, "agency.html", _agency, request)


def _task(session: Session, user: User, ref: str) -> dict[str, Any]:
    record = views.occurrence_record(session, ref)
    occ = load_occurrence(session, ref)
    offer = authz.offer(user, occ.task.plan, occ.task, archived=bool(occ.archived))
    return {
        "task": record,
        "field_input": field_input,
        "offer": offer,
        "transitions": record["allowed"] if offer.advance else [],
        "may_comment": offer.comment,
    }


async def task_page(request: Request) -> Response:
    return await _signed_in_page(request, "task.html", _task, request.path_params["ref"])


async def digest_preview(request: Request) -> Response:
    """The weekly digest exactly as its HTML e-mail would read (``dondoc digest --format html``)."""
    lang = lang_of(request)
    q = request.query_params

    def work(session: Session, user: User) -> str:
        from engine.digest import digest_data
        from notifiers.render import render as render_digest

        data = digest_data(
            session,
            plan_id=q.get("plan") or None,
            agency=q.get("agency") or user.agency_code,
            as_of=_as_of(request),
        )
        return render_digest("digest", "html", data, lang=lang)

    try:
        html = await as_signed_in(request, work)
    except DondocError as exc:
        return refusal_page(request, exc)
    if html is SIGNED_OUT:
        return _to_signin(request)
    return HTMLResponse(html)


def _audit(session: Session, user: User, plan_id: str, lang: str) -> dict[str, Any]:
    from engine.models import Plan
    from web.audit import audit

    plans = list(session.scalars(select(Plan.id).order_by(Plan.id)))
    return {"plans": plans, "plan_id": plan_id, "audit": audit(session, user, plan_id, lang)}


async def audit_page(request: Request) -> Response:
    """The coordinators' check of the hash-chained history: intact, or the first bad events."""
    plan_id = request.query_params.get("plan", "")
    return await _signed_in_page(request, "audit.html", _audit, plan_id, lang_of(request))


# ---------------------------------------------------------------- changing


def _fields(form: FormData) -> dict[str, str]:
    fields = {}
    for key, value in form.multi_items():
        if key.startswith("field_") and isinstance(value, str) and value.strip():
            fields[key.removeprefix("field_")] = value.strip()
    return fields


def _recorded_on(value: str) -> dt.datetime | None:
    """The form's "recorded on" day as ``dondoc advance --at DAY`` reads it: midnight, Vietnam time."""
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("bad_day", value=value[:40]) from None
    return dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM_TZ)


async def advance_form(request: Request) -> Response:
    ref = request.path_params["ref"]
    w = words(lang_of(request))
    form = await checked_form(request)
    if form is None:
        return error_page(request, 403, w("board.csrf"))
    version = str(form.get("version", ""))
    trigger, note = str(form.get("trigger", "")), str(form.get("note", ""))
    at, fields = str(form.get("at", "")).strip(), _fields(form)
    # Shown again (escaped by the template) when the engine refuses, so nothing typed is lost.
    typed = {"trigger": trigger, "note": note, "at": at, "fields": fields}

    def work(session: Session, user: User) -> None:
        expected = int(version) if version.isdigit() and len(version) < 10 else -1
        # Whoever may record a step on an earlier day is the engine's rule
        # (``authz.require_backdate``): the form sends what was typed.
        advance(
            session,
            user,
            ref,
            trigger,
            note=note,
            fields=fields,
            at=_recorded_on(at),
            expected_version=expected,
        )

    try:
        done = await as_signed_in(request, work)
    except Conflict:
        stale = w("board.stale")
        return await _task_with_error(request, ref, stale, 409, typed, stale=True)
    except DondocError as exc:
        return await _task_with_error(
            request, ref, w.error(exc, face="board"), status_for(exc), typed
        )
    if done is SIGNED_OUT:
        return _to_signin(request)
    return RedirectResponse(f"/tasks/{quote(ref, safe=':@')}?saved=1", status_code=303)


async def _task_with_error(
    request: Request,
    ref: str,
    message: str,
    status_code: int,
    typed: dict[str, Any],
    *,
    stale: bool = False,
) -> Response:
    def work(session: Session, user: User) -> dict[str, Any]:
        return {"user": _user_view(user), **_task(session, user, ref)}

    try:
        context = await as_signed_in(request, work)
    except DondocError as exc:
        return refusal_page(request, exc)
    if context is SIGNED_OUT:
        return _to_signin(request)
    page = {**context, "error": message, "stale": stale, "typed": typed}  # type: ignore[dict-item]
    return render(request, "task.html", page, status_code)


routes = [
    Route("/", plans_page, methods=["GET"]),
    Route("/agency", agency_page, methods=["GET"]),
    Route("/digest", digest_preview, methods=["GET"]),
    Route("/audit", audit_page, methods=["GET"]),
    Route("/plans/{plan_id}", plan_page, methods=["GET"]),
    Route("/tasks/{ref}", task_page, methods=["GET"]),
    Route("/tasks/{ref}/advance", advance_form, methods=["POST"]),
]
