"""Attached files over HTTP: reading them from a posted form, and handing them back.

A form or a multipart API request may carry files (``engine.attachments``):
every file part is taken, whatever its field's name, so that a file is never
dropped in silence. A file is served only to whoever may see its task
(``engine.authz.can_see``), always as a download (``Content-Disposition:
attachment``, with the RFC 5987 ``filename*`` for Vietnamese names) and
with the type its content was checked to be, never sniffed by the browser.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from engine.attachments import MAX_FILES, Found, Upload, open_attachment, settings
from engine.errors import DondocError, NotFound
from engine.models import User
from web.render import refusal_page, to_signin
from web.store import SIGNED_OUT, as_signed_in

SHA256 = re.compile(r"^[0-9a-f]{64}$")


async def uploads_of(form: FormData) -> list[Upload]:
    """The files of a posted form (an empty file input sends a nameless, empty part: skipped)."""
    found = []
    for _key, value in form.multi_items():
        if isinstance(value, UploadFile):
            data = await value.read()
            await value.close()
            if value.filename or data:
                found.append(Upload(value.filename or "", data))
    return found


def disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact UTF-8 one (RFC 5987, RFC 6266)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"[^A-Za-z0-9._ -]", "_", plain).strip() or "file"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(found: Found) -> Response:
    return FileResponse(
        found.path,
        media_type=found.fact["type"],
        # ``X-Content-Type-Options: nosniff`` comes with every answer (web.security).
        headers={
            "Content-Disposition": disposition(found.fact["name"]),
            "Cache-Control": "private, no-store",
        },
    )


def _open(session: Session, user: User, ref: str, sha256: str) -> Found:
    return open_attachment(session, user, ref, sha256, settings())


async def board_file(request: Request) -> Response:
    """``/tasks/{ref}/files/{sha256}``: the file, for a signed-in user who may see the task."""
    ref, sha256 = request.path_params["ref"], request.path_params["sha256"]
    if not SHA256.match(sha256):
        return await refusal_page(request, NotFound("no_attachment", ref=ref[:80]))
    try:
        found = await as_signed_in(request, _open, ref, sha256)
    except DondocError as exc:
        return await refusal_page(request, exc)
    if found is SIGNED_OUT:
        return to_signin(request)
    assert isinstance(found, Found)
    return file_response(found)


async def api_file(request: Request) -> Response:
    """``/api/v1/tasks/{ref}/files/{sha256}``: the same file for a bearer token's user."""
    from web import api

    ref, sha256 = request.path_params["ref"], request.path_params["sha256"]

    def work(session: Session, user: User) -> Response:
        if not SHA256.match(sha256):
            raise NotFound("no_attachment", ref=ref[:80])
        return file_response(_open(session, user, ref, sha256))

    return await api._answer(request, work)


async def multipart_step(request: Request) -> Any:
    """An API step sent as ``multipart/form-data``: ``trigger``, ``note``, ``at``, ``fields``
    (a JSON object) or ``field_<name>`` parts, and any number of file parts."""
    from web import api

    form = await request.form(max_files=MAX_FILES + 1, max_part_size=api.MAX_BODY)
    trigger, note = form.get("trigger"), form.get("note") or ""
    if not isinstance(trigger, str) or not trigger:
        raise api.ApiError(422, "trigger_missing")
    if not isinstance(note, str):
        raise api.ApiError(422, "note_not_text")
    fields: dict[str, str] = {}
    raw_fields = form.get("fields")
    if isinstance(raw_fields, str) and raw_fields.strip():
        try:
            given = json.loads(raw_fields)
        except ValueError:
            raise api.ApiError(422, "body_not_json") from None
        if not isinstance(given, dict) or not all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in given.values()
        ):
            raise api.ApiError(422, "fields_not_text")
        fields = {str(k): str(v) for k, v in given.items()}
    for key, value in form.multi_items():
        if key.startswith("field_") and isinstance(value, str):
            fields[key.removeprefix("field_")] = value
    at = form.get("at")
    return api._Step(
        trigger,
        fields,
        note,
        api._at(at if isinstance(at, str) else None),
        tuple(await uploads_of(form)),
    )


routes = [Route("/tasks/{ref}/files/{sha256}", board_file, methods=["GET"])]
api_routes = [Route("/tasks/{ref}/files/{sha256}", api_file, methods=["GET"])]
