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
CODE, TITLE, ACTIONS, RESULT, LEADS, CO, WINDOW, START, END, NOTE = (
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
)

# (pattern on the folded heading, field); the first match wins, so the more
# specific headings come first ("nội dung hành động" before "nội dung").
_HEADINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"^s?tt\.?$|^so thu tu$", CODE),
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
_BUDGET = re.compile(r"kinh phi|don vi tinh|\bdvt\b|nguon von|ngan sach|so luong|^nam \d{4}$|^tong")


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
    if CODE not in fields or TITLE not in fields or not (others or has_time):
        return None
    if budget_header(cells) and LEADS not in fields:
        return None
    return ColumnMap(fields, len(cells), tuple(c.text for c in cells))


def budget_header(cells: list[Cell]) -> list[str]:
    """The budget headings of a row ("Kinh phí", "Đơn vị tính"...); empty when it is not one."""
    return [cell.text for cell in cells if is_budget_heading(cell.text)]
