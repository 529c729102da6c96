"""Progress reports: each period, the lead agency of every open occurrence says where the work stands.

``submit`` records one version of a report (the lead agency's, or a
co-operating agency's contribution) as a ``progress_reports`` row and as an
event of the occurrence's hash-chained history (trigger ``report`` or
``report_contribution``; the state does not change). A correction is a new
version; every version stays. Once the plan's coordinator has closed the
period (``close_period``) nothing more is accepted for it.

``period_status`` answers, for every occurrence expected to report in a
period, whether its lead agency reported (latest version, on time or late),
how many contributions came, and whether the occurrence is silent
(``engine.silence``): a silent occurrence counts as *not updated*. The
report and KPI code reads ``reported_refs`` / ``updated_refs`` from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from engine import authz
from engine.cycle_models import CO, LEAD, PeriodClosure, ProgressReport
from engine.errors import Conflict, InvalidInput, NotAllowed
from engine.history import new_event
from engine.lookup import get_plan, load_occurrence
from engine.models import Occurrence, Plan, Task, User, utcnow
from engine.reporting_periods import ReportingPeriod, period_of
from engine.silence import last_activity, silent_on
from engine.text import excerpt, storable
from engine.workdays import PlanCalendars, local_day

MAX_TEXT = 10_000
MAX_ATTACHMENTS = 20
REPORT = "report"
CONTRIBUTION = "report_contribution"


@dataclass(frozen=True)
class ReportInput:
    """What a person typed for one report (the board's form, the CLI's options, the API's JSON)."""

    status_text: str
    percent: int | None = None
    figures: dict[str, Any] | None = None
    difficulties: str = ""
    proposals: str = ""
    attachments: Sequence[dict[str, Any]] = ()


def _text(field: str, value: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput("report_empty", field=field)
    if len(value) > MAX_TEXT:
        raise InvalidInput("text_too_long", field=field, length=len(value), limit=MAX_TEXT)
    if not storable(value) or any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise InvalidInput("control_characters", field=field)
    return value


def _figures(plan: Plan, figures: dict[str, Any] | None) -> dict[str, float]:
    """The figures for the plan's targets, by target code; an unknown code is refused."""
    known = [t.get("code") for t in (plan.details or {}).get("targets") or []]
    cleaned: dict[str, float] = {}
    for code, value in (figures or {}).items():
        if code not in known:
            raise InvalidInput("unknown_target", target=excerpt(str(code)), known=known)
        try:
            number = float(str(value).replace(",", "."))
        except ValueError:
            raise InvalidInput("bad_figure", target=code, value=excerpt(str(value))) from None
        if number != number or abs(number) > 1e12:
            raise InvalidInput("bad_figure", target=code, value=excerpt(str(value)))
        cleaned[code] = int(number) if number.is_integer() else number
    return cleaned


def _percent(value: int | None) -> int | None:
    if value is None:
        return None
    if not 0 <= int(value) <= 100:
        raise InvalidInput("bad_percent", value=value)
    return int(value)


def is_closed(session: Session, plan_id: str, period: str) -> bool:
    return (
        session.scalar(
            select(PeriodClosure.id).where(
                PeriodClosure.plan_id == plan_id, PeriodClosure.period == period
            )
        )
        is not None
    )


def submit(
    session: Session,
    user: User,
    ref: str,
    period_id: str,
    report: ReportInput,
    *,
    at: dt.datetime | None = None,
) -> ProgressReport:
    """Record one version of ``user``'s agency's report on ``ref`` for ``period_id``.

    The lead agency's officer (or the plan's coordinator, on the lead's
    behalf) submits the report; a co-operating agency's officer or
    contributor submits a contribution. ``at`` dates a paper report received
    earlier: a coordinator's correction of the record, as ``advance --at``.
    """
    occ = load_occurrence(session, ref)
    task, plan = occ.task, occ.task.plan
    period = period_of(plan, period_id)
    if occ.archived:
        raise NotAllowed("archived", ref=occ.ref)
    now = utcnow()
    when = at or now
    if when > now + dt.timedelta(minutes=5):
        raise InvalidInput("future_step", ref=occ.ref, at=when.isoformat())
    day = local_day(when)
    agency, role = authz.require_report(user, plan, task, occ, day)
    if day < local_day(now):
        # A report dated earlier than today is a coordinator's correction of the record.
        authz.require_backdate(user, plan, occ.ref)
    if occ.window_start > period.end:
        raise InvalidInput(
            "period_before_window",
            ref=occ.ref,
            period=period.id,
            start=occ.window_start.isoformat(),
        )
    if is_closed(session, plan.id, period.id):
        raise NotAllowed("period_closed", ref=occ.ref, period=period.id)
    status_text = _text("status_text", report.status_text, required=True)
    clean = {
        "percent": _percent(report.percent),
        "figures": _figures(plan, report.figures),
        "difficulties": _text("difficulties", report.difficulties),
        "proposals": _text("proposals", report.proposals),
        "attachments": list(report.attachments)[:MAX_ATTACHMENTS],
    }
    version = 1 + (
        session.scalar(
            select(func.max(ProgressReport.version)).where(
                ProgressReport.occurrence_id == occ.id,
                ProgressReport.period == period.id,
                ProgressReport.agency_code == agency,
            )
        )
        or 0
    )
    fields = {"period": period.id, "version": str(version), "agency": agency}
    if clean["percent"] is not None:
        fields["percent"] = str(clean["percent"])
    event = new_event(
        occ,
        at=when,
        actor=user.name,
        trigger=REPORT if role == LEAD else CONTRIBUTION,
        from_state=occ.state,
        to_state=occ.state,
        note=status_text,
        fields=fields,
    )
    session.add(event)
    row = ProgressReport(
        occurrence_id=occ.id,
        plan_id=plan.id,
        period=period.id,
        agency_code=agency,
        role=role,
        version=version,
        status_text=status_text,
        submitted_by=user.name,
        submitted_at=when,
        submitted_on=day,
        event_seq=event.seq,
        **clean,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:  # another submission took this version first
        raise Conflict("concurrent_change", ref=occ.ref) from exc
    return row


def close_period(session: Session, user: User, plan_id: str, period_id: str) -> PeriodClosure:
    """The coordinator closes a period: its reports can no longer be corrected."""
    plan = get_plan(session, plan_id)
    period = period_of(plan, period_id)
    authz.require_close_period(user, plan)
    if is_closed(session, plan.id, period.id):
        raise InvalidInput("period_already_closed", plan=plan.id, period=period.id)
    row = PeriodClosure(plan_id=plan.id, period=period.id, closed_by=user.name)
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class ReportState:
    """Where one expected occurrence stands for one period."""

    ref: str
    occurrence_id: int
    owner: str
    deadline: dt.date
    report: ProgressReport | None  # the lead agency's latest version
    versions: int
    contributions: list[ProgressReport]
    last_activity: dt.date
    silent: bool

    # The day the first version came: what "on time" compares with the deadline.
    first_on: dt.date | None

    @property
    def reported(self) -> bool:
        return self.report is not None

    @property
    def on_time(self) -> bool | None:
        return None if self.first_on is None else self.first_on <= self.deadline

    @property
    def updated(self) -> bool:
        """Counts in the update rate: reported for the period and not silent."""
        return self.reported and not self.silent


def expected(occ: Occurrence, period: ReportingPeriod) -> bool:
    """Whether ``occ`` owes a report for ``period``: begun by its end and not finished,
    cancelled or suspended before its start."""
    if occ.archived or occ.task.archived or occ.window_start > period.end:
        return False
    if occ.completed_on is not None and occ.completed_on < period.start:
        return False
    if occ.phase == "cancelled" and local_day(occ.state_entered_at) < period.start:
        return False
    return not (
        occ.phase == "suspended"
        and occ.suspended_on is not None
        and occ.suspended_on < period.start
    )


def period_status(
    session: Session, plan_id: str, period_id: str, as_of: dt.date | None = None
) -> tuple[ReportingPeriod, list[ReportState]]:
    """Every occurrence of the plan expected to report in the period, with its report state.

    Silence is judged on the earlier of ``as_of`` (today by default) and the
    period's last day.
    """
    plan = get_plan(session, plan_id)
    period = period_of(plan, period_id)
    day = min(as_of or local_day(utcnow()), period.end)
    occs = session.scalars(
        select(Occurrence)
        .join(Task)
        .where(Task.plan_id == plan.id)
        .options(selectinload(Occurrence.task).selectinload(Task.agencies))
        .order_by(Task.position, Occurrence.due)
    ).all()
    occs = [o for o in occs if expected(o, period)]
    reports: dict[int, list[ProgressReport]] = {}
    for row in session.scalars(
        select(ProgressReport)
        .where(ProgressReport.plan_id == plan.id, ProgressReport.period == period.id)
        .order_by(ProgressReport.id)
    ):
        reports.setdefault(row.occurrence_id, []).append(row)
    active = last_activity(session, [o.id for o in occs])
    cal = PlanCalendars().for_plan(plan.id, plan.details)
    states = []
    for occ in occs:
        rows = reports.get(occ.id, [])
        lead = [r for r in rows if r.role == LEAD]
        latest_contrib: dict[str, ProgressReport] = {}
        for r in rows:
            if r.role == CO:
                latest_contrib[r.agency_code] = r
        leads = occ.leads_on(day)
        state = ReportState(
            ref=occ.ref,
            occurrence_id=occ.id,
            owner=leads[0] if leads else plan.responsible_on(day),
            deadline=period.deadline,
            report=lead[-1] if lead else None,
            versions=len(lead),
            contributions=list(latest_contrib.values()),
            last_activity=active.get(occ.id, occ.window_start),
            silent=silent_on(occ, active.get(occ.id), day, cal, plan),
            first_on=min((r.submitted_on for r in lead), default=None),
        )
        states.append(state)
    return period, states


def reported_refs(session: Session, plan_id: str, period_id: str) -> set[str]:
    """References whose lead agency reported for the period (any version)."""
    _, states = period_status(session, plan_id, period_id, dt.date.max)
    return {s.ref for s in states if s.reported}


def updated_refs(session: Session, plan_id: str, period_id: str, as_of: dt.date) -> set[str]:
    """References that count as updated in the update rate: reported and not silent."""
    _, states = period_status(session, plan_id, period_id, as_of)
    return {s.ref for s in states if s.updated}


def history(session: Session, ref: str, period_id: str) -> list[ProgressReport]:
    """Every version of every report on ``ref`` for the period, oldest first."""
    occ = load_occurrence(session, ref)
    period = period_of(occ.task.plan, period_id)
    return list(
        session.scalars(
            select(ProgressReport)
            .where(ProgressReport.occurrence_id == occ.id, ProgressReport.period == period.id)
            .order_by(ProgressReport.id)
        )
    )


def report_dict(row: ProgressReport) -> dict[str, Any]:
    """One report version as plain JSON (CLI ``--json``, API)."""
    return {
        "period": row.period,
        "agency": row.agency_code,
        "role": row.role,
        "version": row.version,
        "status_text": row.status_text,
        "percent": row.percent,
        "figures": dict(row.figures or {}),
        "difficulties": row.difficulties,
        "proposals": row.proposals,
        "attachments": list(row.attachments or []),
        "submitted_by": row.submitted_by,
        "submitted_on": row.submitted_on.isoformat(),
        "submitted_at": row.submitted_at.isoformat(),
    }


def state_dict(state: ReportState) -> dict[str, Any]:
    """Where one occurrence stands for a period, as plain JSON."""
    return {
        "ref": state.ref,
        "owner": state.owner,
        "deadline": state.deadline.isoformat(),
        "reported": state.reported,
        "on_time": state.on_time,
        "first_on": state.first_on.isoformat() if state.first_on else None,
        "versions": state.versions,
        "report": report_dict(state.report) if state.report else None,
        "contributions": [report_dict(c) for c in state.contributions],
        "last_activity": state.last_activity.isoformat(),
        "silent": state.silent,
        "updated": state.updated,
    }
