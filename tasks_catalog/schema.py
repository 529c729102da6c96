"""Plan files (``format: dondoc-plan/1``): read into an ``engine.plan_spec.PlanSpec``.

Loading is two steps. ``load_plan`` checks the *shape* of one file (format
key, required fields, types) and builds the dataclasses;
``tasks_catalog.validation.validate_plan`` checks the *meaning* against the
agency directories (known agencies, windows inside the period, unique codes,
acyclic dependencies, budget lines that name real tasks, an escalation the
sweep can follow). Every problem names the file, the task or row, and the
field, so a person editing the YAML can find it.

The agency directories (``tasks_catalog.directories``) and the file helpers
(``tasks_catalog.files``) are re-exported here, where callers have always
found them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.errors import InvalidDefinition, InvalidInput, Problem
from engine.plan_spec import (
    AgencySpec,
    BudgetGroup,
    BudgetLine,
    BudgetSpec,
    CalendarSpec,
    LadderStep,
    LeadBySource,
    PlanSpec,
    ReportDeadline,
    SectionSpec,
    Target,
    TaskSpec,
    Window,
)
from engine.workdays import WorkingCalendar
from tasks_catalog.directories import (
    load_all_directories,
    load_directories,
    load_directory,
    validate_directories,
)
from tasks_catalog.files import (
    AGENCIES_FORMAT,
    PLAN_FORMAT,
    Reader,
    Where,
    catalog_dir,
    list_plan_ids,
    plan_path,
    read_top,
)

__all__ = [
    "AGENCIES_FORMAT",
    "PLAN_FORMAT",
    "catalog_dir",
    "list_plan_ids",
    "load_all_directories",
    "load_directories",
    "load_and_validate",
    "load_directory",
    "load_plan",
    "plan_path",
    "validate_directories",
    "validate_plan",
]


def _task_code(reader: Reader, raw: dict[str, Any], index: int) -> str:
    code = raw.get("code")
    if isinstance(code, str):
        return code
    if code is None:
        reader.problem(("task", f"#{index}"), "code", "task_code_missing")
        return f"#{index}"
    # An unquoted 1.10 would silently become 1.1; insist on quotes.
    reader.problem(("task", str(code)), "code", "code_not_quoted", code=str(code))
    return str(code)


def _task(reader: Reader, raw: dict[str, Any], index: int) -> TaskSpec:
    code = _task_code(reader, raw, index)
    where = ("task", code)
    leads = reader.texts(raw, "leads", where)
    if not leads and not raw.get("leads"):
        reader.problem(where, "leads", "no_leads")
    return TaskSpec(
        code=code,
        section=reader.text(raw, "section", where),
        title=reader.text(raw, "title", where),
        workflow=reader.text(raw, "workflow", where),
        leads=leads,
        co=reader.texts(raw, "co", where),
        actions=reader.texts(raw, "actions", where),
        result=reader.text(raw, "result", where, required=False),
        window=reader.window(raw, "window", where),
        recurrence=reader.get(raw, "recurrence", where, str, "once", required=False),
        due=_due(reader, raw, where),
        depends_on=reader.texts(raw, "depends_on", where),
        note=reader.text(raw, "note", where, required=False),
        lead_by_source=tuple(
            LeadBySource(
                source=reader.text(s, "source", where),
                lead=reader.text(s, "lead", where),
            )
            for s in reader.mappings(raw, "lead_by_source", where)
        ),
    )


_DUE = re.compile(r"(?:(?:19|20)\d{2}-)?(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")


def _due(reader: Reader, raw: dict[str, Any], where: Where) -> str | None:
    """A task's printed due day: "2027-06-30" (YAML may read it as a date) or "06-30"."""
    value = raw.get("due")
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
    match = _DUE.fullmatch(text)
    if match is None:
        reader.problem(where, "due", "due_format", value=_shown_due(text))
        return None
    try:
        dt.date(int(text[:4]) if len(text) == 10 else 2000, int(match[1]), int(match[2]))
    except ValueError:
        reader.problem(where, "due", "due_format", value=_shown_due(text))
        return None
    return text


