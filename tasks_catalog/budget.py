"""Budget arithmetic of a plan: totals by task, group and source, and the checks.

Printed plans state group totals and a plan total; the lines under them do
not always add up (Nghệ An annex II, group 5: stated 130, lines 100). The
check reports every such mismatch rather than trusting either number.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from engine.plan_spec import PlanSpec


@dataclass(frozen=True)
class Mismatch:
    """A stated total that is not the sum of the lines under it.

    ``scope`` is ``"group <code>"`` or ``"plan total"`` (kept as scripts read
    it in ``check-budget --json``); ``group`` is the group's code, None for
    the plan's total.
    """

    scope: str
    stated: float
    computed: float
    group: str | None = None


@dataclass
class BudgetCheck:
    plan_id: str
    unit: str
    by_task: dict[str, float] = field(default_factory=dict)
    by_group: dict[str, float] = field(default_factory=dict)
    by_source: dict[str, float] = field(default_factory=dict)
    by_year: dict[int, float] = field(default_factory=dict)
    stated_groups: dict[str, float] = field(default_factory=dict)
    stated_total: float | None = None
    lines_total: float = 0.0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def as_dict(self) -> dict[str, object]:
        return {
            "plan": self.plan_id,
            "unit": self.unit,
            "by_task": self.by_task,
            "by_group": self.by_group,
            "by_source": self.by_source,
            "by_year": self.by_year,
            "stated_groups": self.stated_groups,
            "stated_total": self.stated_total,
            "lines_total": self.lines_total,
        }


def group_of(task_code: str) -> str:
    """The annex group a task belongs to: the part before the first dot."""
    return task_code.split(".", 1)[0]


def check_budget(plan: PlanSpec) -> BudgetCheck:
    """Sum the plan's budget lines and compare with every stated total."""
    budget = plan.budget
    result = BudgetCheck(plan.id, budget.unit if budget else "million VND")
    if budget is None:
        return result
    by_task: dict[str, float] = defaultdict(float)
    by_group: dict[str, float] = defaultdict(float)
    by_source: dict[str, float] = defaultdict(float)
    by_year: dict[int, float] = defaultdict(float)
    for line in budget.lines:
        by_task[line.task] += line.amount
        by_group[group_of(line.task)] += line.amount
        by_source[line.source or "(unspecified)"] += line.amount
        if line.year is not None:
            by_year[line.year] += line.amount
    result.by_task = dict(by_task)
    result.by_group = dict(by_group)
    result.by_source = dict(by_source)
    result.by_year = dict(sorted(by_year.items()))
    result.lines_total = sum(by_task.values())
    result.stated_groups = {g.code: g.stated_total for g in budget.groups}
    result.stated_total = budget.stated_total
    for group in budget.groups:
        computed = by_group.get(group.code, 0.0)
        if abs(computed - group.stated_total) > 1e-6:
            result.mismatches.append(
                Mismatch(f"group {group.code}", group.stated_total, computed, group.code)
            )
    if budget.stated_total is not None and abs(result.lines_total - budget.stated_total) > 1e-6:
        result.mismatches.append(Mismatch("plan total", budget.stated_total, result.lines_total))
    return result
