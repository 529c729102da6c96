"""Loading a catalog file into the database: check it here, hand the engine its specification.

The file is read and checked (``schema.load_and_validate``) with every
shipped agency directory; the engine then loads the ``PlanSpec``
(``engine.catalog.load_plan``), refusing anything it could not hold or sweep.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from sqlalchemy.orm import Session

from engine.catalog import LoadReport, load_plan
from tasks_catalog import schema
from tasks_catalog.directories import directories_for_plan


def file_digest(path: Path) -> str:
    """The SHA-256 of a catalog file: an unchanged file is not loaded twice."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_plan_file(
    session: Session, path: Path, *, archive_removed: bool = False, now: dt.datetime | None = None
) -> LoadReport:
    """Validate a catalog file and load it (with every shipped agency directory)."""
    agencies, successions = schema.load_directories()
    # A completed draft directory beside the plan (catalog import writes one) counts too.
    agencies = {**agencies, **directories_for_plan(path)}
    spec = schema.load_and_validate(path, agencies)
    return load_plan(
        session,
        spec,
        agencies,
        digest=file_digest(path),
        archive_removed=archive_removed,
        now=now,
        successions=successions,
    )


def catalog_path(plan: str) -> Path:
    """A plan id of the shipped catalog, or a path to a catalog file."""
    if plan.endswith((".yaml", ".yml")) or "/" in plan or "\\" in plan:
        return Path(plan)
    return schema.plan_path(plan)


def import_directory_file(session: Session, path: Path, *, today: dt.date) -> tuple[int, int, int]:
    """``dondoc agencies import FILE``: a directory file checked with every known one, then stored.

    Returns (agencies added, successions added, occurrences and plans re-pointed);
    refuses with every problem of the file, writing nothing.
    """
    from engine.catalog import sync_agencies
    from engine.errors import InvalidDefinition
    from engine.succession import apply_due, sync_successions
    from tasks_catalog.directories import directory_file_problems, load_directory
    from tasks_catalog.successions import expand

    problems, _province = directory_file_problems(path)
    if problems:
        raise InvalidDefinition(
            "invalid_file", problems=problems, file=str(path), what="agency_directory"
        )
    directory = load_directory(path)
    agencies, successions = expand(
        [d for d in (load_directory(p) for p in _known_files()) if d.province != directory.province]
        + [directory]
    )
    mine = {c: a for c, a in agencies.items() if a.province == directory.province}
    added = sync_agencies(session, {**agencies, **mine})
    new_successions = sync_successions(session, successions)
    moved = apply_due(session, today)
    return added, new_successions, len(moved)


def sync_directories(session: Session, *, today: dt.date) -> int:
    """Store every known directory's agencies and successions in a database that holds plans,
    and apply the successions due by ``today``; returns how many occurrences and plans moved.

    A database without plans is left alone (``catalog load`` brings the agencies).
    """
    from sqlalchemy import select

    from engine.catalog import sync_agencies
    from engine.models import Plan
    from engine.succession import apply_due, sync_successions

    if session.scalar(select(Plan.id).limit(1)) is None:
        return 0
    agencies, successions = schema.load_directories()
    sync_agencies(session, agencies)
    sync_successions(session, successions)
    return len(apply_due(session, today))


def _known_files() -> list[Path]:
    from tasks_catalog.directories import directory_files, directory_folders

    return directory_files(directory_folders())
