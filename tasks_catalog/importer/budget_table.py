"""Read a budget annex into budget lines (task, year, amount, source) instead of skipping it.

The layout of the budget annexes: a header with one column per year ("Năm
2017"), often split below into "Số lượng | Kinh phí", a total ("Tổng") and
the funding sources ("Nguồn kinh phí"), often split below into one column per
source ("Ngân sách TW | Ngân sách địa phương | Đối ứng từ DN"). Each row of a
task gives a line per year funded. When the row splits its total between
sources by amount, the years are not split by source in print, so the lines
are per source without a year (their sum is the row's total) and the yearly
amounts go to the report: nothing is invented and nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tasks_catalog.importer.text import Cell, fold

_YEAR = re.compile(r"^(?:nam\s*)?((?:19|20)\d{2})$")
_NUMBER = re.compile(r"^\s*(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(?=\s|$|\()")
# Printed source headings -> the slugs the shipped catalog uses.
_SOURCES = (
    ("trung uong", "ngan-sach-trung-uong"),
    (" tw", "ngan-sach-trung-uong"),
    ("doi ung", "doi-ung-doanh-nghiep"),
    ("dia phuong", "ngan-sach-dia-phuong"),
    ("ngan sach tinh", "ngan-sach-tinh"),
    ("moi truong", "su-nghiep-moi-truong"),
    ("khcn", "su-nghiep-khcn"),
    ("khuyen cong", "khuyen-cong"),
)


def amount(text: str) -> float | None:
    """ "2.000" -> 2000, "1,5" -> 1.5, "1.500 (sự nghiệp ...)" -> 1500; None when no number leads."""
    match = _NUMBER.match(text)
    if match is None:
        return None
    whole = float(match.group(1).replace(".", ""))
    return whole + float(f"0.{match.group(2)}") if match.group(2) else whole


def source_slug(text: str) -> str:
    folded = " " + " ".join(fold(text).split())
    for needle, slug in _SOURCES:
        if needle in folded:
            return slug
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:40] or "nguon-khac"


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


@dataclass
class BudgetTable:
    """Columns of one budget annex and the lines read from its rows."""

    headings: list[str]
    years: dict[int, int] = field(default_factory=dict)  # year -> amount column
    quantities: dict[int, int] = field(default_factory=dict)  # year -> quantity column
    sources: dict[int, str] = field(default_factory=dict)  # column -> source heading
    lines: list[dict[str, Any]] = field(default_factory=list)
    # (task, yearly amounts as printed) of rows whose sources split only the total.
    unsplit: list[tuple[str, str]] = field(default_factory=list)
    sub_header_seen: bool = False

    def __post_init__(self) -> None:
        folded = [" ".join(fold(h).split()) for h in self.headings]
        for index, heading in enumerate(folded):
            match = _YEAR.match(heading)
            if match:
                self.years[int(match.group(1))] = index
            elif heading.startswith(("nguon kinh phi", "nguon von")):
                self.sources[index] = self.headings[index]

    def sub_header(self, cells: list[Cell]) -> bool:
        """Take "Số lượng | Kinh phí" and the source names under the first header, once."""
        texts = [" ".join(fold(c.text).split()) for c in cells]
        if self.sub_header_seen or not any(texts) or texts[0] or amount(" ".join(texts)):
            return False
        if not any(t in ("so luong", "kinh phi") or "ngan sach" in t for t in texts):
            return False
        self.sub_header_seen = True
        starts = sorted(self.years.items(), key=lambda item: item[1])
        for number, (year, start) in enumerate(starts):
            stop = starts[number + 1][1] if number + 1 < len(starts) else len(texts)
            for index in range(start, min(stop, len(texts))):
                if texts[index] == "kinh phi":
                    self.years[year] = index
                elif texts[index] == "so luong":
                    self.quantities[year] = index
        if self.sources:
            first = min(self.sources)
            named = {i: cells[i].text for i in range(first, len(cells)) if cells[i].text}
            if named:
                self.sources = named
        return True

    def row(self, code: str, cells: list[Cell]) -> None:
        """Budget lines of the task ``code`` from one row."""
        texts = [c.text.strip() for c in cells]

        def at(index: int) -> str:
            return texts[index] if index < len(texts) else ""

        printed = {y: amount(at(i)) for y, i in self.years.items()}
        yearly = {y: a for y, a in printed.items() if a}
        shares = {i: amount(at(i)) for i in self.sources if at(i)}
        by_amount = {i: a for i, a in shares.items() if a is not None}
        named = [i for i, a in shares.items() if a is None]
        if len(by_amount) + len(named) > 1 and by_amount:
            total = sum(yearly.values())
            rest = total - sum(by_amount.values())
            for index, share in by_amount.items():
                self.lines.append(self._line(code, None, share, self.sources[index]))
            if named and rest > 0:
                self.lines.append(self._line(code, None, rest, self.sources[named[0]]))
            shown = ", ".join(f"{y}: {_number(a)}" for y, a in sorted(yearly.items()))
            self.unsplit.append((code, shown))
            return
        source = self.sources[named[0]] if len(named) == 1 and len(self.sources) > 1 else ""
        if len(self.sources) == 1 and named:
            source = at(named[0])
        for year, value in sorted(yearly.items()):
            line = self._line(code, year, value, source)
            quantity = amount(at(self.quantities[year])) if year in self.quantities else None
            if quantity:
                line["quantity"] = _number(quantity)
            self.lines.append(line)

    @staticmethod
    def _line(code: str, year: int | None, value: float, source: str) -> dict[str, Any]:
        line: dict[str, Any] = {"task": code}
        if year is not None:
            line["year"] = year
        line["amount"] = _number(value)
        if source:
            line["source"] = source_slug(source)
        return line
