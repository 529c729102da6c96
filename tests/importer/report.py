"""The import report as ``dondoc catalog import --lang en`` words it, for assertions."""

from __future__ import annotations

from pathlib import Path

from notifiers.i18n import words
from tasks_catalog.importer import ImportResult


def lines(result: ImportResult) -> list[str]:
    """Each point of the report as one English line."""
    return [words("en").problem(point) for point in result.report]


def write(result: ImportResult, path: Path) -> Path:
    """Write the draft and its report as the command line does."""
    w = words("en")
    return result.write(path, lines(result), [w("cli.import.header"), w("cli.import.report_head")])


def to_yaml(result: ImportResult) -> str:
    w = words("en")
    return result.to_yaml(lines(result), [w("cli.import.header")])
