"""Every list of the board as a file: .xlsx and .csv of a filtered list, the annual report.

``/export/worklist.xlsx?…`` takes the worklist's own filters (the page links
to it with the address it was shown with), ``/export/plans/{id}.csv?…`` the
plan page's, ``/export/agency.xlsx`` the agency page's. Each is built from
the same read as its page (``web.pages``), worded as the page words it: the
headings of its columns, agencies and plans by name, in the reader's
language. The layout and the defusing of formula-looking cells are
``notifiers.table_export``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from engine.errors import DondocError, NotFound
from engine.models import User
from notifiers.i18n import Words
from notifiers.naming import Namer
from notifiers.table_export import FORMATS, table_bytes
from web import pages
from web.files import disposition
from web.render import refusal_page, to_signin
from web.security import lang_of
from web.store import SIGNED_OUT, as_signed_in

Table = tuple[str, list[str], list[list[Any]]]

_ROW_HEADINGS = (
    "board.task",
    "board.state",
    "board.status",
    "board.window",
    "board.leads",
    "board.co_agencies",
)
_WORKLIST_HEADINGS = (
    "board.task",
    "board.plan",
    "board.state",
    "board.lateness",
    "board.leads",
    "board.co_agencies",
    "board.escalation_level",
    "board.last_change",
)


def _task(namer: Namer, row: dict[str, Any]) -> str:
    return f"{namer.occurrence(row['code'], row['year'])}. {row['title']}"


def _rows_table(namer: Namer, w: Words, rows: list[dict[str, Any]]) -> list[list[Any]]:
    """The rows of the plan and agency pages (``_rows.html``), cell for cell."""
    return [
        [
            _task(namer, r),
            w.state(r["workflow"], r["state"]),
            w.status(r["status_category"])
            + (f", {w.status('due-soon')}" if r.get("due_soon") else ""),
            f"{namer.date(r['start'])} – {namer.date(r['due'])}",
            namer.agencies_text(r["leads"]),
            namer.agencies_text(r["co_agencies"]),
        ]
        for r in rows
    ]


def _lateness(w: Words, namer: Namer, r: dict[str, Any]) -> str:
    if r["status_category"] == "overdue":
        late = w.plural("board.working_days_overdue", r["working_days_overdue"])
    else:
        late = w.plural("board.days_left", r["days_left"])
    return f"{late}\n{w('board.due_on', day=namer.date(r['due']))}"


def _worklist_table(namer: Namer, w: Words, rows: list[dict[str, Any]]) -> list[list[Any]]:
    """The worklist's rows (``worklist.html``), cell for cell."""
    table = []
    for r in rows:
        change = r.get("last_change")
        table.append(
            [
                _task(namer, r),
                r["legal_ref"],
                w.state(r["workflow"], r["state"]),
                _lateness(w, namer, r),
                namer.agencies_text(r["leads"]),
                namer.agencies_text(r["co_agencies"]),
                w("board.level_n", level=r["level"]) if r.get("level") else w("board.none"),
                f"{namer.person(change['actor'])}\n{namer.moment(change['at'])}"
                if change
                else w("board.no_change_yet"),
            ]
        )
    return table


def worklist_table(session: Session, user: User, namer: Namer, request: Request) -> Table:
    data = pages._worklist(session, user, namer, request, whole=True)
    w = namer.w
    return (
        w("board.worklist"),
        [w(k) for k in _WORKLIST_HEADINGS],
        _worklist_table(namer, w, data["listed"]["rows"]),
    )


def plan_table(session: Session, user: User, namer: Namer, request: Request) -> Table:
    data = pages._plan(session, user, namer, request.path_params["plan_id"], request, whole=True)
    rows = [row for _code, _title, items in data["sections"] for row in items]
    w = namer.w
    return data["plan"]["legal_ref"], [w(k) for k in _ROW_HEADINGS], _rows_table(namer, w, rows)


def agency_table(session: Session, user: User, namer: Namer, request: Request) -> Table:
    data = pages._agency(session, user, namer, request, whole=True)
    w = namer.w
    return (
        namer.agency_text(data["agency"]),
        [w(k) for k in _ROW_HEADINGS],
        _rows_table(namer, w, data["rows"]),
    )


def _download(data: bytes, media_type: str, name: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": disposition(name), "Cache-Control": "private, no-store"},
    )


async def _export(request: Request, build: Callable[..., Table], stem: str) -> Response:
    fmt = request.path_params["fmt"]
    lang = lang_of(request)

    def work(session: Session, user: User) -> Table:
        if fmt not in FORMATS:
            raise NotFound("no_export_format", format=fmt[:10])
        return build(session, user, Namer.read(session, lang), request)

    try:
        made = await as_signed_in(request, work)
    except DondocError as exc:
        return await refusal_page(request, exc)
    if made is SIGNED_OUT:
        return to_signin(request)
    assert isinstance(made, tuple)
    title, headings, rows = made
    day = pages.as_of(request).isoformat()
    return _download(table_bytes(fmt, title, headings, rows), FORMATS[fmt], f"{stem}-{day}.{fmt}")


async def worklist_export(request: Request) -> Response:
    return await _export(request, worklist_table, "worklist")


async def plan_export(request: Request) -> Response:
    return await _export(request, plan_table, request.path_params["plan_id"][:80])


async def agency_export(request: Request) -> Response:
    return await _export(request, agency_table, "agency")


async def report_export(request: Request) -> Response:
    """``/export/report.xlsx?plan=…&year=…``: the annual report as ``dondoc report annual --xlsx``.

    (The official .docx of the report goes beside it, ``/export/report.docx``.)
    """
    from engine.report import annual_report
    from notifiers.spreadsheet import xlsx_bytes

    plan_id = request.query_params.get("plan", "")
    year = request.query_params.get("year", "")
    lang = lang_of(request)

    def work(session: Session, user: User) -> dict[str, Any]:
        return annual_report(session, plan_id, pages._int(year) or 0)

    try:
        report = await as_signed_in(request, work)
    except DondocError as exc:
        return await refusal_page(request, exc)
    if report is SIGNED_OUT:
        return to_signin(request)
    assert isinstance(report, dict)
    name = f"{plan_id[:80]}-{year}.xlsx"
    return _download(xlsx_bytes(report, lang=lang), FORMATS["xlsx"], name)


routes = [
    Route("/export/worklist.{fmt}", worklist_export, methods=["GET"]),
    Route("/export/agency.{fmt}", agency_export, methods=["GET"]),
    Route("/export/plans/{plan_id}.{fmt}", plan_export, methods=["GET"]),
    Route("/export/report.xlsx", report_export, methods=["GET"]),
]
