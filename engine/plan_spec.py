"""What the engine is given to load: a plan and its agencies as plain data.

``tasks_catalog`` reads and checks the YAML files described in its FORMAT.md
and hands the engine these specifications; ``engine.catalog`` turns them into
rows. They carry no database identity and no file format, so the engine
never needs to know where a plan came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: How often a task recurs: once over its window, or once per calendar year.
# once: one occurrence over the window; yearly: one per calendar year;
# half_yearly / quarterly: one per half-year (H1, H2) / quarter (Q1-Q4);
# continuous ("thường xuyên"): work that never ends, tracked by one yearly report.
RECURRENCES = ("once", "yearly", "half_yearly", "quarterly", "continuous")


@dataclass(frozen=True)
class AgencySpec:
    """One agency of a directory, e.g. ``kon-tum/sct``."""

    code: str
    name_vi: str
    name_en: str
    parent: str | None = None
    also_reports_to: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    group: bool = False
    # The agency's life; None is open-ended (engine.models.Agency.valid_from).
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    @property
    def province(self) -> str:
        return self.code.split("/", 1)[0]

    @property
    def abbr(self) -> str:
        return self.code.split("/", 1)[-1]


#: Kinds of succession: one → one, many → one, one → many.
SUCCESSION_KINDS = ("rename", "merge", "split")


@dataclass(frozen=True)
class SuccessionSpec:
    """Agencies that end on ``effective`` and those that take over their work.

    For a split, ``owner_default`` takes each open task unless ``owner_tasks``
    names its new owner (``{"PLAN:CODE": agency}``).
    """

    kind: str
    effective: dt.date
    from_codes: tuple[str, ...]
    to_codes: tuple[str, ...]
    basis_number: str
    basis_date: dt.date | None = None
    basis_title: str = ""
    note: str = ""
    province_merge: bool = False
    owner_default: str | None = None
    owner_tasks: tuple[tuple[str, str], ...] = ()
    source: str = ""

    @property
    def key(self) -> str:
        """Stable identity across loads: who ended on which day."""
        return f"{'+'.join(self.from_codes)}>{self.effective.isoformat()}"


@dataclass(frozen=True)
class DirectorySpec:
    """An agency directory file: one province's agencies."""

    province: str
    name_vi: str
    agencies: tuple[AgencySpec, ...]
    source: str = ""
    successions: tuple[SuccessionSpec, ...] = ()
    # Province merges as written (expanded by role in tasks_catalog.successions).
    province_merges: tuple[ProvinceMergeSpec, ...] = ()


@dataclass(frozen=True)
class ProvinceMergeSpec:
    """One statement: every agency of ``from_province`` passes to its counterpart by role.

    The counterpart of ``kon-tum/sct`` is ``quang-ngai/sct``; ``exceptions``
    name another successor for some agencies; an agency with neither passes
    to the successor of its parent.
    """

    from_province: str
    to_province: str
    effective: dt.date
    basis_number: str
    basis_date: dt.date | None = None
    basis_title: str = ""
    note: str = ""
    exceptions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Window:
    """A task's time window in calendar years, both ends inclusive."""

    start: int
    end: int


@dataclass(frozen=True)
class LeadBySource:
    """The lead agency that applies when a given funding source pays."""

    source: str
    lead: str


@dataclass(frozen=True)
class TaskSpec:
    """One row of a plan's annex."""

    code: str
    section: str
    title: str
    workflow: str
    leads: tuple[str, ...]
    co: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    result: str = ""
    window: Window | None = None
    recurrence: str = "once"
    depends_on: tuple[str, ...] = ()
    note: str = ""
    lead_by_source: tuple[LeadBySource, ...] = ()
    # The due day as printed, when it is not the window's or period's last day:
    # "YYYY-MM-DD" for a one-off task ("Quý II/2027" is 2027-06-30), "MM-DD" in
    # every year or period for a recurring one ("trước ngày 15/12 hằng năm").
    due: str | None = None

    @property
    def owner(self) -> str:
        return self.leads[0]


@dataclass(frozen=True)
class SectionSpec:
    code: str
    title: str


@dataclass(frozen=True)
class ReportDeadline:
    """A periodic report the plan requires (e.g. yearly before 30/11)."""

    every: str  # "year" or "half-year"
    month: int
    day: int
    to: tuple[str, ...] = ()
    # Who reports (YAML ``from``): the agencies to the department, then the
    # department to its superiors are two obligations, each with its own day.
    by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    """An indicator of the plan, e.g. 50% of facilities aware by 2015."""

    code: str
    text_vi: str
    text_en: str = ""
    figure: float | None = None
    unit: str = ""
    year: int | None = None
    # Where the plan sets it ("Kế hoạch 314/KH-UBND, mục I.2.b"): reports cite it.
    source: str = ""


@dataclass(frozen=True)
class LadderStep:
    """One rung of the escalation ladder.

    ``target`` is ``owner``, ``responsible``, an agency code, or the
    abbreviation of one of the plan's province (``ubnd``): see
    ``engine.ladder.resolve_target``.
    """

    level: int
    after_working_days: int
    target: str


@dataclass(frozen=True)
class CalendarSpec:
    """A plan's own working-day swaps: extra days off and make-up working Saturdays (ngày làm bù)."""

    extra_days_off: tuple[dt.date, ...] = ()
    makeup_workdays: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class BudgetLine:
    task: str
    year: int | None
    amount: float
    source: str = ""
    quantity: float | None = None
    unit: str = ""


@dataclass(frozen=True)
class BudgetGroup:
    code: str
    stated_total: float


@dataclass(frozen=True)
class BudgetSpec:
    unit: str = "million VND"
    lines: tuple[BudgetLine, ...] = ()
    groups: tuple[BudgetGroup, ...] = ()
    stated_total: float | None = None


@dataclass(frozen=True)
class PlanSpec:
    """A whole plan file."""

    id: str
    province: str
    title_vi: str
    title_en: str
    legal_ref: str
    issued: dt.date
    period: Window
    responsible: str
    tasks: tuple[TaskSpec, ...]
    sections: tuple[SectionSpec, ...] = ()
    report_deadlines: tuple[ReportDeadline, ...] = ()
    targets: tuple[Target, ...] = ()
    escalation: tuple[LadderStep, ...] = ()
    budget: BudgetSpec | None = None
    calendar: CalendarSpec | None = None
    source: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def task(self, code: str) -> TaskSpec:
        for task in self.tasks:
            if task.code == code:
                return task
        raise KeyError(code)
