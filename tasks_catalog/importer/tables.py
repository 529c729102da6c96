"""Read the tables out of a plain-text document: Markdown pipe tables, tab rows, flattened cells.

A document becomes a flat list of ``Row`` (table rows, cells already cleaned)
and ``TextLine`` (everything between tables, where a section heading such as
"**5- Xây dựng ...**" may sit). Which table is the task annex is decided later
(``build``), from the headings; this module only recovers rows.

Three layouts occur in the seeds:

- pipe tables (Kon Tum): ``| a | b |`` lines, a ``|---|`` separator, and a new
  table at each page break;
- tab rows (Nghệ An, Cao Bằng): one row per line, cells separated by tabs; a
  row split by a page break continues on a later line with an empty TT cell;
- flattened cells (Bình Phước): each cell on its own line after one tab, cell
  text continuing on untabbed lines, no header at all. Rows are rebuilt by
  starting a new one at each TT code or when a row is full.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tasks_catalog.importer.text import Cell, clean_cell, fold

_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_TAB_SEPARATOR = re.compile(r"^[\s\-:|]*$")
# A task code as printed in a TT cell: "1", "1.2", "2.1." (never a year).
TASK_CODE = re.compile(r"^\d{1,2}(\.\d{1,2})*\.?$")
_FLAT_SECTION = re.compile(r"^nhiem vu\s+\d+\s*[:.]")

# Column order assumed for a flattened annex printed without headings (Bình
# Phước): task, actions, result, responsibility, then the start and end year.
FLAT_DEFAULT_HEADINGS = (
    "TT",
    "Nhiệm vụ",
    "Nội dung hành động",
    "Kết quả dự kiến",
    "Trách nhiệm thực hiện",
    "Bắt đầu",
    "Kết thúc",
)


@dataclass
class Row:
    """One table row: its cells, the document line it starts on, and which table it is in.

    ``flattened`` rows come from a layout where merged (row-spanning) cells
    were printed once and left empty below, so empty cells may be filled from
    the row above. ``assumed_header`` marks a header the importer supplied.
    """

    cells: list[Cell]
    line: int
    table: int
    flattened: bool = False
    assumed_header: bool = False


@dataclass
class TextLine:
    """A line of running text between tables."""

    text: str
    line: int


Item = Row | TextLine


@dataclass
class _FlatRun:
    """Consecutive flattened cells, each (text, line)."""

    cells: list[tuple[str, int]] = field(default_factory=list)


def read_text_document(text: str) -> list[Item]:
    """Split a text document into table rows and text lines, in document order."""
    reader = _TextReader()
    for number, raw in enumerate(text.splitlines(), start=1):
        reader.line(raw.rstrip("\r\n"), number)
    reader.end_flat()
    return reader.items


class _TextReader:
    """Line-by-line state: which table we are in and any flattened cells being collected."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.table = 0
        self.in_pipe = False
        self.flat: _FlatRun | None = None

    def line(self, line: str, number: int) -> None:
        stripped = line.strip()
        if _is_flat_cell(line):
            if self.flat is None:
                self.flat = _FlatRun()
                self.in_pipe = False
            self.flat.cells.append((line.split("\t", 1)[1], number))
            return
        if self.flat is not None:
            if "\t" not in line and not stripped.startswith("|"):
                self.continue_flat(stripped)
                return
            self.end_flat()
        if stripped.startswith("|"):
            if not self.in_pipe:
                self.table += 1
                self.in_pipe = True
            if not _PIPE_SEPARATOR.match(stripped):
                self.items.append(Row(_split_pipe(stripped), number, self.table))
            return
        self.in_pipe = False
        if "\t" in line:
            self.tab_row(line, number)
        elif stripped:
            self.items.append(TextLine(stripped, number))

    def tab_row(self, line: str, number: int) -> None:
        if _TAB_SEPARATOR.match(line):
            return
        last = self.items[-1] if self.items else None
        if not isinstance(last, Row) or last.flattened:
            self.table += 1
        self.items.append(Row([clean_cell(c) for c in line.split("\t")], number, self.table))

    def continue_flat(self, stripped: str) -> None:
        """Untabbed text after a flattened cell continues that cell."""
        assert self.flat is not None
        if stripped and self.flat.cells:
            text_so_far, start = self.flat.cells[-1]
            self.flat.cells[-1] = (text_so_far + "\n" + stripped, start)

    def end_flat(self) -> None:
        if self.flat is not None:
            self.table += 1
            self.items.extend(_rows_from_flat_run(self.flat, self.table))
            self.flat = None


def _is_flat_cell(line: str) -> bool:
    """A flattened cell: optional spaces, one tab, then the cell text (no other tab)."""
    head, sep, rest = line.partition("\t")
    return bool(sep) and not head.strip() and "\t" not in rest


def _split_pipe(line: str) -> list[Cell]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    parts = re.split(r"(?<!\\)\|", body)
    return [clean_cell(part.replace("\\|", "|")) for part in parts]


def _rows_from_flat_run(run: _FlatRun, table: int) -> list[Item]:
    """Rebuild rows from flattened cells: a new row at each TT code, section line, or full row."""
    cells = [(clean_cell(text), line) for text, line in run.cells]
    items: list[Item] = []
    width = len(FLAT_DEFAULT_HEADINGS)
    start = cells[0][1] if cells else 0
    index = _header_length(cells)
    if index:
        width = index
        items.append(Row([c for c, _ in cells[:index]], start, table, flattened=True))
    else:
        header = [Cell(h) for h in FLAT_DEFAULT_HEADINGS]
        items.append(Row(header, start, table, flattened=True, assumed_header=True))
    current: list[Cell] = []
    current_line = start
    last_section = ""

    def flush() -> None:
        if current:
            padded = current + [Cell("")] * (width - len(current))
            items.append(Row(padded, current_line, table, flattened=True))

    for cell, line in cells[index:]:
        folded = fold(cell.text)
        if _FLAT_SECTION.match(folded):
            flush()
            current = []
            # A merged section row is printed once per spanned column: keep one.
            if cell.text != last_section:
                items.append(Row([cell] + [Cell("")] * (width - 1), line, table, flattened=True))
            last_section = cell.text
            continue
        if current and (len(current) >= width or TASK_CODE.match(cell.text)):
            flush()
            current = []
        if not current:
            current_line = line
        current.append(cell)
    flush()
    return items


def _header_length(cells: list[tuple[Cell, int]]) -> int:
    """How many leading flattened cells are column headings (0 when the run has none)."""
    from tasks_catalog.importer.columns import heading_field

    count = 0
    for cell, _ in cells:
        if cell.text and heading_field(cell.text) is not None:
            count += 1
            continue
        break
    return count if count >= 3 else 0
