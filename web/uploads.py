"""Plans by upload: a coordinator uploads an annex, corrects the draft, and loads it.

- ``GET/POST /plans/upload``: the form; the annex is read by the importer
  (``tasks_catalog.uploads``) outside any transaction, and the draft is kept
  server-side for its uploader (``engine.plan_drafts``), so a reload or a
  later visit finds it.
- ``GET/POST /plans/drafts/{id}``: the draft as a table, the import report's
  points beside the rows they concern; the corrections are saved, and
  "load" hands the draft to ``dondoc catalog load``'s loader.

Who may upload and load is ``engine.authz.require_load_plan`` (a coordinator
of the province). The body limit of the upload is ``web.limits.UPLOAD_BODY``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

import workflows
from engine import authz
from engine.errors import DondocError, InvalidDefinition, InvalidInput
from engine.models import User
from engine.plan_drafts import PlanDraft, draft_of, save_draft, update_catalog
from notifiers.i18n import words
from notifiers.naming import Namer
from tasks_catalog.uploads import (
    RECURRENCES,
    SUFFIXES,
    agency_choices,
    import_upload,
    load_draft,
    unknown_names,
)
from web.draft_words import agency_names, points, worded
from web.render import error_page, refusal_page, render, signed_in_page, to_signin, user_view
from web.security import CSRF_FIELD, checked_form, lang_of
from web.store import FLASH_KEY, SIGNED_OUT, as_signed_in, pop_flash, run, save_flash

FIRST_YEAR, LAST_YEAR = 1990, 2100


def _province(user: User) -> str:
    return user.agency_code.split("/", 1)[0]


# ---------------------------------------------------------------- the upload form


def _upload(
    session: Session, user: User, namer: Namer, typed: dict[str, str] | None
) -> dict[str, Any]:
    from sqlalchemy import select

    mine = select(PlanDraft).where(PlanDraft.user_id == user.id).order_by(PlanDraft.id.desc())
    return {
        "suffixes": ", ".join(SUFFIXES),
        "accept": ",".join(SUFFIXES),
        "may_load": authz.can_load_plan(user, _province(user)),
        "province": _province(user),
        "drafts": list(session.scalars(mine)),
        "typed": typed or {},
    }


async def upload_page(request: Request) -> Response:
    return await signed_in_page(request, "upload.html", _upload, None)


def _year(value: str) -> int:
    value = value.strip()
    if not (value.isascii() and value.isdigit() and FIRST_YEAR <= int(value) <= LAST_YEAR):
        raise InvalidInput("bad_year", value=value[:20])
    return int(value)


async def upload_annex(request: Request) -> Response:
    form = await checked_form(request)
    try:
        return await _upload_annex(request, form)
    finally:
        # The upload's spooled file goes at once, whatever the answer.
        if form is not None:
            await form.close()


async def _upload_annex(request: Request, form: FormData | None) -> Response:
    w = words(lang_of(request))
    if form is None:
        return await error_page(request, 403, w("board.csrf"))
    annex = form.get("annex")
    typed = {"year": str(form.get("year", "")), "title": str(form.get("title", ""))}

    def allowed(session: Session, user: User) -> tuple[str, str]:
        province = _province(user)
        plan_id = f"{province}-{_year(typed['year'])}"
        authz.require_load_plan(user, province, plan_id)
        return province, plan_id

    try:
        who = await as_signed_in(request, allowed)
        if who is SIGNED_OUT:
            return to_signin(request)
        province, plan_id = who  # type: ignore[misc]
        if not isinstance(annex, UploadFile) or not annex.filename:
            raise InvalidInput("no_annex_file")
        data = await annex.read()
        result = await run_in_threadpool(
            import_upload,
            data,
            annex.filename,
            plan_id=plan_id,
            province=province,
            title=typed["title"],
        )
    except DondocError as exc:
        return await _upload_refused(request, exc, typed)
    unknown = unknown_names(result)
    report = {"points": points(result.report, province, unknown), "unknown": unknown}

    def keep(session: Session, user: User) -> int:
        name = annex.filename if isinstance(annex, UploadFile) else ""
        draft = save_draft(
            session, user, file_name=name or "", catalog=result.catalog, report=report
        )
        return draft.id

    draft_id = await as_signed_in(request, keep)
    return RedirectResponse(f"/plans/drafts/{draft_id}", status_code=303)


async def _upload_refused(request: Request, exc: DondocError, typed: dict[str, str]) -> Response:
    """The form again, with the refusal worded above it and what was typed kept."""
    lang = lang_of(request)
    message = worded(words(lang), exc)

    def work(session: Session, user: User) -> dict[str, Any]:
        namer = Namer.read(session, lang)
        return {"user": user_view(user, namer), "N": namer, **_upload(session, user, namer, typed)}

    context = await as_signed_in(request, work)
    if context is SIGNED_OUT:
        return to_signin(request)
    status = 403 if exc.code.startswith("not_allowed") else 422
    return render(request, "upload.html", {**context, "errors": message}, status)  # type: ignore[dict-item]


# ---------------------------------------------------------------- the draft


def _draft(session: Session, user: User, namer: Namer, draft_id: int, lang: str) -> dict[str, Any]:
    draft = draft_of(session, user, draft_id)
    catalog = draft.catalog
    unknown = dict(draft.report.get("unknown", {}))
    points = draft.report.get("points", [])
    by_task: dict[str, list[str]] = {}
    general = []
    for point in points:
        text = point["en" if lang == "en" else "vi"]
        if point.get("task"):
            by_task.setdefault(point["task"], []).append(text)
        else:
            general.append(text)
    choices = [
        (a.code, a.name_en if lang == "en" else a.name_vi)
        for a in agency_choices(str(catalog.get("province", "")))
    ]
    known = {code for code, _ in choices}
    return {
        "draft": draft,
        "plan": catalog,
        "tasks": catalog.get("tasks", []),
        "sections": {s["code"]: s["title"] for s in catalog.get("sections", [])},
        "by_task": by_task,
        "general": general,
        "choices": choices,
        "unknown": {c: n for c, n in unknown.items() if c not in known},
        "workflows": workflows.names(),
        "recurrences": RECURRENCES,
        "may_load": authz.can_load_plan(user, str(catalog.get("province", ""))),
        "untitled": untitled,
    }


def untitled(title: str) -> bool:
    """The importer's placeholder ("TODO: ...") or nothing: the plan needs its name first."""
    return not title.strip() or title.startswith("TODO")


