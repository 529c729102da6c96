"""A plan draft's problems worded for the board: the words of its page, not of a plan file.

The importer's report and the loader's refusals speak as a plan file does:
agencies by code, fields by their keys (``co``, ``leads``), days as
YYYY-MM-DD. The draft page (``web.uploads``) names agencies by name, fields
by the labels of its own table ("Cơ quan phối hợp") and days as people write
them (30/06/2027), so the officer finds what to correct where the page shows it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from engine.errors import DondocError, InvalidDefinition
from notifiers.i18n import Words, words
from tasks_catalog.uploads import agency_choices
from workflows.errors import Problem

# A plan file's keys -> the label of the draft page's column or field that holds them.
FIELD_LABELS = {
    "leads": "board.leads",
    "lead_by_source": "board.leads",
    "co": "board.co_agencies",
    "title": "board.draft_task_title",
    "workflow": "board.draft_workflow",
    "recurrence": "board.draft_recurrence",
    "due": "board.draft_time",
    "window": "board.draft_time",
    "issued": "board.draft_issued",
    "legal_ref": "board.draft_legal_ref",
}
# A problem of the file and the sentence the board says instead: the loader says a code is
# unknown, but on the board it is a name the annex printed or the officer typed.
BOARD_CODES = {"unknown_agency": "board.draft_agency_not_in_directory"}
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def worded(w: Words, exc: DondocError, names: Mapping[str, str] | None = None) -> list[str]:
    """The refusal's sentence, then each problem of a file on its own line, agencies by name."""
    if isinstance(exc, InvalidDefinition) and exc.problems:
        # The file is dondoc's own temporary copy: the problems are the draft's.
        head = w.plural("board.draft_problems", len(exc.problems))
        return [head] + [w.problem(on_board(p, names or {}, w, source="")) for p in exc.problems]
    return [w.error(exc, face="board")]


def agency_names(province: str, unknown: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Agency code -> name in each language: the province's directory and the annex's own."""
    choices = agency_choices(province)
    return {
        "vi": {**{a.code: a.name_vi for a in choices}, **unknown},
        "en": {**{a.code: a.name_en for a in choices}, **unknown},
    }


def points(report: list[Any], province: str, unknown: dict[str, str]) -> list[dict[str, Any]]:
    """The import report as stored with the draft: the task each point concerns, both languages.

    People read agencies by name, not by code, and the plan's points stand above
    the table that is the plan: neither names a code.
    """
    names = agency_names(province, unknown)
    found = []
    for point in report:
        kind, name = point.where or ("", "")
        said = {}
        for lang in ("vi", "en"):
            w = words(lang)
            shown = on_board(point, names[lang], w, where=point.where if kind == "task" else None)
            said[lang] = w.problem(shown)
        found.append({"task": name if kind == "task" else None, **said})
    return found


def on_board(problem: Problem, names: Mapping[str, str], w: Words, **changes: Any) -> Problem:
    """``problem`` as the board words it: its field by the page's label, its facts plain."""
    code = BOARD_CODES.get(problem.code, problem.code)
    label = FIELD_LABELS.get(problem.field)
    field = w(label) if label else problem.field
    facts = plain(problem.facts, names, w)
    return dataclasses.replace(problem, code=code, field=field, facts=facts, **changes)


def plain(facts: Mapping[str, Any], names: Mapping[str, str], w: Words) -> dict[str, Any]:
    """Facts as the board words them: agencies by name, a workflow or recurrence by its label
    (the importer's report names ``recurring_activity`` and ``half_yearly`` as a plan file does),
    days as people write them."""
    shown = {}
    for key, value in facts.items():
        if key == "workflow" and isinstance(value, str) and w.has(f"workflow.{value}"):
            shown[key] = w.workflow(value)
        elif key == "recurrence" and isinstance(value, str) and w.has(f"board.recurrence.{value}"):
            label = w(f"board.recurrence.{value}")
            shown[key] = label[:1].lower() + label[1:]
        elif isinstance(value, str) and _ISO_DAY.match(value):
            shown[key] = _day(w, value)
        elif key == "due" and isinstance(value, str) and w.lang == "vi" and _MONTH_DAY.match(value):
            # A recurring task's day of the year ("12-15"), as Vietnamese writes it: 15/12.
            month, day = value.split("-")
            shown[key] = f"{day}/{month}"
        else:
            shown[key] = _named(value, names)
    return shown


def _day(w: Words, value: str) -> str:
    try:
        return w.date(value)
    except ValueError:  # not a real day (the very thing being refused): as written
        return value


def _named(value: Any, names: Mapping[str, str]) -> Any:
    if isinstance(value, list):
        return [names.get(v, v) if isinstance(v, str) else v for v in value]
    return names.get(value, value) if isinstance(value, str) else value
