"""Read a Word ``.docx`` document into importer rows and text lines (python-docx).

The body is read in order: paragraphs become ``TextLine`` (the plan's number,
date, title and section headings sit there) and every table becomes rows.
Word repeats a merged cell in each grid column and row it covers; a cell
spanning columns (a section title across the table) is kept in its first
column only, and a cell spanning rows (one lead for several tasks) is
repeated in each row and marked ``merged``, so the report can say so.

A .docx is a zip archive: its size and the size of what it unpacks to are
checked before anything is parsed, so a hostile file cannot fill memory.
"""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path
from typing import Any

from engine.errors import InvalidInput
from tasks_catalog.importer.tables import Item, Row, TextLine
from tasks_catalog.importer.text import Cell, squash

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 2_000
MAX_ROWS = 20_000


def _check_archive(path: Path) -> None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InvalidInput("import_too_large", file=path.name, limit_mb=MAX_FILE_BYTES >> 20)
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (OSError, zipfile.BadZipFile) as exc:
        raise InvalidInput("not_a_docx", file=path.name) from exc
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ENTRIES or unpacked > MAX_UNPACKED_BYTES:
        raise InvalidInput("import_too_large", file=path.name, limit_mb=MAX_UNPACKED_BYTES >> 20)


def read_docx_document(path: Path) -> list[Item]:
    """Paragraphs and table rows of the document at ``path``, in document order."""
    _check_archive(path)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on a broken file
        raise InvalidInput("not_a_docx", file=path.name) from exc
    items: list[Item] = []
    table_id = 0
    position = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            position += 1
            text = unicodedata.normalize("NFC", block.text).strip()
            if text:
                items.append(TextLine(_bold_marked(block, text), position))
        elif isinstance(block, Table):
            table_id += 1
            for cells in _table_rows(block):
                position += 1
                items.append(Row(cells, position, table_id))
                if position > MAX_ROWS:
                    raise InvalidInput("import_too_many_rows", file=path.name, limit=MAX_ROWS)
    return items


def _bold_marked(paragraph: Any, text: str) -> str:
    """A paragraph printed all in bold reads as a Markdown bold line (a section heading)."""
    runs = [r for r in paragraph.runs if r.text.strip()]
    return f"**{text}**" if runs and all(r.bold for r in runs) else text


def _table_rows(table: Any) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    above: list[Any] = []
    for row in table.rows:
        cells: list[Cell] = []
        tcs: list[Any] = []
        for index, cell in enumerate(row.cells):
            tc = cell._tc
            if tcs and tcs[-1] is tc:
                cells.append(Cell(""))  # the same cell again: it spans columns
            else:
                text = squash(unicodedata.normalize("NFC", cell.text))
                merged = index < len(above) and above[index] is tc and bool(text)
                cells.append(Cell(text, _all_bold(cell), merged=merged))
            tcs.append(tc)
        above = tcs
        rows.append(cells)
    return rows


def _all_bold(cell: Any) -> bool:
    runs = [r for p in cell.paragraphs for r in p.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)
