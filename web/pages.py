"""The board's pages: the worklist, plans, a plan, my agency, a task, the digest, the audit.

Handlers read with ``engine`` read models, ask ``engine.authz`` what to offer
and render through ``web.render`` (the signed-in header, no-store, the
page's language). Changing a task is ``web.changes``'s.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from engine import attachments, authz, kpi, listing, selection, status, views
from engine.counts import plan_counts
from engine.errors import InvalidInput
from engine.fields import parse_day
from engine.lookup import get_plan, load_occurrence
from engine.models import Plan, Task, User
from engine.reference import plan_columns
from engine.reporting_periods import periods_of
from engine.succession import SuccessionBook
from engine.worklist import AGENCY_ROLES, Filters, named_agencies, worklist
from notifiers.i18n import words
from notifiers.naming import Namer
from notifiers.render import COLOURS, MARKS
from web import timeline
from web.forms import field_input
from web.paging import board_window, pager
from web.render import signed_in_page
from web.security import lang_of

# Days dondoc reads: a plan's time and a little past it, never an overflow.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def as_of(request: Request) -> dt.date:
    """``?as_of=`` (``2015-03-16`` or ``16/03/2015``), today when absent."""
    value = request.query_params.get("as_of", "").strip()
    if not value:
        return views.today()
    day = parse_day(value)
    if day is None:
        raise InvalidInput("bad_day", value=value[:40])
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(
            "day_out_of_range", day=day.isoformat(), first=FIRST_DAY.year, last=LAST_DAY.year
        )
    return day


def _categories() -> list[str]:
    return [c.replace("_", "-") for c in status.CATEGORIES]


def _int(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 4:
        raise InvalidInput("bad_year", value=value[:20])
    return int(value)


# ---------------------------------------------------------------- the worklist


def _worklist(
    session: Session, user: User, namer: Namer, request: Request, whole: bool = False
) -> dict[str, Any]:
    """The landing worklist, a page at a time (``whole`` for the exports: every row)."""
    q = request.query_params
    day = as_of(request)
    # An officer lands on his agency's work; anyone may widen the list.
    mine = user.role in ("officer", "contributor") and "agency" not in q
    filters = Filters(
        province=q.get("province") or None,
        plan=q.get("plan") or None,
        agency=(user.agency_code if mine else q.get("agency")) or None,
        agency_role=q.get("role") or None,
        year=_int(q.get("year")),
        status=q.get("status") or None,
    )
    limit, offset = board_window(request)
    listed = worklist(session, filters, day, limit=None if whole else limit, offset=offset)
    namer.expect(session, (r["last_change"]["actor"] for r in listed["rows"] if r["last_change"]))
    # The filter's choices: the plans' kept columns, not every plan as an object (issue 17).
    plans = plan_columns(session)
    provinces = sorted({p.province for p in plans})
    scope = _choice_scope(filters.province, user, provinces)
    book = SuccessionBook(session)
    holders: dict[str, str] = {}  # a few departments are responsible for hundreds of plans

    def offered(plan: Any) -> bool:
        # A province's plans: those it adopted, and those its departments took over in a
        # merger (Kon Tum's plan is Quảng Ngãi's too after 1/7/2025).
        code = plan.responsible_code
        if code not in holders:
            holders[code] = book.holder(code, day).split("/", 1)[0]
        return scope in (None, plan.province, holders[code]) or plan.id == filters.plan

    choices = [p for p in plans if offered(p)]
    if not choices and scope != filters.province:
        # The officer's own province has no plan (a ministry, a new agency): offer them all.
        scope, choices = None, list(plans)
    return {
        "listed": listed,
        "paging": pager(request, listed["total"], limit, offset, namer.lang),
        "as_of": day,
        "plans": choices,
        "choices_of": scope,
        "provinces": provinces,
        "agencies": sorted(
            (
                a
                for a in named_agencies(session, day)
                if _in_scope(a, scope) or a in (filters.agency, user.agency_code)
            ),
            key=namer.agency_text,
        ),
        "roles": AGENCY_ROLES,
        "statuses": list(views.STATUS_FILTERS),
        "filters": listed["filters"],
    }


def _choice_scope(chosen: str | None, user: User, provinces: list[str]) -> str | None:
    """Whose plans and agencies the filter offers: the province chosen, else the person's own,
    else every one (a ministry's officer). A national deployment has hundreds of plans and
    agencies; one list of them all could not be read (and was half of the page)."""
    if chosen in provinces:
        return chosen
    home = user.agency_code.split("/", 1)[0]
    return home if "/" in user.agency_code else None


def _in_scope(agency: str, scope: str | None) -> bool:
    return scope is None or "/" not in agency or agency.startswith(f"{scope}/")


async def worklist_page(request: Request) -> Response:
    return await signed_in_page(request, "worklist.html", _worklist, request)


# ---------------------------------------------------------------- plans


def _plans(session: Session, user: User, namer: Namer, request: Request) -> dict[str, Any]:
    day = as_of(request)
    limit, offset = board_window(request)
    # Counts and rates from the kept summaries (engine.counts): no occurrence is read.
    plans = views.plan_rows(session, as_of=day, limit=limit, offset=offset)
    rates = {p["id"]: kpi.Buckets.of_counts(p["by_status"]).as_dict() for p in plans}
    total = int(session.scalar(select(func.count()).select_from(Plan)) or 0)
    return {
        "plans": plans,
        "paging": pager(request, total, limit, offset, namer.lang),
        "rates": rates,
        "as_of": day,
        "categories": _categories(),
        "colours": COLOURS,
        "marks": MARKS,
    }


async def plans_page(request: Request) -> Response:
    return await signed_in_page(request, "plans.html", _plans, request)


def _plan(
    session: Session,
    user: User,
    namer: Namer,
    plan_id: str,
    request: Request,
    whole: bool = False,
) -> dict[str, Any]:
    """A plan's rows by section, a page at a time (``whole`` for the exports: every row)."""
    plan = get_plan(session, plan_id)
    day = as_of(request)
    agency = request.query_params.get("agency") or None
    wanted = request.query_params.get("status") or None
    limit, offset = board_window(request)
    rows: list[dict[str, Any]] = []
    next_offset: int | None = 0 if whole else offset
    # The export (``whole``) reads every page; the board shows the one asked for.
    while next_offset is not None:
        page = listing.task_page(
            session,
            plan_id=plan.id,
            agency=agency,
            status_filter=wanted,
            as_of=day,
            limit=listing.MAX_LIMIT if whole else limit,
            offset=next_offset,
        )
        rows += page.rows
        next_offset = page.next_offset if whole else None
    section_of = dict(
        session.execute(select(Task.code, Task.section).where(Task.plan_id == plan.id)).all()
    )
    titles = {s["code"]: s["title"] for s in plan.details.get("sections", [])}
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(section_of.get(row["code"], ""), []).append(row)
    agencies = sorted(named_agencies(session, day, plan.id), key=namer.agency_text)
    counted: dict[str, int] = dict(plan_counts(session, day, [plan.id]).get(plan.id) or {})
    rate = kpi.Buckets.of_counts({c.replace("_", "-"): n for c, n in counted.items()})
    lang = lang_of(request)
    return {
        "plan": {
            "id": plan.id,
            "title": plan.title_en if lang == "en" else plan.title_vi,
            "legal_ref": plan.legal_ref,
            "issued": plan.issued,
            "period": f"{plan.period_start}–{plan.period_end}",
            "responsible": plan.responsible_on(day),
            # The department the plan named, when a succession has since replaced it.
            "formerly": None
            if plan.responsible_on(day) == plan.responsible_code
            else plan.responsible_code,
        },
        "rate": rate.as_dict(),
        "paging": pager(request, page.total, limit, offset, namer.lang),
        "as_of": day,
        "sections": [(code, titles.get(code, ""), items) for code, items in grouped.items()],
        "agencies": agencies,
        "filters": {"agency": agency or "", "status": wanted or ""},
        "statuses": list(views.STATUS_FILTERS),
        "categories": _categories(),
        "colours": COLOURS,
        "marks": MARKS,
        "timeline": timeline.build(rows, day, words(lang)),
        # The annual reports the board offers (web.exports): the years begun by today.
        "report_years": list(range(plan.period_start, min(plan.period_end, day.year) + 1)),
        "periods": periods_of(plan),
    }


async def plan_page(request: Request) -> Response:
    return await signed_in_page(
        request, "plan.html", _plan, request.path_params["plan_id"], request
    )


# ---------------------------------------------------------------- one task


def _task(session: Session, user: User, namer: Namer, ref: str) -> dict[str, Any]:
    occ = load_occurrence(session, ref)
    record = views.occurrence_record(session, ref, occ=occ)
    offer = authz.offer(user, occ.task.plan, occ.task, archived=bool(occ.archived), occ=occ)
    plan = occ.task.plan
    from web.cycle_pages import task_cycle

    w = words(namer.lang)
    limits = attachments.settings()
    return {
        "cycle": task_cycle(session, user, occ, namer.lang),
        "task": record,
        "attachments": [{**a, "size_text": size_text(a["size"], w)} for a in record["attachments"]],
        "attach_accept": ",".join([*attachments.KINDS, *attachments.KINDS.values()]),
        "attach_limit_mb": limits.max_bytes // (1024 * 1024),
        "plan": {"id": plan.id, "legal_ref": plan.legal_ref, "title": plan.title_vi},
        "field_input": field_input,
        "offer": offer,
        "transitions": record["allowed"] if offer.advance else [],
        "may_comment": offer.comment,
        "today": views.today(),
    }


def size_text(size: int, w: Any) -> str:
    """A file's size as people read it: "350 KB", "1,2 MB" (Vietnamese decimal comma)."""
    if size < 1024 * 1024:
        return str(w("board.size_kb", size=max(1, round(size / 1024))))
    shown = f"{size / 1024 / 1024:.1f}"
    return str(w("board.size_mb", size=shown.replace(".", ",") if w.lang == "vi" else shown))


async def task_page(request: Request) -> Response:
    return await signed_in_page(request, "task.html", _task, request.path_params["ref"])


# ---------------------------------------------------------------- digest and audit


def _digest(session: Session, user: User, namer: Namer, request: Request) -> dict[str, Any]:
    """The weekly digest as the HTML e-mail reads, links to the board included, inside the board."""
    from markupsafe import Markup

    from engine.digest import digest_data
    from notifiers.render import render as render_digest

    q = request.query_params
    data = digest_data(
        session,
        plan_id=q.get("plan") or None,
        agency=q.get("agency") or user.agency_code,
        as_of=as_of(request),
    )
    base = f"{request.url.scheme}://{request.url.netloc}"
    body = render_digest("digest_body", "html", data, lang=namer.lang, base_url=base)
    return {"body": Markup(body)}  # noqa: S704 - rendered by the autoescaping notifier templates


async def digest_preview(request: Request) -> Response:
    return await signed_in_page(request, "digest.html", _digest, request)


def _audit(session: Session, user: User, namer: Namer, plan_id: str, lang: str) -> dict[str, Any]:
    from web.audit import audit

    plans = list(session.scalars(select(Plan).order_by(Plan.id)))
    return {"plans": plans, "plan_id": plan_id, "audit": audit(session, user, plan_id, lang)}


async def audit_page(request: Request) -> Response:
    """The coordinators' check of the hash-chained history: intact, or the first bad events."""
    plan_id = request.query_params.get("plan", "")
    return await signed_in_page(request, "audit.html", _audit, plan_id, lang_of(request))


def _agency(
    session: Session, user: User, namer: Namer, request: Request, whole: bool = False
) -> dict[str, Any]:
    """What the user's agency owes, most urgent first, a page at a time."""
    day = as_of(request)
    limit, offset = board_window(request)
    page = selection.agency_work(
        session, user.agency_code, day, limit=None if whole else limit, offset=offset
    )
    for row in page.rows:
        row["due_soon"] = status.is_due_soon(
            row["status_category"].replace("-", "_"),
            due=dt.date.fromisoformat(row["due"]),
            as_of=day,
        )
    return {
        "rows": page.rows,
        "agency": user.agency_code,
        "as_of": day,
        "paging": pager(request, page.total, limit, offset, namer.lang),
    }


async def agency_page(request: Request) -> Response:
    return await signed_in_page(request, "agency.html", _agency, request)


routes = [
    Route("/", worklist_page, methods=["GET"]),
    Route("/plans", plans_page, methods=["GET"]),
    Route("/agency", agency_page, methods=["GET"]),
    Route("/digest", digest_preview, methods=["GET"]),
    Route("/audit", audit_page, methods=["GET"]),
    Route("/plans/{plan_id}", plan_page, methods=["GET"]),
    Route("/tasks/{ref}", task_page, methods=["GET"]),
]