def _draft_id(request: Request) -> int:
    raw = request.path_params["draft_id"]
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else -1


async def draft_page(request: Request) -> Response:
    return await signed_in_page(request, "draft.html", _draft, _draft_id(request), lang_of(request))


def corrected(catalog: dict[str, Any], form: FormData, known: set[str]) -> dict[str, Any]:
    """The draft with what the form changed: the plan's title, reference, issue day and period,
    and
    each task's title, agencies, window, recurrence and workflow."""
    plan = dict(catalog)
    for key in ("title_vi", "title_en", "legal_ref", "issued"):
        value = str(form.get(key, "")).strip()
        if value:
            plan[key] = value[:1000]
    if untitled(str(plan.get("title_en", ""))) and not untitled(str(plan.get("title_vi", ""))):
        # Until somebody translates it, the English board shows the plan's own name.
        plan["title_en"] = plan["title_vi"]
    start, end = str(form.get("period_start", "")).strip(), str(form.get("period_end", "")).strip()
    if start and end:
        plan["period"] = {"start": _year(start), "end": _year(end)}
    tasks = []
    for index, task in enumerate(catalog.get("tasks", [])):
        tasks.append(_corrected_task(dict(task), form, f"t{index}-", known))
    plan["tasks"] = tasks
    return plan


