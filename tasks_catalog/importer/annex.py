"""Walk a document's rows and keep the task annex: sections, task rows, rows split by page breaks.

The result is a list of ``DraftTask`` holding each field's raw text exactly as
printed (joined across page breaks), which ``build`` then interprets. The
rules here are the layout rules of the annexes:

- a header row (TT, Nhiệm vụ, ...) starts the annex and says where each field
  is; a later table without a header continues it when it has as many columns
  (a page break), a budget header ("Kinh phí", "Đơn vị tính") ends it;
- a section row ("I- Truyền thông ...", "<b>1</b> <b>...</b>", a heading line
  "**5- Xây dựng ...**" between tables) sets the current section;
- a row with an empty TT cell continues the previous task of the same section
  (its text was cut by a page break); when the section has no task yet it is
  an unnumbered task and takes the section's number;
- in flattened annexes, merged cells are printed once: an empty result, lead
  or time cell is taken from the task above in the same section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from engine.errors import Problem
from tasks_catalog.importer.budget_table import BudgetTable
from tasks_catalog.importer.columns import (
    ACTIONS,
    BUDGET,
    CO,
    CODE,
    END,
    LEADS,
    NOTE,
    REF,
    RESULT,
    SOURCE,
    START,
    TITLE,
    WINDOW,
    ColumnMap,
    budget_header,
    header_continuation,
    merge_header,
    task_header,
)
from tasks_catalog.importer.sections import (
    not_a_task,
    printed_number,
    section_above_header,
    section_number,
    section_of,
)
from tasks_catalog.importer.tables import TASK_CODE, Item, Row, TextLine
from tasks_catalog.importer.text import clean_cell, fold

FIELDS = (TITLE, ACTIONS, RESULT, LEADS, CO, WINDOW, START, END, NOTE, BUDGET, SOURCE, REF)
_DETAIL_FIELDS = (ACTIONS, RESULT, LEADS, CO, WINDOW, START, END)
_FILL_DOWN = (RESULT, LEADS, CO, WINDOW, START, END)
_ANNEX_END = re.compile(r"^phu luc\b")
_COLUMN_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")


@dataclass
class DraftTask:
    """One task as printed: code, section, and each field's text joined across page breaks."""

    code: str
    section: str
    line: int
    texts: dict[str, str] = field(default_factory=dict)
    filled: list[str] = field(default_factory=list)
    numbered: bool = True
    printed: str = ""

    def add(self, name: str, text: str) -> None:
        if not text:
            return
        before = self.texts.get(name, "")
        # A bullet starts a new list item; anything else is the same sentence going on.
        glue = "\n" if text.lstrip().startswith(("-", "+", "•")) else " "
        self.texts[name] = f"{before}{glue}{text}" if before else text


@dataclass
class Annex:
    """What the walk found: sections (code, title), draft tasks and report lines."""

    sections: list[tuple[str, str]] = field(default_factory=list)
    tasks: list[DraftTask] = field(default_factory=list)
    report: list[Problem] = field(default_factory=list)
    headers: list[ColumnMap] = field(default_factory=list)
    # Section code -> its number as printed ("2" -> "II"), for codes made unique.
    labels: dict[str, str] = field(default_factory=dict)
    budgets: list[BudgetTable] = field(default_factory=list)
    # How each table row was taken: header, section, task, continued, set_aside, outside.
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def say(self, line: int, what: str, /, **facts: Any) -> None:
        """A point for the report about line ``line`` of the document."""
        self.report.append(Problem(what, facts, where=("line", str(line))))

    def say_task(self, code: str, column: str, what: str, /, **facts: Any) -> None:
        """A point for the report about task ``code`` and its ``column`` (named as printed)."""
        self.report.append(Problem(what, facts, where=("task", code), field=column))


# A budget cell holding an amount or a quantity: "30", "2.000", "1,5".
_AMOUNT = re.compile(r"^\d{1,3}(?:[.,]\d{3})*(?:,\d+)?$")


