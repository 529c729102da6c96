"""Section headings of an annex: "II- Hoàn thiện ...", "5. Xây dựng", "A. Tuyên truyền".

A section's code is its number as the catalog keeps it ("II" -> "2", a letter
stays a letter); its label is the number as printed, which task codes carry
when numbering restarts in each section ("II.1").
"""

from __future__ import annotations

import re

from tasks_catalog.importer.columns import CODE, LEADS, ColumnMap
from tasks_catalog.importer.text import Cell, fold

_ROMAN = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
    "XI": 11,
    "XII": 12,
}
_SECTION = re.compile(
    r"^(?:phan\s+|muc\s+|nhiem vu\s+)?(?P<num>[ivx]{1,4}|\d{1,2}|[a-h])\s*[.\-–):]\s*(?P<title>[^\W\d_].*)$",
    re.S,
)
_LETTER = re.compile(r"^[A-H]$")


def section_number(printed: str) -> str | None:
    """A section's code from its number as printed: "3" -> "3", "II" -> "2", "A" -> "A"."""
    printed = printed.strip().rstrip(".")
    if printed.isdigit() and len(printed) <= 2:
        return str(int(printed))
    if printed.upper() != printed:
        return None
    if printed in _ROMAN:
        return str(_ROMAN[printed])
    return printed if _LETTER.match(printed) else None


def section_of(text: str) -> tuple[str, str] | None:
    """(number, title) when a line reads like a section heading: "II- Hoàn thiện ...", "5. Xây dựng", "A. ..."."""
    folded = fold(text)
    match = _SECTION.match(folded)
    if match is None:
        return None
    printed = text[match.start("num") : match.end("num")]
    code = section_number(printed)
    if code is None:
        return None
    title = " ".join(text[match.start("title") :].split()).rstrip(" .:")
    return code, title


def printed_number(text: str) -> str:
    match = re.match(r"^\W*(?:(?:Phần|Mục|Nhiệm vụ)\s+)?([IVXLA-H]{1,4}|\d{1,2})\b", text.strip())
    return match.group(1) if match else ""


def not_a_task(columns: ColumnMap, cells: list[Cell]) -> tuple[str, str] | None:
    """(report key, text) when a row inside the task table is a total or a note, not a task."""
    code = columns.get(cells, CODE).strip()
    first = next((c.text for c in cells if c.text), "")
    folded = fold(first).strip(" :.*")
    if not code and re.fullmatch(r"(tong cong|tong so|tong|cong)( kinh phi| so)?", folded):
        return "import.row_total", first[:60]
    if re.match(r"^(ghi chu|luu y)\b", folded) and not columns.get(cells, LEADS):
        return "import.row_note", first[:60]
    return None


def section_above_header(cells: list[Cell]) -> tuple[str, str] | None:
    """A section printed in a row of its own just above the header (Kon Tum's first table)."""
    texts = [c for c in cells if c.text]
    if len(texts) == 1 and (texts[0].bold or texts[0] is cells[0]):
        return section_of(texts[0].text)
    return None
