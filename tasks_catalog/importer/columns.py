"""Recognise an annex's header row: which column holds the code, the task, the leads, the time.

Headings are matched accent- and case-insensitively and in any order. A row
is a task header when it has a code column (TT/STT), a task column and at
least one more task field; a budget header ("Kinh phí", "Đơn vị tính",
"Nguồn kinh phí", "Năm 2017") is recognised too, so the budget annex is
skipped knowingly rather than read as tasks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks_catalog.importer.text import Cell, fold

# Task fields a column can hold.
CODE, TITLE, ACTIONS, RESULT, LEADS, CO, WINDOW, START, END, NOTE, BUDGET, SOURCE, REF = (
    "code",
    "title",
    "actions",
    "result",
    "leads",
    "co",
    "window",
    "start",
    "end",
    "note",
    "budget",
    "source",
    "ref",
)

# (pattern on the folded heading, field); the first match wins, so the more
# specific headings come first ("nội dung hành động" before "nội dung").
_HEADINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"^s?tt\.?$|^so thu tu$", CODE),
        # A column of cross-reference numbers ("Mục tiêu số", "Nhiệm vụ số", "Mã
        # nhiệm vụ") is never the task's title.
        (r"^(muc tieu|nhiem vu|giai phap) so$|^ma (so|nhiem vu)|tham chieu", REF),
        (r"nguon (kinh phi|von)|nguon$", SOURCE),
        (r"^kinh phi|^du toan", BUDGET),
        (r"noi dung hanh dong|muc dich|hoat dong cu the|giai phap thuc hien", ACTIONS),
        (r"ket qua|san pham", RESULT),
        (r"phoi hop", CO),
        (
            r"co quan (thuc hien|chu tri)|don vi (thuc hien|chu tri)|trach nhiem|chu tri"
            r"|^co quan$|^don vi$",
            LEADS,
        ),
        (r"thoi gian|tien do|thoi han", WINDOW),
        (r"bat dau|^tu nam$", START),
        (r"ket thuc|hoan thanh|^den nam$", END),
        (r"ghi chu", NOTE),
        (r"nhiem vu|ten nhiem vu|noi dung|cong viec|ten de an", TITLE),
    )
)
_BUDGET = re.compile(
    r"kinh phi|don vi tinh|\bdvt\b|nguon von|^ngan sach|so luong|^nam \d{4}$|^tong( cong| so)?$"
)
# A cell no header holds: a task code or an amount ("5", "1.2", "2.000").
_NOT_HEADING = re.compile(r"^\d{1,2}(\.\d{1,2})*\.?$|^\d{1,3}([.,]\d{3})+$")


def heading_field(text: str) -> str | None:
    """The task field a heading names, or None ("Kết quả dự kiến đạt được" -> "result")."""
    folded = " ".join(fold(text).replace("\n", " ").split()).strip(" :.*")
    if not folded or len(folded) > 60:
        return None
    for pattern, name in _HEADINGS:
        if pattern.search(folded):
            return name
    return None


def is_budget_heading(text: str) -> bool:
    folded = " ".join(fold(text).split())
    return bool(folded) and len(folded) <= 60 and bool(_BUDGET.search(folded))


@dataclass(frozen=True)
class ColumnMap:
    """Where each task field sits in a table's rows (index per field), and the header's width."""

    fields: dict[str, int]
    width: int
    headings: tuple[str, ...]

    def get(self, cells: list[Cell], name: str) -> str:
        index = self.fields.get(name)
        if index is None or index >= len(cells):
            return ""
        return cells[index].text


def task_header(cells: list[Cell]) -> ColumnMap | None:
    """The column map when this row is a task annex header, else None."""
    fields: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = heading_field(cell.text)
        if name is None:
            continue
        if name == TITLE and TITLE in fields:
            # A second "Nội dung" column after "Nhiệm vụ" holds the actions.
            name = ACTIONS
        fields.setdefault(name, index)
    has_time = WINDOW in fields or START in fields
    others = {ACTIONS, RESULT, LEADS, CO} & fields.keys()
    if TITLE not in fields or not (others or has_time):
        return None
    # Without a TT column the row is a header only when it names the task,
    # who leads it and one more field (a national table: "Nhiệm vụ | Cơ quan
    # chủ trì | Thời gian"); a row of running text would not.
    if CODE not in fields and (LEADS not in fields or len(fields) < 3):
        return None
    if any(_NOT_HEADING.match(cell.text.strip()) for cell in cells):
        return None
    if budget_header(cells) and LEADS not in fields:
        return None
    return ColumnMap(fields, len(cells), tuple(c.text for c in cells))


def budget_header(cells: list[Cell]) -> list[str]:
    """The budget headings of a row ("Kinh phí", "Đơn vị tính"...); empty when it is not one.

    A row holding a task code or an amount is a row of content, whatever its
    words ("5 | Tổng kết ... Năm 2030 | ... | 100 | Ngân sách tỉnh").
    """
    if any(_NOT_HEADING.match(cell.text.strip()) for cell in cells):
        return []
    return [cell.text for cell in cells if is_budget_heading(cell.text)]


def header_continuation(cells: list[Cell]) -> dict[str, int] | None:
    """The fields of a second header row ("Chủ trì | Phối hợp" under "Đơn vị thực hiện"), or None.

    Every filled cell must be a heading; cells repeated from merged headings
    above are allowed.
    """
    fields: dict[str, int] = {}
    filled = 0
    for index, cell in enumerate(cells):
        if not cell.text:
            continue
        filled += 1
        name = heading_field(cell.text)
        if name is None and not is_budget_heading(cell.text):
            return None
        if name is not None:
            fields.setdefault(name, index)
    return fields if filled else None


def merge_header(columns: ColumnMap, more: dict[str, int], cells: list[Cell]) -> ColumnMap:
    """A header with its second row: the lower headings win for the columns they name."""
    fields = {name: index for name, index in columns.fields.items() if index not in more.values()}
    fields.update(more)
    headings = tuple(
        low.text if low.text and low.text != high else high
        for high, low in zip(columns.headings, [*cells, *[Cell("")] * columns.width], strict=False)
    )
    return ColumnMap(fields, columns.width, headings)


def unused_headings(headers: list[ColumnMap]) -> list[str]:
    """Headings of task-table columns that no task field holds, once each."""
    names: list[str] = []
    for header in headers:
        used = set(header.fields.values())
        for index, heading in enumerate(header.headings):
            if heading and index not in used and heading not in names:
                names.append(heading)
    return names
