"""Read catalog YAML files into the ``spec`` dataclasses and say what is wrong with them.

Loading is two steps. ``load_plan`` / ``load_directory`` check the *shape* of
one file (format key, required fields, types) and build the dataclasses;
``validate_plan`` checks the *meaning* against the agency directories (known
agencies, windows inside the period, unique codes, acyclic dependencies,
budget lines that name real tasks). Every problem is one sentence naming the
file, the task or row, and the field, so a person editing the YAML can find it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from engine.errors import InvalidDefinition, InvalidInput, NotFound
from engine.workdays import WorkingCalendar
from tasks_catalog.spec import (
    RECURRENCES,
    WORKFLOW_KINDS,
    AgencySpec,
    BudgetGroup,
    BudgetLine,
    BudgetSpec,
    CalendarSpec,
    DirectorySpec,
    LadderStep,
    LeadBySource,
    PlanSpec,
    ReportDeadline,
    SectionSpec,
    Target,
    TaskSpec,
    Window,
)

PLAN_FORMAT = "dondoc-plan/1"
AGENCIES_FORMAT = "dondoc-agencies/1"
LADDER_KEYWORDS = ("owner", "responsible")

_MISSING = object()


def catalog_dir() -> Path:
    """The folder of shipped catalog files (found next to this module, so it works installed)."""
    return Path(__file__).resolve().parent


def list_plan_ids() -> list[str]:
    """Ids of the plans shipped in ``plans/``, sorted."""
    return sorted(path.stem for path in (catalog_dir() / "plans").glob("*.yaml"))


def plan_path(plan_id: str) -> Path:
    """The shipped file of a plan id; raises NotFound naming the known ids."""
    path = catalog_dir() / "plans" / f"{plan_id}.yaml"
    if not path.is_file():
        known = ", ".join(list_plan_ids()) or "none"
        raise NotFound(f"No shipped plan '{plan_id}'; the known plan ids are: {known}.")
    return path


class _Reader:
    """Collects shape problems of one file while building its dataclasses.

    A missing or mistyped field is recorded and replaced by a harmless default
    so that one pass reports every problem of the file, not only the first.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def problem(self, where: str, key: str, text: str) -> None:
        place = f"{where}, field '{key}'" if where else f"field '{key}'"
        self.problems.append(f"{self.source}: {place}: {text}.")

    def get(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        kind: type,
        default: Any,
        required: bool = True,
    ) -> Any:
        value = data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.problem(where, key, "is missing; add it")
            return default
        # bool is an int in Python; a yes/no where a number belongs is a typo.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problem(where, key, f"must be {_kind_name(kind)}, not {value!r}")
            return default
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
        return str(self.get(data, key, where, str, "", required))

    def texts(self, data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        items = self.get(data, key, where, list, [], required=False)
        good = []
        for item in items:
            if isinstance(item, str):
                good.append(item)
            else:
                self.problem(where, key, f"must list quoted strings, not {item!r}")
        return tuple(good)

    def mappings(
        self, data: Mapping[str, Any], key: str, where: str, required: bool = False
    ) -> list[dict[str, Any]]:
        items = self.get(data, key, where, list, [], required)
        good = []
        for index, item in enumerate(items, start=1):
            if isinstance(item, dict):
                good.append(item)
            else:
                self.problem(where, key, f"entry {index} must be a mapping, not {item!r}")
        return good

    def window(
        self, data: Mapping[str, Any], key: str, where: str, required: bool = False
    ) -> Window | None:
        raw = self.get(data, key, where, dict, None, required)
        if raw is None:
            return None
        ends = [raw.get("start"), raw.get("end")]
        if not all(isinstance(year, int) and not isinstance(year, bool) for year in ends):
            self.problem(where, key, f"needs integer years 'start' and 'end', not {raw!r}")
            return None
        return Window(start=ends[0], end=ends[1])

    def finish(self, what: str) -> None:
        if self.problems:
            raise InvalidDefinition(
                _join(f"{self.source} is not a valid {what}", self.problems), self.problems
            )


def _kind_name(kind: type) -> str:
    names = {
        str: "a quoted string",
        int: "an integer",
        list: "a list",
        dict: "a mapping",
        bool: "true or false",
        dt.date: "a date (YYYY-MM-DD)",
    }
    return names.get(kind, kind.__name__)


def _join(headline: str, problems: Iterable[str]) -> str:
    listed = list(problems)
    return f"{headline} ({len(listed)} problem(s)): " + " ".join(listed)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise NotFound(f"Catalog file {path} does not exist; check the path.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidDefinition(f"{path}: cannot be read as UTF-8 text ({exc}).") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise InvalidDefinition(
            f"{path}: is not valid YAML{line} ({reason}); fix the syntax there "
            "(quote text that contains ': ' or a comma inside {{...}})."
        ) from exc


def _top(path: Path, expected_format: str) -> tuple[_Reader, dict[str, Any]]:
    data = _read_yaml(path)
    reader = _Reader(str(path))
    if not isinstance(data, dict):
        raise InvalidDefinition(
            f"{path}: must be a YAML mapping starting with 'format: {expected_format}'."
        )
    found = data.get("format")
    if found != expected_format:
        shown = "missing" if found is None else f"'{found}'"
        reader.problem("", "format", f"is {shown} but must be '{expected_format}'")
        reader.finish("catalog file")  # a wrong kind of file: other checks would only add noise
    return reader, data


# --------------------------------------------------------------------------- agencies


def load_directory(path: str | Path) -> DirectorySpec:
    """Parse one agency directory file (``format: dondoc-agencies/1``)."""
    path = Path(path)
    reader, data = _top(path, AGENCIES_FORMAT)
    agencies = []
    for index, raw in enumerate(reader.mappings(data, "agencies", "", required=True), start=1):
        where = f"agency {raw.get('code', f'#{index}')}"
        agencies.append(
            AgencySpec(
                code=reader.text(raw, "code", where),
                name_vi=reader.text(raw, "name_vi", where),
                name_en=reader.text(raw, "name_en", where),
                parent=reader.get(raw, "parent", where, str, None, required=False),
                also_reports_to=reader.texts(raw, "also_reports_to", where),
                aliases=reader.texts(raw, "aliases", where),
                group=reader.get(raw, "group", where, bool, False, required=False),
            )
        )
    directory = DirectorySpec(
        province=reader.text(data, "province", ""),
        name_vi=reader.text(data, "name_vi", ""),
        agencies=tuple(agencies),
        source=str(path),
    )
    for agency in directory.agencies:
        if agency.code and agency.province != directory.province:
            reader.problem(
                f"agency {agency.code}",
                "code",
                f"must start with the file's province '{directory.province}/'",
            )
    reader.finish("agency directory")
    return directory


def validate_directories(directories: Iterable[DirectorySpec]) -> list[str]:
    """Problems across directories: duplicate codes, unknown or cyclic parents."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for directory in directories:
        for agency in directory.agencies:
            if agency.code in seen:
                problems.append(
                    f"{directory.source}: agency {agency.code}, field 'code': "
                    f"is already defined in {seen[agency.code]}; keep one."
                )
            seen[agency.code] = directory.source
    agencies = {a.code: (a, d.source) for d in directories for a in d.agencies}
    for code, (agency, source) in agencies.items():
        for key, targets in (
            ("parent", [agency.parent] if agency.parent else []),
            ("also_reports_to", list(agency.also_reports_to)),
        ):
            for target in targets:
                if target not in agencies:
                    problems.append(
                        f"{source}: agency {code}, field '{key}': "
                        f"'{target}' is not a known agency code."
                    )
        chain = [code]
        parent = agency.parent
        while parent in agencies and parent not in chain:
            chain.append(parent)
            parent = agencies[parent][0].parent
        if parent == code:
            problems.append(
                f"{source}: agency {code}, field 'parent': the parents form a "
                f"cycle {' → '.join([*chain, code])}; one of them must point up."
            )
    return problems


def load_all_directories(dir: str | Path | None = None) -> dict[str, AgencySpec]:
    """Every agency of every directory file in ``dir`` (default: the shipped ones), by code."""
    folder = Path(dir) if dir is not None else catalog_dir() / "agencies"
    directories = [load_directory(path) for path in sorted(folder.glob("*.yaml"))]
    problems = validate_directories(directories)
    if problems:
        raise InvalidDefinition(
            _join(f"The agency directories in {folder} are inconsistent", problems)
        )
    return {agency.code: agency for d in directories for agency in d.agencies}


# --------------------------------------------------------------------------- plans


def _task_code(reader: _Reader, raw: dict[str, Any], index: int) -> str:
    code = raw.get("code")
    if isinstance(code, str):
        return code
    if code is None:
        reader.problem(f"task #{index}", "code", "is missing; add the code printed in the annex")
        return f"#{index}"
    # An unquoted 1.10 would silently become 1.1; insist on quotes.
    reader.problem(f"task {code}", "code", f'must be quoted as printed, e.g. "{code}"')
    return str(code)


def _task(reader: _Reader, raw: dict[str, Any], index: int) -> TaskSpec:
    code = _task_code(reader, raw, index)
    where = f"task {code}"
    leads = reader.texts(raw, "leads", where)
    if not leads and not raw.get("leads"):
        reader.problem(where, "leads", "is missing or empty; name at least one agency code")
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
        depends_on=reader.texts(raw, "depends_on", where),
        note=reader.text(raw, "note", where, required=False),
        lead_by_source=tuple(
            LeadBySource(
                source=reader.text(s, "source", f"{where} lead_by_source"),
                lead=reader.text(s, "lead", f"{where} lead_by_source"),
            )
            for s in reader.mappings(raw, "lead_by_source", where)
        ),
    )


def _budget(reader: _Reader, raw: dict[str, Any] | None) -> BudgetSpec | None:
    if raw is None:
        return None
    lines = []
    for index, line in enumerate(reader.mappings(raw, "lines", "budget"), start=1):
        where = f"budget line {index}"
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
            code=reader.text(g, "code", "budget group"),
            stated_total=_number(reader, g, "stated_total", "budget group", True) or 0.0,
        )
        for g in reader.mappings(raw, "groups", "budget")
    )
    return BudgetSpec(
        unit=reader.text(raw, "unit", "budget", required=False) or "million VND",
        lines=tuple(lines),
        groups=groups,
        stated_total=_number(reader, raw, "stated_total", "budget", required=False),
    )


def _number(
    reader: _Reader, raw: Mapping[str, Any], key: str, where: str, required: bool
) -> float | None:
    value = raw.get(key)
    if value is None:
        if required:
            reader.problem(where, key, "is missing; add it")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        reader.problem(where, key, f"must be a number, not {value!r}")
        return None
    return float(value)


def _issued(reader: _Reader, data: Mapping[str, Any]) -> dt.date:
    value = data.get("issued")
    if isinstance(value, dt.date):
        return value
    reader.problem("", "issued", f"must be a date written YYYY-MM-DD, not {value!r}")
    return dt.date(1970, 1, 1)


def _plan_parts(reader: _Reader, data: dict[str, Any]) -> dict[str, Any]:
    """The list-valued parts of a plan, each entry parsed."""
    step = reader.mappings
    return {
        "sections": tuple(
            SectionSpec(
                code=reader.text(s, "code", "section"), title=reader.text(s, "title", "section")
            )
            for s in step(data, "sections", "")
        ),
        "report_deadlines": tuple(
            ReportDeadline(
                every=reader.text(r, "every", "report deadline"),
                month=reader.get(r, "month", "report deadline", int, 12),
                day=reader.get(r, "day", "report deadline", int, 31),
                to=reader.texts(r, "to", "report deadline"),
            )
            for r in step(data, "report_deadlines", "")
        ),
        "targets": tuple(
            Target(
                code=reader.text(t, "code", "target"),
                text_vi=reader.text(t, "text_vi", f"target {t.get('code')}"),
                text_en=reader.text(t, "text_en", "target", required=False),
                figure=_number(reader, t, "figure", f"target {t.get('code')}", False),
                unit=reader.text(t, "unit", "target", required=False),
                year=reader.get(t, "year", f"target {t.get('code')}", int, None, False),
            )
            for t in step(data, "targets", "")
        ),
        "escalation": tuple(
            LadderStep(
                level=reader.get(e, "level", "escalation", int, 0),
                after_working_days=reader.get(e, "after_working_days", "escalation", int, 0),
                target=reader.text(e, "target", "escalation"),
            )
            for e in step(data, "escalation", "")
        ),
    }


def _calendar(reader: _Reader, data: Mapping[str, Any]) -> CalendarSpec | None:
    """The plan's ``calendar`` swaps, checked as the working-day calendar will read them."""
    raw = data.get("calendar")
    if raw is None:
        return None
    try:
        cal = WorkingCalendar.from_config(raw, source="calendar")
    except InvalidInput as error:
        # from_config names the list and the day; drop its "calendar: " prefix,
        # which the reader's own "field 'calendar'" already says.
        reader.problem("", "calendar", str(error).removeprefix("calendar: ").rstrip("."))
        return None
    return CalendarSpec(
        extra_days_off=tuple(sorted(cal.extra_days_off)),
        makeup_workdays=tuple(sorted(cal.makeup_workdays)),
    )


def load_plan(path: str | Path) -> PlanSpec:
    """Parse one plan file (``format: dondoc-plan/1``); raises InvalidDefinition on bad shape."""
    path = Path(path)
    reader, data = _top(path, PLAN_FORMAT)
    tasks = tuple(
        _task(reader, raw, index)
        for index, raw in enumerate(reader.mappings(data, "tasks", "", True), 1)
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
    plan = PlanSpec(
        id=reader.text(data, "id", ""),
        province=reader.text(data, "province", ""),
        title_vi=reader.text(data, "title_vi", ""),
        title_en=reader.text(data, "title_en", "", required=False),
        legal_ref=reader.text(data, "legal_ref", ""),
        issued=_issued(reader, data),
        period=reader.window(data, "period", "", required=True) or Window(0, 0),
        responsible=reader.text(data, "responsible", ""),
        tasks=tasks,
        budget=_budget(reader, reader.get(data, "budget", "", dict, None, required=False)),
        calendar=_calendar(reader, data),
        source=str(path),
        # Unknown top-level keys are kept, not rejected, so a newer file still loads.
        extra={k: v for k, v in data.items() if k not in known},
        **_plan_parts(reader, data),
    )
    reader.finish("plan file")
    return plan


def load_and_validate(path: str | Path, agencies: dict[str, AgencySpec] | None = None) -> PlanSpec:
    """Load a plan and check it against the agency directories; raise listing every problem."""
    plan = load_plan(path)
    problems = validate_plan(plan, agencies if agencies is not None else load_all_directories())
    if problems:
        raise InvalidDefinition(_join(f"{plan.source} is not a valid plan", problems))
    return plan


# --------------------------------------------------------------------------- meaning


def validate_plan(plan: PlanSpec, agencies: dict[str, AgencySpec]) -> list[str]:
    """Every problem of a parsed plan against the known agencies, one sentence each."""
    problems: list[str] = []
    say = _Reader(plan.source or plan.id)
    say.problems = problems
    checks: list[Callable[[PlanSpec, dict[str, AgencySpec], _Reader], None]] = [
        _check_plan_fields,
        _check_tasks,
        _check_dependencies,
        _check_budget,
    ]
    for check in checks:
        check(plan, agencies, say)
    return problems


def _check_agency(
    say: _Reader, where: str, key: str, code: str, agencies: Mapping[str, AgencySpec]
) -> None:
    if code not in agencies:
        say.problem(
            where,
            key,
            f"'{code}' is not a known agency code; add it to the "
            "agency directory or fix the spelling",
        )


def _check_plan_fields(plan: PlanSpec, agencies: dict[str, AgencySpec], say: _Reader) -> None:
    _check_agency(say, "", "responsible", plan.responsible, agencies)
    if plan.period.end < plan.period.start:
        say.problem("", "period", f"end {plan.period.end} is before start {plan.period.start}")
    if not plan.period.start <= plan.issued.year <= plan.period.end:
        say.problem(
            "",
            "issued",
            f"{plan.issued} is outside the period {plan.period.start}-{plan.period.end}",
        )
    for deadline in plan.report_deadlines:
        if deadline.every not in ("year", "half-year"):
            say.problem(
                "report deadline", "every", f"'{deadline.every}' must be 'year' or 'half-year'"
            )
        for code in deadline.to:
            _check_agency(say, "report deadline", "to", code, agencies)
    for step in plan.escalation:
        if step.target not in LADDER_KEYWORDS:
            _check_agency(say, f"escalation level {step.level}", "target", step.target, agencies)


def _check_tasks(plan: PlanSpec, agencies: dict[str, AgencySpec], say: _Reader) -> None:
    seen: set[str] = set()
    sections = {section.code for section in plan.sections}
    for task in plan.tasks:
        where = f"task {task.code}"
        if task.code in seen:
            say.problem(where, "code", "is used by more than one task; task codes must be unique")
        seen.add(task.code)
        if sections and task.section not in sections:
            say.problem(where, "section", f"'{task.section}' is not one of the plan's sections")
        if task.workflow not in WORKFLOW_KINDS:
            say.problem(
                where,
                "workflow",
                f"'{task.workflow}' is not a workflow kind; use one of {', '.join(WORKFLOW_KINDS)}",
            )
        if task.recurrence not in RECURRENCES:
            say.problem(
                where,
                "recurrence",
                f"'{task.recurrence}' is not a recurrence; use one of {', '.join(RECURRENCES)}",
            )
        for key, codes in (
            ("leads", task.leads),
            ("co", task.co),
            ("lead_by_source", tuple(s.lead for s in task.lead_by_source)),
        ):
            for code in codes:
                _check_agency(say, where, key, code, agencies)
        _check_window(plan, task, say)


def _check_window(plan: PlanSpec, task: TaskSpec, say: _Reader) -> None:
    window = task.window
    if window is None:
        return
    where = f"task {task.code}"
    if window.end < window.start:
        say.problem(where, "window", f"end {window.end} is before start {window.start}")
    elif window.start < plan.period.start or window.end > plan.period.end:
        say.problem(
            where,
            "window",
            f"{window.start}-{window.end} is outside the plan period "
            f"{plan.period.start}-{plan.period.end}",
        )


def _check_dependencies(plan: PlanSpec, agencies: dict[str, AgencySpec], say: _Reader) -> None:
    codes = {task.code for task in plan.tasks}
    graph: dict[str, list[str]] = {}
    for task in plan.tasks:
        for needed in task.depends_on:
            if needed not in codes:
                say.problem(
                    f"task {task.code}", "depends_on", f"'{needed}' is not a task of this plan"
                )
        graph[task.code] = [code for code in task.depends_on if code in codes]
    cycle = _find_cycle(graph)
    if cycle:
        say.problem(
            f"task {cycle[0]}",
            "depends_on",
            f"the dependencies form a cycle {' → '.join(cycle)}; remove one of them",
        )


def _find_cycle(graph: dict[str, list[str]]) -> list[str]:
    """One dependency cycle as a closed path (first code repeated at the end), or []."""
    done: set[str] = set()
    for start in graph:
        path: list[str] = []
        stack = [(start, iter(graph[start]))]
        path.append(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                done.add(node)
            elif child in path:
                return [*path[path.index(child) :], child]
            elif child not in done:
                stack.append((child, iter(graph[child])))
                path.append(child)
    return []


def _check_budget(plan: PlanSpec, agencies: dict[str, AgencySpec], say: _Reader) -> None:
    if plan.budget is None:
        return
    codes = {task.code for task in plan.tasks}
    for index, line in enumerate(plan.budget.lines, start=1):
        where = f"budget line {index} (task {line.task})"
        if line.task not in codes:
            say.problem(where, "task", f"'{line.task}' is not a task of this plan")
        if line.year is not None and not plan.period.start <= line.year <= plan.period.end:
            say.problem(
                where,
                "year",
                f"{line.year} is outside the plan period {plan.period.start}-{plan.period.end}",
            )
    sections = {section.code for section in plan.sections}
    for group in plan.budget.groups:
        if sections and group.code not in sections:
            say.problem(f"budget group {group.code}", "code", "is not one of the plan's sections")
