"""What a plan file means, checked against the agency directories: ``dondoc catalog validate``.

``validate_plan`` finds every problem of a parsed plan, one ``Problem`` each:
known agencies, windows inside the period, unique task codes, a workflow
kind the registry knows, acyclic dependencies, budget lines naming real
tasks, and an escalation the sweep can follow (the same rule as the sweep
and ``catalog load``: ``engine.ladder.escalation_problems``).
``validate_files`` runs it over several files for the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import workflows
from engine import ladder
from engine.errors import InvalidDefinition, Problem
from engine.plan_spec import RECURRENCES, AgencySpec, PlanSpec, TaskSpec
from tasks_catalog import schema
from tasks_catalog.directories import directories_for_plan, directory_file_problems
from tasks_catalog.files import AGENCIES_FORMAT, Reader, Where, read_yaml

REPORT_PERIODS = ("year", "half-year")

Check = Callable[[PlanSpec, dict[str, AgencySpec], Reader], None]


def validate_plan(plan: PlanSpec, agencies: dict[str, AgencySpec]) -> list[Problem]:
    """Every problem of a parsed plan against the known agencies."""
    say = Reader(plan.source or plan.id)
    checks: list[Check] = [
        _check_plan_fields,
        _check_tasks,
        _check_dependencies,
        _check_budget,
        _check_escalation,
    ]
    for check in checks:
        check(plan, agencies, say)
    return say.problems


def validate_files(paths: list[Path]) -> tuple[list[Problem], list[tuple[str, Path]]]:
    """Return (problems, [(plan id, path) of the valid files])."""
    problems: list[Problem] = []
    valid: list[tuple[str, Path]] = []
    for path in paths:
        if not path.is_file():
            problems.append(Problem("no_such_file", source=str(path)))
            continue
        if _is_directory_file(path):
            found, province = directory_file_problems(path)
            problems.extend(found)
            if not found:
                valid.append((province, path))
            continue
        agencies = directories_for_plan(path)
        try:
            plan = schema.load_plan(path)
        except InvalidDefinition as exc:
            problems.extend(exc.problems or [Problem(f"error.{exc.code}", exc.facts)])
            continue
        found = validate_plan(plan, agencies)
        if found:
            problems.extend(found)
        else:
            valid.append((plan.id, path))
    return problems, valid


def _is_directory_file(path: Path) -> bool:
    """Whether ``path`` says it is an agency directory (``format: dondoc-agencies/1``)."""
    try:
        data = read_yaml(path)
    except InvalidDefinition:
        return False
    return isinstance(data, dict) and data.get("format") == AGENCIES_FORMAT


def _check_agency(
    say: Reader, where: Where, key: str, code: str, agencies: Mapping[str, AgencySpec]
) -> None:
    if code not in agencies:
        say.problem(where, key, "unknown_agency", agency=code)


def _check_plan_fields(plan: PlanSpec, agencies: dict[str, AgencySpec], say: Reader) -> None:
    _check_agency(say, None, "responsible", plan.responsible, agencies)
    period = plan.period
    if period.end < period.start:
        say.problem(None, "period", "period_reversed", start=period.start, end=period.end)
    if not period.start <= plan.issued.year <= period.end:
        say.problem(
            None,
            "issued",
            "issued_outside_period",
            issued=plan.issued.isoformat(),
            start=period.start,
            end=period.end,
        )
    for deadline in plan.report_deadlines:
        if deadline.every not in REPORT_PERIODS:
            say.problem(
                ("report_deadline", ""),
                "every",
                "unknown_report_period",
                every=deadline.every,
                known=list(REPORT_PERIODS),
            )
        for code in deadline.to:
            _check_agency(say, ("report_deadline", ""), "to", code, agencies)
        for code in deadline.by:
            _check_agency(say, ("report_deadline", ""), "from", code, agencies)


def _check_tasks(plan: PlanSpec, agencies: dict[str, AgencySpec], say: Reader) -> None:
    seen: set[str] = set()
    sections = {section.code for section in plan.sections}
    kinds = workflows.names()
    for task in plan.tasks:
        where = ("task", task.code)
        if task.code in seen:
            say.problem(where, "code", "code_twice")
        seen.add(task.code)
        if sections and task.section not in sections:
            say.problem(where, "section", "unknown_section", section=task.section)
        if task.workflow not in kinds:
            say.problem(where, "workflow", "unknown_workflow", workflow=task.workflow, known=kinds)
        if task.recurrence not in RECURRENCES:
            say.problem(
                where,
                "recurrence",
                "unknown_recurrence",
                recurrence=task.recurrence,
                known=list(RECURRENCES),
            )
        for key, codes in (
            ("leads", task.leads),
            ("co", task.co),
            ("lead_by_source", tuple(s.lead for s in task.lead_by_source)),
        ):
            for code in codes:
                _check_agency(say, where, key, code, agencies)
        _check_window(plan, task, say)
        _check_actions(task, say)
        _check_due(plan, task, say)


def _check_actions(task: TaskSpec, say: Reader) -> None:
    """An action that starts in lower case is a piece of a sentence cut at a comma.

    YAML reads ``actions: [Xác định đầu mối, bổ sung chức năng]`` as two items;
    the printed annex had one sentence. Write the list one ``- `` line per item.
    """
    for number, action in enumerate(task.actions, start=1):
        first = action.lstrip(" -+•(\"'")[:1]
        if first.isalpha() and first.islower():
            say.problem(
                ("task", task.code), "actions", "action_fragment", item=number, text=action[:60]
            )


def _check_due(plan: PlanSpec, task: TaskSpec, say: Reader) -> None:
    """A one-off task's due day is a date in its window; a recurring task's is a day of the year."""
    if task.due is None:
        return
    where = ("task", task.code)
    dated = len(task.due) == 10
    if task.recurrence == "once" and not dated:
        say.problem(where, "due", "due_needs_year", due=task.due)
    elif task.recurrence != "once" and dated:
        say.problem(where, "due", "due_recurring_with_year", due=task.due)
    elif dated:
        window = task.window or plan.period
        if not window.start <= int(task.due[:4]) <= window.end:
            say.problem(
                where, "due", "due_outside_window", due=task.due, start=window.start, end=window.end
            )


def _check_window(plan: PlanSpec, task: TaskSpec, say: Reader) -> None:
    window = task.window
    if window is None:
        return
    where = ("task", task.code)
    if window.end < window.start:
        say.problem(where, "window", "window_reversed", start=window.start, end=window.end)
    elif window.start < plan.period.start or window.end > plan.period.end:
        say.problem(
            where,
            "window",
            "window_outside_period",
            start=window.start,
            end=window.end,
            period_start=plan.period.start,
            period_end=plan.period.end,
        )


def _check_dependencies(plan: PlanSpec, agencies: dict[str, AgencySpec], say: Reader) -> None:
    codes = {task.code for task in plan.tasks}
    graph: dict[str, list[str]] = {}
    for task in plan.tasks:
        for needed in task.depends_on:
            if needed not in codes:
                say.problem(("task", task.code), "depends_on", "unknown_task", task=needed)
        graph[task.code] = [code for code in task.depends_on if code in codes]
    cycle = _find_cycle(graph)
    if cycle:
        say.problem(("task", cycle[0]), "depends_on", "dependency_cycle", cycle=" → ".join(cycle))


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


def _check_budget(plan: PlanSpec, agencies: dict[str, AgencySpec], say: Reader) -> None:
    if plan.budget is None:
        return
    codes = {task.code for task in plan.tasks}
    for index, line in enumerate(plan.budget.lines, start=1):
        where = ("budget_line", str(index))
        if line.task not in codes:
            say.problem(where, "task", "unknown_task", task=line.task)
        if line.year is not None and not plan.period.start <= line.year <= plan.period.end:
            say.problem(
                where,
                "year",
                "year_outside_period",
                year=line.year,
                start=plan.period.start,
                end=plan.period.end,
            )
    sections = {section.code for section in plan.sections}
    for group in plan.budget.groups:
        if sections and group.code not in sections:
            say.problem(("budget_group", group.code), "code", "unknown_section", section=group.code)


def _check_escalation(plan: PlanSpec, agencies: dict[str, AgencySpec], say: Reader) -> None:
    """The sweep's own rule: a plan it could not escalate is refused here, not at the sweep."""
    if plan.responsible not in agencies:
        return  # already reported; the ladder cannot be resolved without it
    leads = {t.code: [c for c in t.leads if c in agencies] or list(t.leads) for t in plan.tasks}
    for problem in ladder.escalation_problems(
        plan.escalation,
        province=plan.province,
        responsible=plan.responsible,
        leads_by_task=leads,
        parents={code: a.parent for code, a in agencies.items()},
    ):
        say.problem(problem.where, problem.field, problem.code, **problem.facts)
