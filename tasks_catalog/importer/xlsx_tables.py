"""Read the sheets of an ``.xlsx`` workbook into importer rows (openpyxl).

Every sheet is read in order; the annex walk picks the first one with a
recognised header. A vertically merged cell (one lead for several rows) is
repeated in each row it covers, as the printed table means; a horizontally
merged cell (a section title across the table) stays in its first column.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from engine.errors import InvalidInput
from tasks_catalog.importer.tables import Item, Row
from tasks_catalog.importer.text import Cell, squash


def read_xlsx_document(path: Path) -> list[Item]:
    """Rows of every sheet of the workbook at ``path``; one table per sheet."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InvalidInput("not_a_workbook", file=path.name) from exc
    items: list[Item] = []
    for table, sheet in enumerate(workbook.worksheets, start=1):
        values: dict[tuple[int, int], object] = {}
        for merged in sheet.merged_cells.ranges:
            top = sheet.cell(merged.min_row, merged.min_col).value
            for row in range(merged.min_row + 1, merged.max_row + 1):
                values[(row, merged.min_col)] = top
        for row in sheet.iter_rows():
            cells: list[Cell] = []
            for cell in row:
                merged = (cell.row, cell.column) in values
                value = values[(cell.row, cell.column)] if merged else cell.value
                text = "" if value is None else squash(_text(value))
                bold = bool(text) and bool(getattr(cell.font, "b", False))
                cells.append(Cell(text, bold, merged=merged and bool(text)))
            if row:
                items.append(Row(cells, row[0].row, table))
    workbook.close()
    return items


def _text(value: object) -> str:
    # A year typed as a number comes back as 2013 or 2013.0; print it as a year.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