class _Walker:
    def __init__(self) -> None:
        self.annex = Annex()
        self.columns: ColumnMap | None = None
        self.table = -1
        self.section = ""
        self.last: DraftTask | None = None
        self.codes: set[str] = set()
        # A section row printed above the header (Kon Tum's first table) waits for it.
        self.pending: tuple[str, str] | None = None
        self.budget_table = -1
        self.budget_code = ""  # the code of the budget row above, for an unnumbered row
        self.header_row = False  # the row before was a header (a second header row may follow)
        self.outside: dict[
            int, tuple[int, int]
        ] = {}  # table -> (first line, rows) outside the annex
        self.unnumbered = 0

    def text_line(self, line: TextLine) -> None:
        cleaned = clean_cell(line.text.lstrip("#").strip()).text
        if _ANNEX_END.match(fold(cleaned)) and self.columns is not None:
            self.columns = None
            return
        if self.columns is None:
            return
        found = section_of(cleaned)
        if found is not None and len(cleaned) < 300:
            self.start_section(*found, label=printed_number(cleaned))

    def start_section(self, code: str, title: str, label: str = "") -> None:
        self.section = code
        self.last = None
        if code not in {c for c, _ in self.annex.sections}:
            self.annex.sections.append((code, title))
            self.annex.labels[code] = label or code

    def row(self, row: Row) -> None:
        was_header, self.header_row = self.header_row, False
        if was_header and self.columns is not None and row.table == self.table:
            more = header_continuation(row.cells)
            if more is not None:
                self.columns = merge_header(self.columns, more, row.cells)
                self.annex.headers[-1] = self.columns
                self.annex.count("header")
                self.header_row = True
                return
        header = task_header(row.cells)
        if header is not None:
            self.header(row, header)
            return
        budget = budget_header(row.cells)
        if (
            self.columns is None
            and self.annex.budgets
            and self.annex.budgets[-1].sub_header(row.cells)
        ):
            budget = []  # "Số lượng | Kinh phí" under the years: the budget header's second row
            self.annex.count("header")
            return
        if len(budget) >= 2:
            if (self.columns is not None or self.annex.tasks) and row.table != self.budget_table:
                self.budget_table = row.table
                self.annex.budgets.append(BudgetTable([c.text for c in row.cells]))
            self.columns = None
            self.annex.count("header")
            return
        if self.columns is None:
            # After a budget header, every row is the budget's until a task header
            # comes again, across page breaks (new tables) too.
            if self.budget_table >= 0:
                self.budget_row(row)
                self.annex.count("budget")
            else:
                first, rows = self.outside.get(row.table, (row.line, 0))
                self.outside[row.table] = (first, rows + 1)
            self.pending = section_above_header(row.cells)
            return
        if row.table != self.table:
            if len(row.cells) != self.columns.width and not row.flattened:
                self.annex.say(
                    row.line,
                    "import.other_table",
                    columns=len(row.cells),
                    annex_columns=self.columns.width,
                )
                self.columns = None
                return
            self.table = row.table
        self.content(row)

    def header(self, row: Row, header: ColumnMap) -> None:
        self.columns, self.table = header, row.table
        self.annex.headers.append(header)
        self.annex.count("header")
        self.header_row = True
        if self.pending is not None:
            self.start_section(*self.pending)
            self.pending = None
            # The row above the header was a section, not a row outside the annex.
            first, rows = self.outside.get(row.table, (row.line, 1))
            self.outside[row.table] = (first, rows - 1)
        if row.assumed_header:
            self.annex.say(row.line, "import.no_header", columns=list(header.headings))
        if CODE not in header.fields:
            self.annex.say(row.line, "import.no_code_column")

    def budget_row(self, row: Row) -> None:
        """Point at a task the budget annex funds in several years: it may recur yearly.

        The budget table is not imported, but per-year amounts are the only
        hint some plans give that a task repeats every year (Nghệ An 1.1-1.3
        print "2017- 2020" and budget "30 triệu/năm"), so a person should look.
        """
        texts = [c.text.strip() for c in row.cells]
        if not texts:
            return
        # An unnumbered row funds the group above it (Nghệ An's row under "4").
        code = texts[0] or self.budget_code
        self.budget_code = texts[0] or self.budget_code
        if code not in self.codes:
            if TASK_CODE.match(code) and any(_AMOUNT.match(t) for t in texts[1:]):
                self.annex.say(row.line, "import.budget_row_no_task", code=code)
            return
        if self.annex.budgets:
            self.annex.budgets[-1].row(code, row.cells)
        amounts = [t for t in texts[1:] if _AMOUNT.match(t)]
        # Quantity and amount per year, then the total: two years funded give at least five.
        if len(amounts) >= 5:
            self.annex.say_task(code, "Thời gian thực hiện", "import.funded_every_year")

    def content(self, row: Row) -> None:
        columns = self.columns
        assert columns is not None
        cells = row.cells
        texts = [c.text for c in cells]
        filled = [i for i, t in enumerate(texts) if t]
        if not filled:
            self.annex.count("empty")
            return
        if all(_COLUMN_NUMBERS.match(t) for t in texts if t) and len(filled) > 2:
            self.annex.count("header")  # the row of column numbers "(1) (2) (3)" under a header
            return
        extra = [t for t in texts[columns.width :] if t]
        if extra:
            self.annex.say(row.line, "import.extra_cells", cells=repr(extra)[:80])
        if self.section_row(row, filled):
            self.annex.count("section")
            return
        if self.set_aside(row):
            self.annex.count("set_aside")
            return
        self.task_row(row)

    def task_row(self, row: Row) -> None:
        columns = self.columns
        assert columns is not None
        code = columns.get(row.cells, CODE).strip().rstrip(".")
        values = {name: columns.get(row.cells, name) for name in FIELDS}
        if CODE not in columns.fields:
            # No TT column: each row is a task, numbered in order as the importer counts.
            self.unnumbered += 1
            code = str(self.unnumbered)
        if not code:
            if self.last is not None:
                for name, text in values.items():
                    self.last.add(name, text)
                self.annex.count("continued")
                return
            code = self.section or "?"
            numbered = False
        else:
            numbered = True
            if not TASK_CODE.match(code):
                self.annex.say_task(code, "TT", "import.unusual_code", line=row.line)
        task = DraftTask(
            self.unique(code, row.line), self.section, row.line, numbered=numbered, printed=code
        )
        if not self.section and "." in code:
            task.section = code.split(".")[0]
        for name, text in values.items():
            task.add(name, text)
        self.fill_down(task, row)
        self.annex.count("task")
        self.annex.tasks.append(task)
        self.last = task

    def fill_down(self, task: DraftTask, row: Row) -> None:
        """Note fields taken from a merged cell above (Word, Excel, PDF) or filled from the task above."""
        columns = self.columns
        assert columns is not None
        for name in FIELDS:
            index = columns.fields.get(name)
            if index is not None and index < len(row.cells) and row.cells[index].merged:
                task.filled.append(name)
        if row.flattened and self.last is not None:
            for name in _FILL_DOWN:
                if not task.texts.get(name) and self.last.texts.get(name):
                    task.texts[name] = self.last.texts[name]
                    task.filled.append(name)

    def section_row(self, row: Row, filled: list[int]) -> bool:
        columns = self.columns
        assert columns is not None
        cells = row.cells
        code_index = columns.fields.get(CODE, 0)
        if len(filled) == 1:
            cell = cells[filled[0]]
            found = section_of(cell.text)
            if found is not None and (filled[0] == code_index or cell.bold):
                self.start_section(*found, label=printed_number(cell.text))
                return True
            if cell.bold and filled[0] != columns.fields.get(TITLE):
                self.annex.say(row.line, "import.bold_row", text=cell.text[:60])
                return True
            return False
        code = columns.get(cells, CODE).strip().rstrip(".")
        title = columns.get(cells, TITLE)
        if not title or any(columns.get(cells, name) for name in _DETAIL_FIELDS):
            return False
        number = section_number(code)
        if number is not None and (not code.isdigit() or CODE not in columns.fields):
            self.start_section(number, " ".join(title.split()), label=code)
            return True
        if code.isdigit():
            self.start_section(str(int(code)), " ".join(title.split()), label=code)
            return True
        return False

    def set_aside(self, row: Row) -> bool:
        """A row that is not a task: a total or a note line; named in the report with why."""
        assert self.columns is not None
        found = not_a_task(self.columns, row.cells)
        if found is not None:
            self.annex.say(row.line, found[0], text=found[1])
        return found is not None

    def unique(self, code: str, line: int) -> str:
        if code not in self.codes:
            self.codes.add(code)
            return code
        n = 2
        while f"{code}-{n}" in self.codes:
            n += 1
        renamed = f"{code}-{n}"
        self.codes.add(renamed)
        self.annex.say_task(renamed, "TT", "import.code_twice", code=code, line=line)
        return renamed


