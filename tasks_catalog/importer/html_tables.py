"""Read HTML ``<table>`` elements (with text around them) into importer rows.

Uses the standard library's ``html.parser``. Text outside tables goes through
the plain-text reader, so a Markdown document with an HTML table in it still
has its headings and pipe tables read. ``colspan`` cells are padded with empty
cells so columns line up with the header; a ``rowspan`` cell is repeated in
the rows it spans (it is one merged cell in the original).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tasks_catalog.importer.tables import Item, Row, read_text_document
from tasks_catalog.importer.text import Cell, squash

_TABLE = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)
_BREAKS = {"br", "li", "p", "div", "ul", "ol"}
_BOLD = {"b", "strong"}


class _TableParser(HTMLParser):
    """Collects the rows of one table: each cell's text, bold flag and spans."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[Cell, int, int]]] = []
        self._cell: list[str] | None = None
        self._bold_depth = 0
        self._bold_chars = 0
        self._plain_chars = 0
        self._spans = (1, 1)
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
        if self._depth > 1:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            if not self.rows:
                self.rows.append([])
            values = dict(attrs)
            self._cell = []
            self._bold_chars = self._plain_chars = 0
            self._spans = (_span(values.get("colspan")), _span(values.get("rowspan")))
        elif tag in _BOLD:
            self._bold_depth += 1
        elif tag in _BREAKS and self._cell is not None:
            self._cell.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._depth -= 1
        if self._depth > 1:
            return
        if tag in ("td", "th") and self._cell is not None:
            text = squash("".join(self._cell))
            bold = self._bold_chars > 0 and self._plain_chars == 0
            self.rows[-1].append((Cell(text, bold), *self._spans))
            self._cell = None
        elif tag in _BOLD:
            self._bold_depth = max(0, self._bold_depth - 1)
        elif tag in _BREAKS and self._cell is not None:
            self._cell.append("\n")

    def handle_data(self, data: str) -> None:
        if self._cell is None:
            return
        self._cell.append(data)
        visible = len(data.strip())
        if self._bold_depth:
            self._bold_chars += visible
        else:
            self._plain_chars += visible


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 50))
    except ValueError:
        return 1


def _grid(rows: list[list[tuple[Cell, int, int]]]) -> list[list[Cell]]:
    """Lay cells out on a grid: colspans padded, rowspans repeated below."""
    carried: dict[int, tuple[Cell, int]] = {}
    grid: list[list[Cell]] = []
    for row in rows:
        out: list[Cell] = []
        queue = list(row)
        col = 0
        while queue or any(c >= col for c in carried):
            if col in carried:
                cell, left = carried.pop(col)
                out.append(cell)
                if left > 1:
                    carried[col] = (cell, left - 1)
                col += 1
                continue
            if not queue:
                break
            cell, colspan, rowspan = queue.pop(0)
            for offset in range(colspan):
                piece = cell if offset == 0 else Cell("")
                out.append(piece)
                if rowspan > 1:
                    carried[col] = (piece, rowspan - 1)
                col += 1
        grid.append(out)
    return grid


def read_html_document(text: str) -> list[Item]:
    """Rows of every ``<table>`` in ``text``, and the rows/lines of the text between them."""
    items: list[Item] = []
    position = 0
    table_id = 0
    for match in _TABLE.finditer(text):
        table_id += 1_000  # segments number their own tables from 1: keep them apart
        items.extend(
            _offset(
                read_text_document(_strip_tags(text[position : match.start()])),
                text.count("\n", 0, position),
                table_id,
            )
        )
        parser = _TableParser()
        parser.feed(match.group())
        parser.close()
        line = text.count("\n", 0, match.start()) + 1
        table_id += 1
        for index, cells in enumerate(_grid(parser.rows)):
            items.append(Row(cells, line + index, table_id))
        position = match.end()
    items.extend(
        _offset(
            read_text_document(_strip_tags(text[position:])),
            text.count("\n", 0, position),
            table_id + 1_000,
        )
    )
    return items


def _strip_tags(text: str) -> str:
    """Text around tables without its block tags, so headings like <h2>5- ...</h2> read as lines."""
    text = re.sub(r"<\s*(br|/p|/h\d|/div|/li)\b[^>]*>", "\n", text, flags=re.I)
    return re.sub(r"<(?!/?b\b|/?strong\b)[^>]*>", "", text)


def _offset(items: list[Item], lines: int, tables: int) -> list[Item]:
    for item in items:
        item.line += lines
        if isinstance(item, Row):
            item.table += tables
    return items
