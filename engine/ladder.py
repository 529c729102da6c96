"""Escalation ladder arithmetic: when an overdue occurrence reaches each level, and whom it presses.

The default ladder (DESIGN.md), counted in Vietnamese working days after the
due day:

- level 1 on the first working day overdue -> the owner (first lead agency),
  co-operating agencies in copy;
- level 2 at 10 working days -> the plan's responsible department, or its
  parent when the responsible department is itself a lead of the task;
- level 3 at 20 working days -> the Provincial People's Committee (UBND tỉnh).

A step with ``after_working_days = k`` is reached on the k-th working day
after the due day. The due day itself never counts, and neither do weekends,
holidays or Tết, so a step can be reached weeks after the calendar says.

Reminders before the due day count calendar days: they tell people what is
coming, and "14 days before" is how people read a deadline. Per-state time
limits ("30 days in consulting") count calendar days too, and the day they
give is then escalated on working days like any due day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Container, Iterable, Mapping, Sequence
from itertools import pairwise
from typing import Any

from engine.errors import InvalidDefinition, InvalidInput, Problem
from engine.plan_spec import LadderStep
from engine.workdays import WorkingCalendar

# The one vocabulary of a step's target (plan files, the default ladder, the
# sweep): the task's owner, the plan's responsible department, or an agency
# (a full code, or the abbreviation of an agency of the plan's province).
OWNER = "owner"
RESPONSIBLE = "responsible"
UBND = "ubnd"

DEFAULT_LADDER: tuple[LadderStep, ...] = (
    LadderStep(level=1, after_working_days=1, target=OWNER),
    LadderStep(level=2, after_working_days=10, target=RESPONSIBLE),
    LadderStep(level=3, after_working_days=20, target=UBND),
)

DEFAULT_REMINDER_DAYS: tuple[int, ...] = (14, 3)


def ladder_problems(
    steps: Sequence[LadderStep], *, province: str, known: Container[str] | None = None
) -> list[Problem]:
    """Everything wrong with a plan's own ladder, one ``Problem`` each (none: it can be swept).

    Levels run 1, 2, 3... without gaps; each level waits strictly longer than
    the one below, at least one working day; every step names a target that
    ``resolve_target`` understands and, when ``known`` is given, that names
    a known agency. ``catalog validate``, ``catalog load`` and the sweep all
    ask this, so a ladder the sweep would refuse never loads.
    """
    problems: list[Problem] = []

    def found(code: str, level: int | None, field: str, **facts: Any) -> None:
        where = ("escalation_level", str(level)) if level is not None else None
        problems.append(Problem(code, facts, where=where, field=field))

    ordered = sorted(steps, key=lambda s: s.level)
    if not ordered:
        found("ladder_empty", None, "escalation")
        return problems
    for expected, step in enumerate(ordered, start=1):
        if step.level != expected:
            found("ladder_level_gap", step.level, "level", found=step.level, expected=expected)
            return problems  # the checks below compare neighbouring levels
        if step.after_working_days < 1:
            found("ladder_too_soon", step.level, "after_working_days", days=step.after_working_days)
        target = step.target.strip()
        if not target:
            found("ladder_no_target", step.level, "target")
        elif target not in (OWNER, RESPONSIBLE) and known is not None:
            code = target_code(target, province)
            if code not in known:
                found("ladder_unknown_target", step.level, "target", target=target, agency=code)
    for lower, upper in pairwise(ordered):
        if upper.after_working_days <= lower.after_working_days:
            found(
                "ladder_not_longer",
                upper.level,
                "after_working_days",
                days=upper.after_working_days,
                lower=lower.level,
                lower_days=lower.after_working_days,
            )
    return problems


def validate_ladder(
    steps: Iterable[LadderStep],
    *,
    province: str,
    known: Container[str] | None = None,
    plan: str | None = None,
) -> tuple[LadderStep, ...]:
    """``steps`` ordered by level, or ``InvalidDefinition`` listing every problem of the ladder."""
    ordered = tuple(sorted(steps, key=lambda s: s.level))
    problems = ladder_problems(ordered, province=province, known=known)
    if problems:
        raise InvalidDefinition("ladder_invalid", problems=problems, plan=plan)
    return ordered


def escalation_problems(
    steps: Sequence[LadderStep],
    *,
    province: str,
    responsible: str,
    leads_by_task: Mapping[str, Sequence[str]],
    parents: Mapping[str, str | None],
) -> list[Problem]:
    """Everything that would stop the sweep of a plan, found before it is loaded.

    The plan's ladder (or the default one when ``steps`` is empty) is checked
    by ``ladder_problems`` against the known agencies (the keys of
    ``parents``), then every step is resolved for every task as the sweep
    will resolve it, so a task without a lead or a responsible department
    without a parent to escalate to is named now rather than at the sweep.
    """
    ladder = tuple(steps) or DEFAULT_LADDER
    problems = ladder_problems(ladder, province=province, known=parents)
    if problems:
        return problems
    seen: set[tuple[str, str]] = set()
    for code, leads in leads_by_task.items():
        for step in ladder:
            try:
                resolve_target(
                    step.target,
                    leads=leads,
                    responsible=responsible,
                    parents=parents,
                    province=province,
                )
            except InvalidDefinition as error:
                # One line per kind of trouble, not one per task that shares it.
                if (error.code, repr(sorted(error.facts.items()))) in seen:
                    continue
                seen.add((error.code, repr(sorted(error.facts.items()))))
                problems.append(
                    Problem(error.code, error.facts, where=("task", code), field="escalation")
                )
    return problems


def target_code(target: str, province: str) -> str:
    """The agency code a step's target names: a code as written, an abbreviation in the province."""
    return target if "/" in target else f"{province}/{target}"


