"""Text helpers shared by the importer: accent folding and cleaning a table cell.

Annexes are typed by hand, so the same heading or agency is spelled with and
without diacritics, in any case, with Markdown or HTML markup around it. Every
comparison the importer makes goes through ``fold``; every cell goes through
``clean_cell`` once, when it is read.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

_BOLD_HTML = re.compile(r"<\s*(b|strong)\b[^>]*>(.*?)<\s*/\s*\1\s*>", re.I | re.S)
_BOLD_MD = re.compile(r"\*\*(.+?)\*\*", re.S)
_LINE_BREAK = re.compile(r"<\s*br\s*/?\s*>|<\s*/?\s*(li|p|div|ul|ol|tr)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_STRIKE = re.compile(r"~~(.*?)~~", re.S)
_SPACES = re.compile(r"[ \t\u00a0]+")
_BULLET = re.compile(r"(?:^|(?<=\s))[-+•]\s+")


def fold(text: str) -> str:
    """Lower case without diacritics, one char per char (so offsets stay valid): "Sở" -> "so"."""
    out = []
    for char in text:
        if char in "đĐ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", char)[:1] or char
        out.append(base.lower()[:1] or base)
    return "".join(out)


def squash(text: str) -> str:
    """Collapse runs of spaces and trim, keeping line breaks (they separate list items)."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class Cell:
    """One table cell as plain text; ``bold`` when all of its text was bold (a section row).

    ``merged`` marks text repeated from a vertically merged cell above, so the
    report can say which fields were filled down.
    """

    text: str
    bold: bool = False
    merged: bool = False


def clean_cell(raw: str) -> Cell:
    """Turn a cell with Markdown/HTML markup into plain text, lists and breaks as newlines."""
    raw = unicodedata.normalize("NFC", raw)
    bold = _is_all_bold(raw)
    text = _BOLD_HTML.sub(lambda m: m.group(2), raw)
    text = _BOLD_MD.sub(lambda m: m.group(1), text)
    text = _STRIKE.sub(lambda m: m.group(1), text)
    text = _LINE_BREAK.sub("\n", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    return Cell(squash(text), bold)


def _is_all_bold(raw: str) -> bool:
    """True when the cell has bold markup and nothing outside it but spaces."""
    if not raw.strip():
        return False
    found = False
    rest = raw
    for pattern in (_BOLD_HTML, _BOLD_MD):
        if pattern.search(rest):
            found = True
            rest = pattern.sub(" ", rest)
    return found and not _TAG.sub("", rest).strip(" \t*")


def one_line(text: str) -> str:
    """A cell's text on one line (for titles and results)."""
    return " ".join(text.split())


def list_items(text: str) -> list[str]:
    """Split a cell into its list items ("- a - B" -> ["a", "B"]); one item when not a list."""
    text = text.strip()
    if not text:
        return []
    if not text.startswith(("-", "+", "•")):
        return [one_line(part) for part in text.split("\n") if part.strip()]
    # A dash starts an item at a line start or before a capital ("... của mạng
    # lưới - Hỗ trợ ..."), not inside a name ("Đài phát thanh - truyền hình").
    cuts = [
        m
        for m in _BULLET.finditer(text)
        if m.start() == 0
        or text[m.start() - 1] == "\n"
        or text[m.end() : m.end() + 1].isupper()
        or text[m.end() : m.end() + 1].isdigit()
    ]
    items = []
    for index, match in enumerate(cuts):
        stop = cuts[index + 1].start() if index + 1 < len(cuts) else len(text)
        item = one_line(text[match.end() : stop])
        if item:
            items.append(item)
    return items
