"""A list of the board as a file: .xlsx or .csv, with the page's headings and words.

The rows are what the page shows, already worded (agencies and plans named
as on the page, in the reader's language); this module only lays them out.
Every cell that a spreadsheet program would read as a formula (``=``, ``+``,
``-``, ``@``, tab, carriage return: ``notifiers.spreadsheet.looks_like_formula``)
stays text: a quote-prefixed string cell in .xlsx, a leading apostrophe in
.csv (OWASP "CSV injection"). The .csv is UTF-8 with a byte-order mark, so
that Excel shows Vietnamese as written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from notifiers.spreadsheet import looks_like_formula, neutralise

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
_WIDEST = 70


def safe_text(value: Any) -> Any:
    """``value`` for a .csv cell: a formula-looking text behind an apostrophe."""
    return "'" + value if looks_like_formula(value) else value


def csv_bytes(headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in headings])
    for row in rows:
        writer.writerow(["" if v is None else safe_text(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(title: str, headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    # A sheet's title may not hold []:*?/\ and is at most 31 characters.
    sheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "dondoc"
    sheet.append(list(headings))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    widths = [len(str(h)) for h in headings]
    for cells in sheet.iter_rows():
        for index, cell in enumerate(cells):
            neutralise(cell)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            longest = max((len(line) for line in str(cell.value or "").splitlines()), default=0)
            widths[index] = max(widths[index], min(longest, _WIDEST))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_bytes(
    fmt: str, title: str, headings: Sequence[str], rows: Sequence[Sequence[Any]]
) -> bytes:
    """The table in ``fmt`` (a key of ``FORMATS``)."""
    return xlsx_bytes(title, headings, rows) if fmt == "xlsx" else csv_bytes(headings, rows)
