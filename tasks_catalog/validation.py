"""``dondoc catalog validate``: every problem of several catalog files, one line each."""

from __future__ import annotations

from pathlib import Path

from engine.errors import InvalidDefinition
from tasks_catalog import schema


def validate_files(paths: list[Path]) -> tuple[list[str], list[tuple[str, Path]]]:
    """Return (problems, [(plan id, path) of the valid files])."""
    problems: list[str] = []
    valid: list[tuple[str, Path]] = []
    agencies = schema.load_all_directories()
    for path in paths:
        if not path.is_file():
            problems.append(f"{path}: no such file.")
            continue
        try:
            plan = schema.load_plan(path)
        except InvalidDefinition as exc:
            problems.extend(exc.problems)
            continue
        found = schema.validate_plan(plan, agencies)
        if found:
            problems.extend(found)
        else:
            valid.append((plan.id, path))
    return problems, valid
