"""Rebuild a table printed without ruling lines from where its words sit on a PDF page.

The header row is found by meaning (the same headings as any annex: a line
whose word groups read as a task header); its headings fix the columns, each
running from where its heading starts to where the next one starts. Below it, lines closer together than the gap
between rows are one row (a cell's text wrapped over several lines), and each
word goes to the column it starts in.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from tasks_catalog.importer.columns import task_header
from tasks_catalog.importer.text import Cell


@dataclass
class _Line:
    top: float
    bottom: float
    words: list[dict[str, Any]]


@dataclass
class UnruledTable:
    """Rows of cells, and the box the table covers (so the text around it is read apart)."""

    rows: list[list[Cell]]
    bbox: tuple[float, float, float, float]
    bounds: list[float]


def _lines(words: list[dict[str, Any]]) -> list[_Line]:
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(word["top"] - lines[-1].top) <= 2:
            lines[-1].words.append(word)
            lines[-1].bottom = max(lines[-1].bottom, word["bottom"])
        else:
            lines.append(_Line(word["top"], word["bottom"], [word]))
    for line in lines:
        line.words.sort(key=lambda w: w["x0"])
    return lines


def _groups(line: _Line) -> list[tuple[float, float, str]]:
    """Words of a line joined where they are closer than a wide gap: (x0, x1, text)."""
    groups: list[tuple[float, float, str]] = []
    for word in line.words:
        size = word["bottom"] - word["top"]
        if groups and word["x0"] - groups[-1][1] < size * 0.8:
            x0, _, text = groups[-1]
            groups[-1] = (x0, word["x1"], f"{text} {word['text']}")
        else:
            groups.append((word["x0"], word["x1"], word["text"]))
    return groups


def _text(words: list[dict[str, Any]]) -> Cell:
    text = unicodedata.normalize("NFC", " ".join(w["text"] for w in words))
    bold = bool(words) and all("bold" in w.get("fontname", "").lower() for w in words)
    return Cell(text, bold)


def unruled_table(page: Any, above: list[float] | None = None) -> UnruledTable | None:
    """The task table of ``page`` read from word positions, or None when no header is found.

    ``above`` are the column bounds of a table on the page before: a page
    without a header of its own continues that table from its first line.
    """
    words = page.extract_words(extra_attrs=["fontname"])
    lines = _lines(words)
    if not lines:
        return None
    rows: list[list[Cell]] = []
    for index, line in enumerate(lines):
        groups = _groups(line)
        if len(groups) >= 3 and task_header([Cell(g[2]) for g in groups]) is not None:
            # Headings are printed where their columns start (left aligned, as the cells are).
            bounds = [b[0] - 2 for b in groups[1:]]
            rows.append([Cell(g[2]) for g in groups])
            body = lines[index + 1 :]
            break
    else:
        if above is None:
            return None
        bounds, body, line = above, lines, lines[0]
    if body:
        gaps = [b.top - a.bottom for a, b in zip(body, body[1:], strict=False)]
        close = min(gaps) if gaps else 0.0
        chunk: list[_Line] = [body[0]]
        for previous, current in zip(body, body[1:], strict=False):
            if current.top - previous.bottom > close + 1.5:
                rows.append(_row(chunk, bounds))
                chunk = []
            chunk.append(current)
        rows.append(_row(chunk, bounds))
    x0 = min(w["x0"] for w in words)
    x1 = max(w["x1"] for w in words)
    bottom = body[-1].bottom if body else line.bottom
    return UnruledTable(rows, (x0, line.top, x1, bottom), bounds)


def _row(lines: list[_Line], bounds: list[float]) -> list[Cell]:
    columns: list[list[dict[str, Any]]] = [[] for _ in range(len(bounds) + 1)]
    for line in lines:
        for word in line.words:
            column = sum(1 for bound in bounds if word["x0"] >= bound)
            columns[column].append(word)
    return [_text(words) for words in columns]
