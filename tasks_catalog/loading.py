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
    agencies = directories_for_plan(path)
    spec = schema.load_and_validate(path, agencies)
    return load_plan(
        session, spec, agencies, digest=file_digest(path), archive_removed=archive_removed, now=now
    )


def catalog_path(plan: str) -> Path:
    """A plan id of the shipped catalog, or a path to a catalog file."""
    if plan.endswith((".yaml", ".yml")) or "/" in plan or "\\" in plan:
        return Path(plan)
    return schema.plan_path(plan)