def _shown_due(text: str) -> str:
    return text if len(text) <= 30 else text[:27] + "..."


def _budget(reader: Reader, raw: dict[str, Any] | None) -> BudgetSpec | None:
    if raw is None:
        return None
    lines = []
    for index, line in enumerate(reader.mappings(raw, "lines", ("budget", "")), start=1):
        where = ("budget_line", str(index))
        lines.append(
            BudgetLine(
                task=reader.text(line, "task", where),
                year=reader.get(line, "year", where, int, None, required=False),
                amount=_number(reader, line, "amount", where, required=True) or 0.0,
                source=reader.text(line, "source", where, required=False),
                quantity=_number(reader, line, "quantity", where, required=False),
                unit=reader.text(line, "unit", where, required=False),
            )
        )
    groups = tuple(
        BudgetGroup(
            code=reader.text(g, "code", ("budget_group", "")),
            stated_total=_number(
                reader, g, "stated_total", ("budget_group", str(g.get("code"))), True
            )
            or 0.0,
        )
        for g in reader.mappings(raw, "groups", ("budget", ""))
    )
    return BudgetSpec(
        unit=reader.text(raw, "unit", ("budget", ""), required=False) or "million VND",
        lines=tuple(lines),
        groups=groups,
        stated_total=_number(reader, raw, "stated_total", ("budget", ""), required=False),
    )