def _prefix_restarted_codes(annex: Annex) -> None:
    """Numbering that restarts in each section ("1, 2 | 1, 2") becomes "I.1, I.2 | II.1, II.2"."""
    plain = [t for t in annex.tasks if t.numbered and "." not in t.code and t.section]
    printed = [t.printed for t in plain]
    if len(set(printed)) == len(printed) or len({t.section for t in plain}) < 2:
        return
    renamed: dict[str, str] = {}
    for task in plain:
        new = f"{annex.labels.get(task.section, task.section)}.{task.printed}"
        renamed[task.code] = new
        task.code = new
    annex.report = [
        replace(p, where=("task", renamed[p.where[1]]))
        if p.where and p.where[0] == "task" and p.where[1] in renamed
        else p
        for p in annex.report
        if p.key != "import.code_twice"
    ]
    annex.report.append(Problem("import.codes_by_section", {"example": plain[-1].code}))


def walk(items: list[Item]) -> Annex:
    """Find the task annex among a document's rows and text lines and collect its tasks."""
    walker = _Walker()
    for item in items:
        if isinstance(item, TextLine):
            walker.text_line(item)
        else:
            walker.row(item)
    annex = walker.annex
    _prefix_restarted_codes(annex)
    for _table, (line, rows) in sorted(walker.outside.items()):
        if rows > 0:
            annex.count("outside")
            annex.counts["outside_rows"] = annex.counts.get("outside_rows", 0) + rows
            annex.say(line, "import.table_not_annex", rows=rows)
    return annex
