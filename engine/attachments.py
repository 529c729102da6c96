"""Files attached to a step: checked by content, stored by SHA-256, covered by the hash chain.

An attachment is a file an agency sends as evidence (the scanned directive,
the decision it issued). Its bytes live outside the database, in a folder of
content-addressed files (``<folder>/ab/abcdef…``: the SHA-256 of the bytes);
its facts (``sha256``, ``size``, ``name``, ``type``) are written in the
event's ``fields`` under ``attachments`` (``ATTACHMENTS_FIELD``), so the event's
hash covers them and ``audit verify`` (``engine.history``) names a file that
was changed or removed.

The kind is read from the bytes, never from the name: PDF, PNG, JPEG, and
the zip packages of .docx, .xlsx and .odt (checked by the members each must
hold). Anything else is refused with ``InvalidInput("attachment_type")``.

Settings (``[attachments]`` of the config file, ``engine.config_file``):
``folder`` (default: ``attachments`` in dondoc's data folder; a shared
deployment points it at a mounted volume) and ``max_mb`` (default 20).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import authz
from engine.errors import InvalidInput, NotFound
from engine.files import write_atomically
from engine.lookup import load_occurrence
from engine.models import Event, Occurrence, User

ATTACHMENTS_FIELD = "attachments"
DEFAULT_MAX_MB = 20
MAX_NAME = 200
MAX_FILES = 10
SECTION = "attachments"

# The kinds accepted, by the type recorded: what a browser is told and the usual extension.
KINDS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.text": ".odt",
}
_ODT = "application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class Upload:
    """A file as a face received it: the name the user's computer gave it, and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Settings:
    folder: Path
    max_bytes: int


def settings(env: dict[str, str] | None = None) -> Settings:
    """Where attachments are kept and how large one may be (``[attachments]`` of the config)."""
    # Imported here: only storing or reading a file needs the config file's TOML parser.
    from engine.config_file import config_path, read_section

    path, explicit = config_path(env)
    section = read_section(path, SECTION, required=explicit)
    folder = section.get("folder")
    if not folder:
        import platformdirs

        folder = Path(platformdirs.user_data_dir("dondoc")) / "attachments"
    max_mb = section.get("max_mb", DEFAULT_MAX_MB)
    if not isinstance(max_mb, int | float) or isinstance(max_mb, bool) or max_mb <= 0:
        raise InvalidInput("config_value", path=str(path), key=f"{SECTION}.max_mb")
    return Settings(Path(str(folder)).expanduser(), int(max_mb * 1024 * 1024))


def _zip_kind(data: bytes) -> str | None:
    """The office document a zip package holds, by the members its format requires."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if "mimetype" in names and package.read("mimetype").strip() == _ODT.encode():
                return _ODT if "content.xml" in names else None
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if "xl/workbook.xml" in names:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def sniff(data: bytes) -> str | None:
    """The accepted kind of ``data`` read from its first bytes, or None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def clean_name(name: str) -> str:
    """The file's own name without any folder, control characters or excess length."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if ord(c) >= 32 and not 0x7F <= ord(c) < 0xA0).strip()
    if not base or base in (".", ".."):
        base = "file"
    if len(base) > MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) < 10 else base
        base = base[:MAX_NAME]
    return base


def check(uploads: Sequence[Upload], limits: Settings) -> list[dict[str, Any]]:
    """The facts of each upload, or the refusal of the first that may not be attached."""
    if len(uploads) > MAX_FILES:
        raise InvalidInput("too_many_attachments", count=len(uploads), limit=MAX_FILES)
    facts = []
    for upload in uploads:
        name = clean_name(upload.name)
        if not upload.data:
            raise InvalidInput("attachment_empty", name=name)
        if len(upload.data) > limits.max_bytes:
            raise InvalidInput(
                "attachment_too_large",
                name=name,
                size_mb=round(len(upload.data) / 1024 / 1024, 1),
                limit_mb=round(limits.max_bytes / 1024 / 1024, 1),
            )
        kind = sniff(upload.data)
        if kind is None:
            raise InvalidInput("attachment_type", name=name)
        facts.append(
            {
                "sha256": hashlib.sha256(upload.data).hexdigest(),
                "size": len(upload.data),
                "name": name,
                "type": kind,
            }
        )
    return facts


def path_of(folder: Path, sha256: str) -> Path:
    return folder / sha256[:2] / sha256


def store(uploads: Sequence[Upload], limits: Settings) -> list[dict[str, Any]]:
    """Check ``uploads`` and write each to the folder (once per content); their facts.

    Call it inside the transaction that records the event: a file written for
    a step that then rolls back stays, unreferenced and harmless (the same
    bytes attached later find it there).
    """
    facts = check(uploads, limits)
    save(uploads, facts, limits)
    return facts


def save(uploads: Sequence[Upload], facts: list[dict[str, Any]], limits: Settings) -> None:
    """Write each checked upload (``facts``: what ``check`` said of it) unless already there."""
    for upload, fact in zip(uploads, facts, strict=True):
        target = path_of(limits.folder, fact["sha256"])
        if not (target.is_file() and _digest(target) == fact["sha256"]):
            write_atomically(target, upload.data, mode=0o640)


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def facts_of(event_fields: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The attachments an event's fields record (none for most events)."""
    found = (event_fields or {}).get(ATTACHMENTS_FIELD)
    return [a for a in found if isinstance(a, dict)] if isinstance(found, list) else []


def listed(events: Iterable[Event]) -> list[dict[str, Any]]:
    """Every attachment of these events, oldest first, with the step that brought it."""
    return [
        {
            "seq": ev.seq,
            "at": ev.at.isoformat(),
            "actor": ev.actor,
            "trigger": ev.trigger,
            **fact,
        }
        for ev in events
        for fact in facts_of(ev.fields)
    ]


def problem_of(events: Iterable[Event], folder: Path) -> tuple[Event, str, dict[str, Any]] | None:
    """The first attachment whose file is missing or no longer holds the recorded bytes."""
    for ev in events:
        for fact in facts_of(ev.fields):
            path = path_of(folder, str(fact.get("sha256", "")))
            if not path.is_file():
                return ev, "attachment_missing", {"name": fact.get("name", "")}
            if path.stat().st_size != fact.get("size") or _digest(path) != fact.get("sha256"):
                return ev, "attachment_changed", {"name": fact.get("name", "")}
    return None


@dataclass(frozen=True)
class Found:
    """An attachment a user may download: its recorded facts and where its bytes are."""

    ref: str
    fact: dict[str, Any]
    path: Path


def open_attachment(
    session: Session, user: User, ref: str, sha256: str, limits: Settings | None = None
) -> Found:
    """The attachment ``sha256`` of occurrence ``ref``, if ``user`` may see the task.

    Refused (``NotAllowed``) for whoever may not see the task, before anything
    is said about the file; ``NotFound`` if no step of ``ref`` attached it, or
    if its file is gone (``audit verify`` names that).
    """
    occ: Occurrence = load_occurrence(session, ref)
    authz.require_see(user, occ.task.plan, occ.task, occ.ref, occ)
    events = session.scalars(select(Event).where(Event.occurrence_id == occ.id).order_by(Event.seq))
    for ev in events:
        for fact in facts_of(ev.fields):
            if fact.get("sha256") == sha256:
                folder = (limits or settings()).folder
                path = path_of(folder, sha256)
                if not path.is_file():
                    raise NotFound("attachment_file_missing", ref=occ.ref, name=fact["name"])
                return Found(occ.ref, fact, path)
    raise NotFound("no_attachment", ref=occ.ref)
