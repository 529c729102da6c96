"""The periodic report's annex as a spreadsheet: one row per occurrence, then the buckets."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from engine.files import write_atomically
from notifiers.i18n import words
from notifiers.spreadsheet import neutralise

_COLUMNS = (
    ("docx.col.no", 6),
    ("docx.col.code", 12),
    ("docx.col.task", 60),
    ("docx.col.lead", 34),
    ("docx.col.due", 12),
    ("docx.col.status", 24),
    ("docx.col.report", 40),
)
BUCKETS = ("completed_on_time", "completed_late", "within_deadline", "overdue")


def write_periodic_xlsx(report: dict[str, Any], path: Path, *, lang: str = "vi") -> None:
    """Write the annex of ``report`` (``engine.periodic.periodic_report``) to ``path``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    w = words(lang)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = report["period"]["key"]
    sheet.append([w(key) for key, _width in _COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    names = "lead_names_en" if lang == "en" else "lead_names"
    for i, r in enumerate(report["annex"], start=1):
        progress = r["progress"] or {}
        note = [progress.get("note") or ""] if r["reported"] else [w("docx.not_reported")]
        if r["extended_to"]:
            note.append(w("docx.extended_to", day=w.date(r["extended_to"])))
        sheet.append(
            [
                i,
                r["ref"].split(":", 1)[1],
                r["title"],
                "; ".join(r[names]),
                w.date(r["due"]),
                w.status(r["status_category"]),
                "; ".join(n for n in note if n),
            ]
        )
    sheet.append([])
    f = report["figures"]
    for b in BUCKETS:
        sheet.append(["", "", w(f"docx.bucket.{b}"), f[b]])
    sheet.append(["", "", w("docx.bucket.total"), f["total"]])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            neutralise(cell)
    for index, (_key, width) in enumerate(_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomically(path, buffer.getvalue())
