"""Import a plan's task annex from a document into a draft catalog file, with a report to check.

``import_annex(path, plan_id=..., province=...)`` reads a whole document
(Markdown/text with pipe tables, tab-separated or flattened tables, HTML
``<table>``, ``.xlsx``, Word ``.docx`` or a text-based ``.pdf``), finds the task annex by its headings, and returns
an ``ImportResult``: the plan as a dict in the FORMAT.md shape and a report
naming every guess, unmapped agency, unreadable time cell and ambiguous row.
``dondoc catalog import`` writes it with ``ImportResult.write``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.errors import InvalidInput, Problem
from engine.files import write_atomically
from engine.plan_spec import AgencySpec
from tasks_catalog.directories import BESIDE_SUFFIX
from tasks_catalog.importer.agency_names import AgencyMatcher
from tasks_catalog.importer.annex import walk
from tasks_catalog.importer.build import PlanBuilder
from tasks_catalog.importer.columns import END, START, WINDOW
from tasks_catalog.importer.docx_tables import read_docx_document
from tasks_catalog.importer.draft_directory import draft_directory
from tasks_catalog.importer.html_tables import read_html_document
from tasks_catalog.importer.pdf_tables import read_pdf_document
from tasks_catalog.importer.tables import Item, TextLine, read_text_document
from tasks_catalog.importer.xlsx_tables import read_xlsx_document

__all__ = ["ImportResult", "import_annex", "import_annex_text"]

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".tsv", ".text", ""}
HTML_SUFFIXES = {".html", ".htm"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
MAX_TEXT_BYTES = 2 * 1024 * 1024
# Documents the text around the tables is read from too (number, date, title).
DOCUMENT_READERS = {".docx": read_docx_document, ".pdf": read_pdf_document}


@dataclass
class ImportResult:
    """A draft plan (``catalog``, a dict ready for YAML) and what a person must check (``report``).

    The report is a list of ``Problem`` points (the task or line, the column
    as printed, what was guessed or not understood); the face words them, in
    the reader's language, and hands the lines to ``write``.
    """

    catalog: dict[str, Any]
    report: list[Problem] = field(default_factory=list)
    # A draft agency directory when the province has none yet (``draft_directory``).
    directory: dict[str, Any] | None = None
    directory_path: Path | None = None

    def to_yaml(self, report_lines: list[str], header: list[str]) -> str:
        """The catalog as YAML, with ``header`` and the worded report as comments above it."""
        lines = [f"# {line}" for line in header] + [f"#   - {line}" for line in report_lines]
        body = yaml.dump(
            self.catalog, Dumper=_ReadableDumper, allow_unicode=True, sort_keys=False, width=100
        )
        return "\n".join(lines) + "\n" + body

    def write(self, out_path: str | Path, report_lines: list[str], header: list[str]) -> Path:
        """Write OUT (YAML) and OUT.report.txt; return the YAML path."""
        out = Path(out_path)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            # Each file whole or not at all: a kill leaves the previous draft intact.
            out = write_atomically(out_path, self.to_yaml(report_lines, header))
            write_atomically(
                out.with_name(out.name + ".report.txt"), "\n".join(report_lines) + "\n"
            )
            if self.directory is not None:
                self.directory_path = self._write_directory(out.parent)
        except OSError as exc:
            raise InvalidInput(
                "cannot_write", path=str(out), reason=exc.strerror or str(exc)
            ) from exc
        return out

    def _write_directory(self, folder: Path) -> Path:
        """The draft directory beside the plan; a directory already there (being completed) is kept."""
        assert self.directory is not None
        province = self.directory["province"]
        path = folder / f"{province}{BESIDE_SUFFIX}"
        if path.exists():
            path = folder / f"{province}.agencies.draft.yaml"
        body = yaml.dump(
            self.directory, Dumper=_ReadableDumper, allow_unicode=True, sort_keys=False, width=100
        )
        path.write_text(body, encoding="utf-8")
        return path


class _ReadableDumper(yaml.SafeDumper):
    """Short lists and small mappings on one line (``leads: [a, b]``), long text as blocks."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = (
        all(isinstance(v, str | int) and len(str(v)) <= 40 for v in data)
        and sum(len(str(v)) for v in data) <= 80
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = len(data) <= 3 and all(
        isinstance(v, str | int) and len(str(v)) <= 40 for v in data.values()
    )
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


_ReadableDumper.add_representer(list, _represent_list)
_ReadableDumper.add_representer(dict, _represent_dict)


def _sorted_report(report: list[Problem], codes: list[str]) -> list[Problem]:
    """Report points in annex order: whole-document points first, then task by task."""
    order = {code: index for index, code in enumerate(codes)}

    def key(point: Problem) -> int:
        kind, name = point.where or ("", "")
        return order.get(name, -1) if kind == "task" else -1

    return sorted(report, key=key)


