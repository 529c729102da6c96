"""Plans from an annex uploaded on the board: read it as ``catalog import`` does, load it as
``catalog load`` does.

The uploaded bytes are written to a private temporary folder under a name
dondoc chooses (only the suffix is kept, and only one the importer reads),
read by ``importer.import_annex`` with its guards against hostile files, and
removed: the file is never kept, executed or served back. The draft (the
plan as a dict) is corrected on the board; loading writes it as a catalog
file in another temporary folder and hands that to ``loading.load_plan_file``:
the checks, the history kept on a reload and the load report are those of
``dondoc catalog load``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from engine.catalog import LoadReport
from engine.errors import InvalidInput
from engine.plan_spec import RECURRENCES, AgencySpec
from tasks_catalog.importer import (
    DOCUMENT_READERS,
    HTML_SUFFIXES,
    TEXT_SUFFIXES,
    XLSX_SUFFIXES,
    ImportResult,
    import_annex,
)
from tasks_catalog.importer.agency_table import BUILTIN

# What the upload form accepts: every format the importer reads.
SUFFIXES = tuple(
    sorted((TEXT_SUFFIXES - {""}) | HTML_SUFFIXES | XLSX_SUFFIXES | set(DOCUMENT_READERS))
)
__all__ = ["RECURRENCES", "SUFFIXES", "agency_choices", "import_upload", "load_draft"]


def suffix_of(file_name: str) -> str:
    """The suffix the importer reads the file by; refused when it reads none."""
    suffix = Path(file_name.replace("\\", "/")).suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput("import_file_type", file=file_name[-80:], suffix=suffix[:12])
    return suffix


def import_upload(
    data: bytes, file_name: str, *, plan_id: str, province: str, title: str = ""
) -> ImportResult:
    """The importer's draft of the uploaded annex, as plan ``plan_id`` of ``province``."""
    suffix = suffix_of(file_name)
    defaults = {"title_vi": title.strip()} if title.strip() else None
    with tempfile.TemporaryDirectory(prefix="dondoc-upload-") as folder:
        path = Path(folder) / f"annex{suffix}"
        path.write_bytes(data)
        result = import_annex(path, plan_id=plan_id, province=province, plan_defaults=defaults)
    # Kept as JSON until loaded: the issue day as ISO text.
    result.catalog = json.loads(json.dumps(result.catalog, default=_iso))
    return result


def _iso(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def unknown_names(result: ImportResult) -> dict[str, str]:
    """Agency codes of the draft that no directory holds, with the name the annex printed."""
    names: dict[str, str] = {}
    for point in result.report:
        facts = point.facts
        if point.code == "import.unknown_agency":
            names[str(facts["placeholder"])] = str(facts["text"])
        elif point.code == "import.not_in_directory":
            code = str(facts["agency"])
            names[code] = BUILTIN.get(code.split("/", 1)[-1], (code,))[0]
    return names


def agency_choices(
    province: str, agencies: dict[str, AgencySpec] | None = None
) -> list[AgencySpec]:
    """The agencies a task of ``province`` may name: the province's and the national ones,
    those still in office first."""
    from engine.models import utcnow
    from engine.search import fold
    from engine.workdays import local_day
    from tasks_catalog import schema

    known = agencies if agencies is not None else schema.load_directories()[0]
    today = local_day(utcnow())
    chosen = [
        a
        for a in known.values()
        if a.province in (province, "vn") and (a.valid_until is None or a.valid_until >= today)
    ]
    return sorted(chosen, key=lambda a: (a.province == "vn", fold(a.name_vi)))


def load_draft(
    session: Session, catalog: dict[str, Any], *, now: dt.datetime | None = None
) -> LoadReport:
    """Load the corrected draft exactly as ``dondoc catalog load FILE`` loads a file."""
    import yaml

    from tasks_catalog.loading import load_plan_file

    plan = dict(catalog)
    if isinstance(plan.get("issued"), str):
        # A day that does not read stays text: the loader names the field.
        with contextlib.suppress(ValueError):
            plan["issued"] = dt.date.fromisoformat(plan["issued"])
    with tempfile.TemporaryDirectory(prefix="dondoc-load-") as folder:
        path = Path(folder) / f"{plan.get('id', 'plan')}.yaml"
        path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return load_plan_file(session, path, now=now)