def _corrected_task(
    task: dict[str, Any], form: FormData, prefix: str, known: set[str]
) -> dict[str, Any]:
    title = str(form.get(prefix + "title", "")).strip()
    if title:
        task["title"] = title[:2000]
    for role in ("leads", "co"):
        if prefix + role in form:
            allowed = known | set(task.get(role, []))
            chosen = [str(v) for v in form.getlist(prefix + role) if str(v) in allowed]
            task[role] = list(dict.fromkeys(chosen))
    workflow = str(form.get(prefix + "workflow", ""))
    if workflow in workflows.names():
        task["workflow"] = workflow
    recurrence = str(form.get(prefix + "recurrence", ""))
    if recurrence in RECURRENCES:
        task["recurrence"] = recurrence
    start, end = (
        str(form.get(prefix + "start", "")).strip(),
        str(form.get(prefix + "end", "")).strip(),
    )
    if start or end:
        first = _year(start or end)
        task["window"] = {"start": first, "end": _year(end) if end else first}
    elif prefix + "start" in form:
        task.pop("window", None)
    return task


async def draft_form(request: Request) -> Response:
    draft_id = _draft_id(request)
    lang = lang_of(request)
    w = words(lang)
    form = await checked_form(request)
    if form is None:
        return await error_page(request, 403, w("board.csrf"))
    loading = form.get("action") == "load"

    def save(session: Session, user: User) -> None:
        draft = draft_of(session, user, draft_id)
        province = str(draft.catalog.get("province", ""))
        known = {a.code for a in agency_choices(province)}
        update_catalog(draft, corrected(draft.catalog, form, known))

    def load(session: Session, user: User) -> dict[str, Any]:
        draft = draft_of(session, user, draft_id)
        catalog = draft.catalog
        authz.require_load_plan(user, str(catalog.get("province", "")), str(catalog.get("id")))
        if untitled(str(catalog.get("title_vi", ""))):
            raise InvalidInput("plan_untitled", plan=str(catalog.get("id")))
        report = load_draft(session, catalog)
        session.delete(draft)
        flash = {
            "kind": "plan_loaded",
            "created": report.created,
            "unchanged": report.unchanged,
            "added": len(report.tasks_added),
            "updated": len(report.tasks_updated),
            "archived": len(report.tasks_archived),
        }
        request.session[FLASH_KEY] = save_flash(session, flash)
        return {"plan": report.plan_id}

    try:
        if await as_signed_in(request, save) is SIGNED_OUT:
            return to_signin(request)
        if not loading:
            request.session[FLASH_KEY] = await run(request, save_flash, {"kind": "draft_saved"})
            return RedirectResponse(f"/plans/drafts/{draft_id}", status_code=303)
        done = await as_signed_in(request, load)
    except DondocError as exc:
        if not isinstance(exc, InvalidDefinition | InvalidInput) or exc.code.startswith("no_"):
            return await refusal_page(request, exc)
        return await _draft_refused(request, draft_id, exc)
    return RedirectResponse(f"/plans/{done['plan']}", status_code=303)  # type: ignore[index]


async def _draft_refused(request: Request, draft_id: int, exc: DondocError) -> Response:
    lang = lang_of(request)

    def work(session: Session, user: User) -> dict[str, Any]:
        namer = Namer.read(session, lang)
        shown = _draft(session, user, namer, draft_id, lang)
        catalog, draft = shown["plan"], shown["draft"]
        names = agency_names(str(catalog.get("province", "")), draft.report.get("unknown", {}))
        return {
            "user": user_view(user, namer),
            "N": namer,
            "flash": pop_flash(session, request),
            **shown,
            "errors": worded(words(lang), exc, names[lang]),
        }

    context = await as_signed_in(request, work)
    if context is SIGNED_OUT:
        return to_signin(request)
    return render(request, "draft.html", context, 422)  # type: ignore[arg-type]


__all__ = ["CSRF_FIELD", "routes"]

routes = [
    Route("/plans/upload", upload_page, methods=["GET"]),
    Route("/plans/upload", upload_annex, methods=["POST"]),
    Route("/plans/drafts/{draft_id}", draft_page, methods=["GET"]),
    Route("/plans/drafts/{draft_id}", draft_form, methods=["POST"]),
]