def _directory() -> dict[str, AgencySpec]:
    """The shipped agency directories, or none when they cannot be read (the built-in names still work)."""
    try:
        from tasks_catalog.schema import load_all_directories

        return load_all_directories()
    except Exception:  # noqa: BLE001 - a broken directory must not block an import; the validator reports it
        return {}


def _read_items(path: Path) -> tuple[list[Item], str]:
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return read_xlsx_document(path), ""
    if suffix in DOCUMENT_READERS:
        items = DOCUMENT_READERS[suffix](path)
        return items, "\n".join(i.text for i in items if isinstance(i, TextLine))
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
        raise InvalidInput("import_file_type", file=path.name, suffix=suffix)
    try:
        # Flattening grows faster than the text (10 MB took 176 s): annexes are far smaller.
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise InvalidInput(
                "import_text_too_large",
                file=path.name,
                size=path.stat().st_size,
                limit=MAX_TEXT_BYTES,
            )
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("not_utf8", path=str(path)) from exc
    except OSError as exc:
        raise InvalidInput("cannot_read", path=str(path), reason=exc.strerror or str(exc)) from exc
    if suffix in HTML_SUFFIXES or "<table" in text.lower():
        return read_html_document(text), text
    return read_text_document(text), text


def import_annex(
    path: str | Path,
    *,
    plan_id: str,
    province: str,
    plan_defaults: dict[str, Any] | None = None,
    agencies: dict[str, AgencySpec] | None = None,
) -> ImportResult:
    """Import the task annex of the document at ``path`` as plan ``plan_id`` of ``province``.

    ``plan_defaults`` supplies plan-level fields the annex does not state
    (``title_vi``, ``legal_ref``, ``issued``, ``period``, ``responsible``, ...);
    ``agencies`` replaces the shipped agency directory used to map names.
    """
    check_ids(plan_id, province)
    path = Path(path)
    if not path.is_file():
        raise InvalidInput("no_such_file", path=str(path))
    items, text = _read_items(path)
    return _import_items(
        items,
        text,
        path.name,
        plan_id=plan_id,
        province=province,
        plan_defaults=plan_defaults,
        agencies=agencies,
    )


def import_annex_text(
    text: str,
    *,
    plan_id: str,
    province: str,
    name: str = "the text",
    plan_defaults: dict[str, Any] | None = None,
    agencies: dict[str, AgencySpec] | None = None,
) -> ImportResult:
    """The same as ``import_annex`` for a document already in memory (text or HTML)."""
    if len(text) > MAX_TEXT_BYTES:
        raise InvalidInput("import_text_too_large", file=name, size=len(text), limit=MAX_TEXT_BYTES)
    check_ids(plan_id, province)
    items = read_html_document(text) if "<table" in text.lower() else read_text_document(text)
    return _import_items(
        items,
        text,
        name,
        plan_id=plan_id,
        province=province,
        plan_defaults=plan_defaults,
        agencies=agencies,
    )


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def check_ids(plan_id: str, province: str) -> None:
    """A province slug is ``[a-z0-9-]`` ("ha-tinh"); a plan id is one too and starts with its province."""
    if not _SLUG.fullmatch(province):
        raise InvalidInput("province_slug", province=province)
    if not _SLUG.fullmatch(plan_id) or not plan_id.startswith(f"{province}-"):
        raise InvalidInput("plan_id_slug", plan_id=plan_id, province=province)


def _import_items(
    items: list[Item],
    text: str,
    name: str,
    *,
    plan_id: str,
    province: str,
    plan_defaults: dict[str, Any] | None,
    agencies: dict[str, AgencySpec] | None,
) -> ImportResult:
    annex = walk(items)
    if not annex.tasks:
        raise InvalidInput("no_annex_table", file=name)
    known = agencies if agencies is not None else _directory()
    matcher = AgencyMatcher(province, known)
    has_time = any(
        WINDOW in h.fields or START in h.fields or END in h.fields for h in annex.headers
    )
    builder = PlanBuilder(
        plan_id=plan_id, province=province, matcher=matcher, has_time_column=has_time
    )
    catalog = builder.plan(annex, text, plan_defaults)
    codes = [task["code"] for task in catalog["tasks"]]
    report = _sorted_report(annex.report + builder.report, codes)
    directory = None
    if not any(code.startswith(f"{province}/") for code in known):
        directory = draft_directory(catalog, builder.printed)
        report.insert(
            0,
            Problem(
                "import.draft_directory",
                {"province": province, "count": len(directory["agencies"])},
                where=("plan", plan_id),
            ),
        )
    return ImportResult(catalog, report, directory)
