"""The annual report as a spreadsheet: one row per task, worded from the message catalog."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from engine.files import write_atomically
from notifiers.i18n import words

# (message key of the heading, column width)
_COLUMNS = (
    ("words.ref", 8),
    ("words.task", 60),
    ("words.owner", 30),
    ("words.co_agencies", 34),
    ("words.window", 11),
    ("report.occurrences", 26),
    ("words.state", 22),
    ("words.status", 22),
    ("report.results", 50),
    ("report.budget", 14),
)


# What a spreadsheet program reads as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    """Whether a spreadsheet program would read ``value`` as the start of a formula.

    The one test of every export (.xlsx here, .csv in ``notifiers.table_export``).
    """
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(cell: Any) -> None:
    """Keep a text that looks like a formula as text (a title ``=HYPERLINK(...)`` from an annex).

    openpyxl stores a string beginning with ``=`` as a formula; it is stored
    as a string instead, with Excel's quote prefix so that editing the cell
    does not turn it into one either.
    """
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def xlsx_bytes(report: dict[str, Any], *, lang: str = "vi") -> bytes:
    """The annual report's workbook as bytes (what ``write_xlsx`` writes, for the board)."""
    return _report_book(report, lang)


def write_xlsx(report: dict[str, Any], path: Path, *, lang: str = "vi") -> None:
    """Write one row per task of ``report`` (``engine.report.annual_report``) to ``path``."""
    write_atomically(path, _report_book(report, lang))


def _report_book(report: dict[str, Any], lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    w = words(lang)
    names = report.get("agencies") or {}

    def agency(code: str) -> str:
        return (names.get(code) or {}).get(lang) or code

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{report['year']}"
    sheet.append([w(key) for key, _width in _COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for t in report["tasks"]:
        occs = t["occurrences"]
        workflow = t["workflow"]
        results = [
            f"{w.date(r['at'])} {w.trigger(workflow, r['trigger'])}: "
            + "; ".join(
                [r["note"]] * bool(r["note"])
                + [f"{w.field(k)}: {v}" for k, v in r["evidence"].items()]
            )
            for o in occs
            for r in o["results"]
        ]
        sheet.append(
            [
                t["code"],
                t["title"],
                agency(t["owner"]) if t["owner"] else "",
                ", ".join(agency(c) for c in t["co_agencies"]),
                t["window"],
                "\n".join(o["ref"] for o in occs),
                "\n".join(w.state(workflow, o["state"]) for o in occs),
                "\n".join(w.status(o["status_category"]) for o in occs),
                "\n".join(results),
                t["budget_total"] if t["budget"] else None,
            ]
        )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            neutralise(cell)
    for index, (_key, width) in enumerate(_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