def days_overdue(cal: WorkingCalendar, due: dt.date, as_of: dt.date) -> int:
    """Working days after ``due`` up to and including ``as_of`` (0 when not overdue)."""
    return cal.working_days_between(due, as_of)


def level_dates(
    cal: WorkingCalendar, due: dt.date, ladder: Sequence[LadderStep] = DEFAULT_LADDER
) -> dict[int, dt.date]:
    """The day each level is reached: the k-th working day after ``due``."""
    return {step.level: cal.add_working_days(due, step.after_working_days) for step in ladder}


def levels_reached(
    cal: WorkingCalendar,
    due: dt.date,
    as_of: dt.date,
    ladder: Sequence[LadderStep] = DEFAULT_LADDER,
) -> list[LadderStep]:
    """The steps reached by ``as_of``, lowest level first."""
    late = days_overdue(cal, due, as_of)
    return sorted(
        (step for step in ladder if step.after_working_days <= late), key=lambda s: s.level
    )


def pending_levels(
    cal: WorkingCalendar,
    due: dt.date,
    as_of: dt.date,
    already_sent: Collection[int],
    ladder: Sequence[LadderStep] = DEFAULT_LADDER,
) -> list[LadderStep]:
    """Reached steps not yet escalated: a sweep sends these and records their levels.

    Each level happens once per occurrence; a sweep that missed days sends
    every level reached since, lowest first.
    """
    return [s for s in levels_reached(cal, due, as_of, ladder) if s.level not in already_sent]


def resolve_target(
    target: str,
    *,
    leads: Sequence[str],
    responsible: str,
    parents: Mapping[str, str | None],
    province: str,
) -> str:
    """The agency code a step presses.

    ``owner`` is the first lead. ``responsible`` is the plan's responsible
    department, or its parent when that department is itself one of the
    task's leads: pressing an agency about its own task is not escalating.
    A bare abbreviation such as ``ubnd`` is the province's agency
    (``kon-tum/ubnd``); a code with a slash is used as written.
    """
    if target == OWNER:
        if not leads:
            raise InvalidDefinition("no_lead_to_escalate")
        return leads[0]
    if target == RESPONSIBLE:
        if responsible not in leads:
            return responsible
        parent = parents.get(responsible)
        if not parent:
            raise InvalidDefinition("responsible_without_parent", agency=responsible)
        return parent
    return target_code(target, province)


def copies_co_operating(step: LadderStep) -> bool:
    """Whether co-operating agencies get a copy: they do when the owner is pressed."""
    return step.target == OWNER


def reminder_dates(
    due: dt.date,
    days_before: Iterable[int] = DEFAULT_REMINDER_DAYS,
    *,
    not_before: dt.date | None = None,
) -> list[dt.date]:
    """Days to remind on, ``days_before`` calendar days before ``due``, earliest first.

    A reminder that falls on a weekend is not moved: the sweep sends it on its
    first run on or after that day. ``not_before`` (the occurrence's start)
    drops reminders that would come before the work exists.
    """
    days = sorted(set(days_before), reverse=True)
    if any(d < 1 for d in days):
        raise InvalidInput("reminder_offsets", days=days)
    dates = [due - dt.timedelta(days=d) for d in days]
    return [d for d in dates if not_before is None or d >= not_before]


def shift_due(
    cal: WorkingCalendar, due: dt.date, suspended_from: dt.date, resumed_on: dt.date
) -> dt.date:
    """The due day after a suspension: the working days lost are added to it.

    The days lost are the working days from ``suspended_from`` up to, not
    including, ``resumed_on`` (suspended on a Monday, resumed on the Tuesday:
    one day lost). They are added as working days to ``due``. Several
    suspensions: apply one after the other.
    """
    if resumed_on < suspended_from:
        raise InvalidInput(
            "resumed_before_suspended",
            resumed=resumed_on.isoformat(),
            suspended=suspended_from.isoformat(),
        )
    day = dt.timedelta(days=1)
    lost = cal.working_days_between(suspended_from - day, resumed_on - day)
    return due if lost == 0 else cal.add_working_days(due, lost)


def state_time_limit_due(entered_on: dt.date, days: int) -> dt.date:
    """The due day of a per-state time limit: ``days`` calendar days after entering the state.

    Entered "consulting" (lấy ý kiến) on 1 March with a 30-day limit: due 31
    March. ``entered_on`` is the local day (``engine.workdays.local_day``).
    """
    if days < 1:
        raise InvalidInput("state_limit_days", days=days)
    return entered_on + dt.timedelta(days=days)
