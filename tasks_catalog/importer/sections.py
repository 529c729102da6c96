"""Section headings of an annex: "II- Hoàn thiện ...", "5. Xây dựng", "A. Tuyên truyền".

A section's code is its number as the catalog keeps it ("II" -> "2", a letter
stays a letter); its label is the number as printed, which task codes carry
when numbering restarts in each section ("II.1").
"""

from __future__ import annotations

import re

from tasks_catalog.importer.text import fold

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