def _number(
    reader: Reader, raw: Mapping[str, Any], key: str, where: Where, required: bool
) -> float | None:
    value = raw.get(key)
    if value is None:
        if required:
            reader.problem(where, key, "missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        reader.problem(where, key, "not_a_number", value=repr(value)[:80])
        return None
    return float(value)


def _issued(reader: Reader, data: Mapping[str, Any]) -> dt.date:
    value = data.get("issued")
    if isinstance(value, dt.date):
        return value
    reader.problem(None, "issued", "not_a_date", value=repr(value)[:80])
    return dt.date(1970, 1, 1)


def _plan_parts(reader: Reader, data: dict[str, Any]) -> dict[str, Any]:
    """The list-valued parts of a plan, each entry parsed."""
    step = reader.mappings
    return {
        "sections": tuple(
            SectionSpec(
                code=reader.text(s, "code", ("section", "")),
                title=reader.text(s, "title", ("section", str(s.get("code", "")))),
            )
            for s in step(data, "sections", None)
        ),
        "report_deadlines": tuple(
            ReportDeadline(
                every=reader.text(r, "every", ("report_deadline", "")),
                month=reader.get(r, "month", ("report_deadline", ""), int, 12),
                day=reader.get(r, "day", ("report_deadline", ""), int, 31),
                to=reader.texts(r, "to", ("report_deadline", "")),
                by=reader.texts(r, "from", ("report_deadline", "")),
            )
            for r in step(data, "report_deadlines", None)
        ),
        "targets": tuple(
            Target(
                code=reader.text(t, "code", ("target", "")),
                text_vi=reader.text(t, "text_vi", ("target", str(t.get("code")))),
                text_en=reader.text(t, "text_en", ("target", str(t.get("code"))), required=False),
                figure=_number(reader, t, "figure", ("target", str(t.get("code"))), False),
                unit=reader.text(t, "unit", ("target", str(t.get("code"))), required=False),
                year=reader.get(t, "year", ("target", str(t.get("code"))), int, None, False),
                source=reader.text(t, "source", ("target", str(t.get("code"))), required=False),
            )
            for t in step(data, "targets", None)
        ),
        "escalation": tuple(
            LadderStep(
                level=reader.get(e, "level", ("escalation", ""), int, 0),
                after_working_days=reader.get(
                    e, "after_working_days", ("escalation_level", str(e.get("level"))), int, 0
                ),
                target=reader.text(e, "target", ("escalation_level", str(e.get("level")))),
            )
            for e in step(data, "escalation", None)
        ),
    }


def _calendar(reader: Reader, data: Mapping[str, Any]) -> CalendarSpec | None:
    """The plan's ``calendar`` swaps, checked as the working-day calendar will read them."""
    raw = data.get("calendar")
    if raw is None:
        return None
    try:
        cal = WorkingCalendar.from_config(raw, source="calendar")
    except InvalidInput as error:
        # from_config's sentence names the list ("calendar: makeup_workdays: ...") and the day.
        reader.problem(None, "", "error." + error.code, **error.facts)
        return None
    return CalendarSpec(
        extra_days_off=tuple(sorted(cal.extra_days_off)),
        makeup_workdays=tuple(sorted(cal.makeup_workdays)),
    )


#: The follow-up cycle's numbers a plan may set (engine.silence, engine.cycle_notices read them).
FOLLOW_UP_KEYS = ("report_reminder_working_days", "silence_working_days")


def _follow_up(reader: Reader, data: Mapping[str, Any]) -> None:
    """Check ``follow_up``: only its known keys, each a positive whole number of working days.

    The engine falls back to its defaults for a value it cannot use; a plan file
    that says ``silence_working_days: "20"`` or misspells a key would otherwise
    load and silently run on the defaults.
    """
    raw = reader.get(data, "follow_up", None, dict, None, required=False)
    if raw is None:
        return
    unknown = sorted(str(key) for key in raw if key not in FOLLOW_UP_KEYS)
    if unknown:
        reader.problem(
            None, "follow_up", "unknown_keys", keys=unknown, allowed=list(FOLLOW_UP_KEYS)
        )
    for key in FOLLOW_UP_KEYS:
        value = raw.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            reader.problem(
                None, f"follow_up.{key}", "not_positive_whole_number", value=repr(value)[:80]
            )


def load_plan(path: str | Path) -> PlanSpec:
    """Parse one plan file (``format: dondoc-plan/1``); raises InvalidDefinition on bad shape."""
    path = Path(path)
    reader, data = read_top(path, PLAN_FORMAT)
    tasks = tuple(
        _task(reader, raw, index)
        for index, raw in enumerate(reader.mappings(data, "tasks", None, True), 1)
    )
    known = {
        "format",
        "id",
        "province",
        "title_vi",
        "title_en",
        "legal_ref",
        "issued",
        "period",
        "responsible",
        "tasks",
        "sections",
        "report_deadlines",
        "targets",
        "escalation",
        "budget",
        "calendar",
    }
    _follow_up(reader, data)
    plan = PlanSpec(
        id=reader.text(data, "id", None),
        province=reader.text(data, "province", None),
        title_vi=reader.text(data, "title_vi", None),
        title_en=reader.text(data, "title_en", None, required=False),
        legal_ref=reader.text(data, "legal_ref", None),
        issued=_issued(reader, data),
        period=reader.window(data, "period", None, required=True) or Window(0, 0),
        responsible=reader.text(data, "responsible", None),
        tasks=tasks,
        budget=_budget(reader, reader.get(data, "budget", None, dict, None, required=False)),
        calendar=_calendar(reader, data),
        source=str(path),
        # Unknown top-level keys are kept, not rejected, so a newer file still loads.
        extra={k: v for k, v in data.items() if k not in known},
        **_plan_parts(reader, data),
    )
    reader.finish("plan_file")
    return plan


def load_and_validate(path: str | Path, agencies: dict[str, AgencySpec] | None = None) -> PlanSpec:
    """Load a plan and check it against the agency directories; raise listing every problem."""
    plan = load_plan(path)
    problems = validate_plan(plan, agencies if agencies is not None else load_all_directories())
    if problems:
        raise InvalidDefinition("invalid_plan", problems=problems, file=plan.source)
    return plan


def validate_plan(plan: PlanSpec, agencies: dict[str, AgencySpec]) -> list[Problem]:
    """Every problem of a parsed plan's meaning (``tasks_catalog.validation``)."""
    from tasks_catalog.validation import validate_plan as check

    return check(plan, agencies)
