"""Read the text layer of a ``.pdf`` into importer rows and text lines (pdfplumber).

Each page is read top to bottom: ruled tables (their lines drawn), else a
table rebuilt from where its words sit under a header row (``pdf_unruled``),
and the text
outside the tables as lines (the plan's number, date, title and section
headings). A table continued on the next page is a new table of the same
width, which the annex walk joins as a page break.

Merged cells: a cell spanning columns is kept in its first column; a cell
spanning rows (one lead for several tasks) is repeated in each row it covers
and marked ``merged``. A PDF with no text at all (a scan) is refused with a
sentence that says so; pages and size are bounded.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from engine.errors import InvalidInput
from tasks_catalog.importer.pdf_unruled import UnruledTable, unruled_table
from tasks_catalog.importer.tables import Item, Row, TextLine
from tasks_catalog.importer.text import Cell, squash

MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_PAGES = 300


def read_pdf_document(path: Path) -> list[Item]:
    """Text lines and table rows of every page of the PDF at ``path``, in reading order."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InvalidInput("import_too_large", file=path.name, limit_mb=MAX_FILE_BYTES >> 20)
    except OSError as exc:
        raise InvalidInput("cannot_read", path=str(path), reason=exc.strerror or str(exc)) from exc
    import pdfplumber

    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on a broken file
        raise InvalidInput("not_a_pdf", file=path.name) from exc
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise InvalidInput(
                "import_too_many_pages", file=path.name, pages=len(pdf.pages), limit=MAX_PAGES
            )
        items: list[Item] = []
        table_id = 0
        chars = 0
        bounds: list[float] | None = None
        for page in pdf.pages:
            chars += len(page.chars)
            table_id, bounds = _read_page(page, items, table_id, bounds)
    if chars == 0:
        raise InvalidInput("pdf_no_text", file=path.name)
    return items


def _read_page(
    page: Any, items: list[Item], table_id: int, bounds: list[float] | None
) -> tuple[int, list[float] | None]:
    """Read one page into ``items``; return the last table number and an unruled table's columns."""
    tables: list[Any] = page.find_tables()
    bounds = None if tables else bounds
    if not tables:
        unruled = unruled_table(page, bounds)
        tables = [unruled] if unruled is not None else []
        bounds = unruled.bounds if unruled is not None else None
    boxes = [t.bbox for t in tables]
    # (top, kind, payload): text lines and tables sorted by where they start on the page.
    blocks: list[tuple[float, int, Any]] = []
    for line in page.extract_text_lines(return_chars=True):
        if any(_inside(line, box) for box in boxes):
            continue
        blocks.append((line["top"], 0, line))
    for table in tables:
        blocks.append((table.bbox[1], 1, table))
    base = page.page_number * 10_000
    for index, (_, kind, payload) in enumerate(sorted(blocks, key=lambda b: (b[0], b[1]))):
        line_no = base + index
        if kind == 0:
            text = unicodedata.normalize("NFC", payload["text"]).strip()
            if text:
                bold = all("bold" in c.get("fontname", "").lower() for c in payload["chars"])
                items.append(TextLine(f"**{text}**" if bold else text, line_no))
        else:
            table_id += 1
            rows = (
                payload.rows if isinstance(payload, UnruledTable) else _table_cells(page, payload)
            )
            for offset, cells in enumerate(rows):
                items.append(Row(cells, line_no * 100 + offset, table_id))
    return table_id, bounds


def _inside(line: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    middle = (line["top"] + line["bottom"]) / 2
    return top <= middle <= bottom and line["x0"] >= x0 - 2 and line["x1"] <= x1 + 2


def _table_cells(page: Any, table: Any) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    last: dict[int, tuple[Any, Cell]] = {}  # column -> (bbox, cell) of the last real cell
    for row in table.rows:
        top = row.bbox[1]
        cells: list[Cell] = []
        for column, bbox in enumerate(row.cells):
            if bbox is not None:
                cell = _cell(page, bbox)
                last[column] = (bbox, cell)
                cells.append(cell)
                continue
            above = last.get(column)
            # Nothing here: either the cell on the left spans this column, or
            # the cell above spans this row (it reaches below this row's top).
            if above is not None and above[0][3] > top + 1 and above[1].text:
                cells.append(Cell(above[1].text, above[1].bold, merged=True))
            else:
                cells.append(Cell(""))
        rows.append(cells)
    return rows


def _cell(page: Any, bbox: tuple[float, float, float, float]) -> Cell:
    region = page.within_bbox(bbox, strict=False)
    text = squash(unicodedata.normalize("NFC", region.extract_text() or ""))
    chars = [c for c in region.chars if c["text"].strip()]
    bold = bool(chars) and all("bold" in c.get("fontname", "").lower() for c in chars)
    return Cell(text, bold)
