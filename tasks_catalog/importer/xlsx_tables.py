"""Read the sheets of an ``.xlsx`` workbook into importer rows (openpyxl).

Every sheet is read in order; the annex walk picks the first one with a
recognised header. A vertically merged cell (one lead for several rows) is
repeated in each row it covers, as the printed table means; a horizontally
merged cell (a section title across the table) stays in its first column.

Work is bounded before anything is parsed: the archive's unpacked size
(a 6.9 MB zip bomb unpacked to 1.8 GB), then each sheet's declared size,
and openpyxl reads in read-only (streaming) mode with row and column
bounds, so one cell at XFD1048576 no longer builds a billion-cell grid.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from engine.errors import InvalidInput
from tasks_catalog.importer.tables import Item, Row
from tasks_catalog.importer.text import Cell, squash

MAX_UNPACKED = 50 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 60
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def read_xlsx_document(path: Path) -> list[Item]:
    """Rows of every sheet of the workbook at ``path``; one table per sheet."""
    from openpyxl import load_workbook

    _check_archive(path)
    try:
        workbook = load_workbook(path, data_only=True, read_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InvalidInput("not_a_workbook", file=path.name) from exc
    try:
        items: list[Item] = []
        for table, sheet in enumerate(workbook.worksheets, start=1):
            items += _sheet_rows(path, workbook, sheet, table)
    finally:
        workbook.close()
    return items


def _check_archive(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise InvalidInput("not_a_workbook", file=path.name) from exc
    # Declared sizes bound what zipfile will inflate, so this check holds.
    if unpacked > MAX_UNPACKED:
        raise InvalidInput("workbook_too_large", file=path.name, size=unpacked, limit=MAX_UNPACKED)


def _sheet_rows(path: Path, workbook: Any, sheet: Any, table: int) -> list[Item]:
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise InvalidInput(
            "sheet_too_large",
            file=path.name,
            sheet=str(sheet.title)[:60],
            rows=rows,
            columns=columns,
            max_rows=MAX_ROWS,
            max_columns=MAX_COLUMNS,
        )
    values: dict[tuple[int, int], object] = {}
    first_cells: list[tuple[int, int, int, int]] = []
    for merged in _merged_ranges(workbook, sheet):
        first_cells.append(merged)
    grid = list(sheet.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS))
    for min_row, min_col, max_row, _max_col in first_cells:
        top = _value_at(grid, min_row, min_col)
        for row in range(min_row + 1, min(max_row, MAX_ROWS) + 1):
            values[(row, min_col)] = top
    items: list[Item] = []
    for number, row in enumerate(grid, start=1):
        cells: list[Cell] = []
        for column, cell in enumerate(row, start=1):
            spread = (number, column) in values
            value = values[(number, column)] if spread else getattr(cell, "value", None)
            text = "" if value is None else squash(_text(value))
            font = getattr(cell, "font", None)
            bold = bool(text) and bool(getattr(font, "b", False))
            cells.append(Cell(text, bold, merged=spread and bool(text)))
        if row:
            items.append(Row(cells, number, table))
    return items


def _value_at(grid: list[Any], row: int, column: int) -> object:
    if row > len(grid) or column > len(grid[row - 1]):
        return None
    return getattr(grid[row - 1][column - 1], "value", None)


def _merged_ranges(workbook: Any, sheet: Any) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges as (min_row, min_col, max_row, max_col).

    Read-only worksheets do not parse ``<mergeCells>``; the sheet's XML is
    read here instead (its size is bounded by ``_check_archive``).
    """
    from openpyxl.utils import column_index_from_string

    # openpyxl keeps the sheet's part name and the open archive on these attributes.
    part = getattr(sheet, "_worksheet_path", None)
    archive = getattr(workbook, "_archive", None)
    if part is None or archive is None:
        return []
    found = []
    with archive.open(part) as source:
        for match in _MERGE.finditer(source.read()):
            c1, r1, c2, r2 = match.groups()
            found.append(
                (
                    int(r1),
                    column_index_from_string(c1.decode()),
                    int(r2),
                    column_index_from_string(c2.decode()),
                )
            )
    return found


def _text(value: object) -> str:
    # A year typed as a number comes back as 2013 or 2013.0; print it as a year.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
