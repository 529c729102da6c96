"""The overdue sweep: record each escalation level an occurrence reaches, once, and queue its message.

One sweep (``dondoc escalate``, or the scheduler's hourly job) asks the
database for the open occurrences whose due day has passed, through the
``ix_occurrences_phase_due`` index, and for those sitting in a state with its
own time limit past that limit. For each it works out the ladder levels
reached on ``as_of`` (``engine.ladder``) and inserts one ``escalations`` row
per level with ``INSERT ... ON CONFLICT DO NOTHING`` against the unique
(occurrence, kind, scope, level). Whoever loses that race (a second sweep in
another process, or a rerun) inserts nothing and sends nothing, so a level
happens once however many sweeps run. The notification is written to the
outbox in the same transaction as the row, so one exists exactly when the
other does.

After downtime one sweep may find several levels reached at once: it records
every level (the lower ones marked as caught up in ``reason``) but queues a
single message per occurrence, naming the highest level and saying that the
lower ones were recorded too, rather than flooding agencies with stale news.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

import workflows
from engine import ladder
from engine.db import transaction
from engine.models import (
    OPEN_PHASES,
    Agency,
    Escalation,
    Occurrence,
    OutboxMessage,
    Plan,
    Task,
    utcnow,
)
from engine.workdays import WorkingCalendar, default_calendar, local_day
from tasks_catalog.spec import LadderStep

OVERDUE = "overdue"
STATE_LIMIT = "state_limit"
REMINDER = "reminder"


@dataclass(frozen=True)
class EscalationRecord:
    """One ledger row a sweep created (or, in a dry run, would create)."""

    ref: str
    kind: str
    level: int
    target: str
    days_overdue: int
    cc: tuple[str, ...] = ()
    scope: str = ""
    caught_up: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "kind": self.kind,
            "level": self.level,
            "target": self.target,
            "days_overdue": self.days_overdue,
            "cc": list(self.cc),
            "scope": self.scope,
            "caught_up": self.caught_up,
        }


@dataclass
class _Step:
    """A level due to be recorded for one occurrence, with its resolved agencies."""

    level: int
    target: str
    cc: list[str]
    reached_on: dt.date
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


SessionSource = Session | sessionmaker[Session]


def sweep(
    source: SessionSource,
    *,
    as_of: dt.date,
    dry_run: bool = False,
    calendar: WorkingCalendar | None = None,
    lang: str = "vi",
) -> list[EscalationRecord]:
    """Record the escalations reached by ``as_of`` and queue their messages; return what was new.

    ``source`` is a session (the caller's transaction) or a session factory
    (one transaction of its own). ``dry_run`` computes the same list from the
    ledger as it stands and writes nothing.
    """
    cal = calendar or default_calendar()
    with unit_of_work(source, dry_run) as session:
        created = _sweep_overdue(session, as_of, cal, dry_run, lang)
        created += _sweep_state_limits(session, as_of, cal, dry_run, lang)
    return created


# ---------------------------------------------------------------- overdue ladder


def _sweep_overdue(
    session: Session, as_of: dt.date, cal: WorkingCalendar, dry_run: bool, lang: str
) -> list[EscalationRecord]:
    occurrences = session.scalars(
        overdue_query(as_of).options(
            selectinload(Occurrence.task).selectinload(Task.agencies),
            selectinload(Occurrence.task).selectinload(Task.plan),
        )
    ).all()
    done = _recorded_levels(session, [o.id for o in occurrences], OVERDUE)
    parents = _Parents(session)
    created: list[EscalationRecord] = []
    for occ in occurrences:
        plan = occ.task.plan
        steps = [
            _Step(
                level=s.level,
                target=_resolve(s, occ.task, plan, parents),
                cc=occ.task.co_agencies if ladder.copies_co_operating(s) else [],
                reached_on=cal.add_working_days(occ.due, s.after_working_days),
            )
            for s in ladder.pending_levels(
                cal, occ.due, as_of, done.get((occ.id, ""), set()), plan_ladder(plan)
            )
        ]
        if steps:
            late = ladder.days_overdue(cal, occ.due, as_of)
            created += _record(session, occ, OVERDUE, "", steps, as_of, late, dry_run, lang)
    return created


def overdue_query(as_of: dt.date) -> Select[Occurrence]:
    """Open occurrences due before ``as_of``: answered by the (phase, due) index, not a scan."""
    return (
        select(Occurrence)
        .where(Occurrence.phase.in_(OPEN_PHASES), Occurrence.due < as_of)
        .where(or_(Occurrence.archived.is_(False), Occurrence.archived.is_(None)))
        .order_by(Occurrence.id)
    )


def plan_ladder(plan: Plan) -> tuple[LadderStep, ...]:
    """The plan's own ladder from its catalog file, or the default one."""
    raw = (plan.details or {}).get("escalation") or []
    if not raw:
        return ladder.DEFAULT_LADDER
    steps = [
        LadderStep(int(s["level"]), int(s["after_working_days"]), str(s["target"])) for s in raw
    ]
    return ladder.validate_ladder(steps, source=f"plan {plan.id} escalation")


class _Parents(dict[str, str | None]):
    """Agency parents, read from the database on first need and kept for the sweep."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self._session = session

    def __missing__(self, code: str) -> str | None:
        agency = self._session.get(Agency, code)
        self[code] = agency.parent_code if agency else None
        return self[code]

    def get(self, code: str, default: Any = None) -> Any:
        return self[code] if code else default


def _resolve(step: LadderStep, task: Task, plan: Plan, parents: _Parents) -> str:
    return ladder.resolve_target(
        step.target,
        leads=task.leads,
        responsible=plan.responsible_code,
        parents=parents,
        province=plan.province,
    )


# ---------------------------------------------------------------- state time limits


def _limited_states() -> list[tuple[str, str, int]]:
    """(workflow, state, days) for every state that declares its own time limit."""
    out = []
    for name in workflows.names():
        for state in workflows.get(name).states.values():
            if state.time_limit_days:
                out.append((name, state.name, state.time_limit_days))
    return out


def _sweep_state_limits(
    session: Session, as_of: dt.date, cal: WorkingCalendar, dry_run: bool, lang: str
) -> list[EscalationRecord]:
    limits = _limited_states()
    if not limits:
        return []
    # Entered more than ``days`` calendar days before as_of: a generous SQL
    # cut (a day of slack for the time zone); the exact test is done below.
    clauses = [
        and_(
            Task.workflow == wf_name,
            Occurrence.state == state,
            Occurrence.state_entered_at
            < dt.datetime.combine(as_of, dt.time(), dt.UTC) - dt.timedelta(days=days - 1),
        )
        for wf_name, state, days in limits
    ]
    occurrences = session.scalars(
        select(Occurrence)
        .join(Task)
        .where(Occurrence.phase.in_(OPEN_PHASES), or_(*clauses))
        .options(selectinload(Occurrence.task).selectinload(Task.agencies))
        .order_by(Occurrence.id)
    ).all()
    done = _recorded_levels(session, [o.id for o in occurrences], STATE_LIMIT)
    created: list[EscalationRecord] = []
    for occ in occurrences:
        days = workflows.get(occ.task.workflow).state(occ.state).time_limit_days or 0
        entered = local_day(occ.state_entered_at)
        limit_due = ladder.state_time_limit_due(entered, days)
        scope = f"{occ.state}@{entered.isoformat()}"
        late = ladder.days_overdue(cal, limit_due, as_of)
        if late < 1 or 1 in done.get((occ.id, scope), set()) or not occ.task.leads:
            continue
        step = _Step(
            level=1,
            target=occ.task.leads[0],
            cc=occ.task.co_agencies,
            reached_on=cal.next_working_day(limit_due),
            extra={"state": occ.state, "limit_days": days, "limit_due": limit_due},
        )
        created += _record(session, occ, STATE_LIMIT, scope, [step], as_of, late, dry_run, lang)
    return created


# ---------------------------------------------------------------- the ledger and the outbox


def _recorded_levels(
    session: Session, occurrence_ids: Sequence[int], kind: str
) -> dict[tuple[int, str], set[int]]:
    """Levels already in the ledger for these occurrences, by (occurrence, scope)."""
    found: dict[tuple[int, str], set[int]] = {}
    ids = list(occurrence_ids)
    # Chunks keep the IN list well under every driver's parameter limit.
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(Escalation.occurrence_id, Escalation.scope, Escalation.level).where(
                Escalation.kind == kind, Escalation.occurrence_id.in_(ids[start : start + 500])
            )
        )
        for occ_id, scope, level in rows:
            found.setdefault((occ_id, scope), set()).add(level)
    return found


def _record(
    session: Session,
    occ: Occurrence,
    kind: str,
    scope: str,
    steps: list[_Step],
    as_of: dt.date,
    late: int,
    dry_run: bool,
    lang: str,
) -> list[EscalationRecord]:
    """Insert each step's ledger row once; queue one message for the highest one inserted."""
    won: list[_Step] = []
    for step in steps:
        caught_up = step.reached_on < as_of
        step.reason = _reason(kind, step, as_of, late, caught_up)
        if dry_run or insert_once(
            session,
            Escalation,
            {
                "occurrence_id": occ.id,
                "kind": kind,
                "scope": scope,
                "level": step.level,
                "target_code": step.target,
                "cc": step.cc,
                "reason": step.reason,
                "as_of": as_of,
                "days_overdue": late,
                "created_at": utcnow(),
            },
        ):
            won.append(step)
    if won and not dry_run:
        _queue_escalation_message(session, occ, kind, scope, won, late, lang)
    return [
        EscalationRecord(
            ref=occ.ref,
            kind=kind,
            level=s.level,
            target=s.target,
            days_overdue=late,
            cc=tuple(s.cc),
            scope=scope,
            caught_up=s.reached_on < as_of,
        )
        for s in won
    ]


def _reason(kind: str, step: _Step, as_of: dt.date, late: int, caught_up: bool) -> str:
    if kind == STATE_LIMIT:
        text = (
            f"{step.extra['limit_days']} days allowed in state {step.extra['state']} "
            f"ended on {step.extra['limit_due'].isoformat()}"
        )
    else:
        text = f"level {step.level} reached on {step.reached_on.isoformat()}"
    text += f"; {late} working day(s) overdue on {as_of.isoformat()}"
    if caught_up:
        text += "; caught up: recorded late because no sweep ran on the day it was reached"
    return text


def insert_once(session: Session, model: type[Any], values: dict[str, Any]) -> bool:
    """Insert a row unless a unique constraint already holds it; True when this call inserted.

    ``ON CONFLICT DO NOTHING`` rather than a savepoint: on PostgreSQL the
    losing writer waits for the winner's commit and then skips quietly, on
    SQLite writers already queue (``BEGIN IMMEDIATE``). Neither aborts the
    surrounding transaction.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    else:  # pragma: no cover - dondoc supports the two engines above
        raise NotImplementedError(f"insert_once does not know the {dialect} dialect")
    table = model.__table__
    stmt = insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    return session.execute(stmt).first() is not None


def route(session: Session, code: str) -> tuple[str, list[str]]:
    """The channel and recipients for an agency: e-mail, else webhook, else an .eml file.

    The same rule as ``notifiers.outbox.route_for`` (issue 5); kept here so the
    sweep does not depend on the dispatcher being installed.
    """
    agency = session.get(Agency, code)
    if agency is not None and agency.email:
        return "email", [agency.email]
    if agency is not None and agency.webhook:
        return "webhook", [agency.webhook]
    province, _, abbr = code.partition("/")
    return "file", [
        f"{abbr}.{province}@agencies.invalid" if abbr else f"{province}@agencies.invalid"
    ]


def queue_message(
    session: Session,
    *,
    key: str,
    kind: str,
    agency_code: str,
    cc: Sequence[str],
    subject: str,
    body: str,
    payload: dict[str, Any],
    lang: str,
    occurrence_id: int,
) -> bool:
    """Write one outbox row, once per ``key``, inside the caller's transaction."""
    channel, recipients = route(session, agency_code)
    copies: list[str] = []
    for code in cc:
        other_channel, other = route(session, code)
        if other_channel == channel:
            copies += [a for a in other if a not in recipients + copies]
    return insert_once(
        session,
        OutboxMessage,
        {
            "key": key,
            "kind": kind,
            "channel": channel,
            "agency_code": agency_code,
            "recipients": recipients,
            "cc": copies,
            "subject": subject,
            "body_text": body,
            "body_html": None,
            "payload": payload,
            "lang": lang,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": utcnow(),
            "created_at": utcnow(),
            "occurrence_id": occurrence_id,
        },
    )


def _queue_escalation_message(
    session: Session,
    occ: Occurrence,
    kind: str,
    scope: str,
    won: list[_Step],
    late: int,
    lang: str,
) -> None:
    top = won[-1]
    # Earlier levels recorded in this same sweep were pressed on nobody yet:
    # their targets are told in copy of the one message.
    earlier = [code for s in won[:-1] for code in (s.target, *s.cc)]
    told = [c for c in dict.fromkeys([*top.cc, *earlier]) if c != top.target]
    task = occ.task
    subject, body = render_escalation_message(
        lang=lang,
        kind=kind,
        plan_id=task.plan_id,
        ref=occ.ref,
        task_title=task.title,
        owner=task.leads[0] if task.leads else "",
        due=occ.due if kind == OVERDUE else top.extra["limit_due"],
        days_overdue=late,
        level=top.level,
        target=top.target,
        told=told,
        caught_up_levels=[s.level for s in won[:-1]],
        state=occ.state,
    )
    queue_message(
        session,
        key=f"esc:{occ.ref}:{kind}:{scope + ':' if scope else ''}{top.level}",
        kind="escalation",
        agency_code=top.target,
        cc=told,
        subject=subject,
        body=body,
        payload={
            "ref": occ.ref,
            "kind": kind,
            "scope": scope,
            "level": top.level,
            "levels": [s.level for s in won],
            "target": top.target,
            "days_overdue": late,
            "due": occ.due.isoformat(),
        },
        lang=lang,
        occurrence_id=occ.id,
    )


def _span(levels: Sequence[int]) -> str:
    if len(levels) > 1 and levels == list(range(levels[0], levels[-1] + 1)):
        return f"{levels[0]}-{levels[-1]}"
    return ", ".join(str(x) for x in levels)


def render_escalation_message(
    *,
    lang: str,
    kind: str,
    plan_id: str,
    ref: str,
    task_title: str,
    owner: str,
    due: dt.date,
    days_overdue: int,
    level: int,
    target: str,
    told: Sequence[str],
    caught_up_levels: Sequence[int],
    state: str,
) -> tuple[str, str]:
    """Subject and plain-text body of an escalation message (Vietnamese, or English).

    Kept as one small function so that the notification templates of
    ``notifiers`` can replace it with a Jinja template over the same facts.
    """
    caught = list(caught_up_levels)
    if lang == "en":
        what = "overdue" if kind == OVERDUE else f"past the time limit of state {state}"
        subject = f"[dondoc] {ref} {what}: escalation level {level}"
        lines = [
            f"Plan: {plan_id}",
            f"Task: {ref} — {task_title}",
            f"Owner (lead agency): {owner}",
            f"Due: {due.isoformat()} ({days_overdue} working day(s) overdue)",
            f"Escalation level {level}, addressed to {target}.",
        ]
        if caught:
            lines.append(
                f"Reached level {level} while dondoc was not running; "
                f"level(s) {_span(caught)} also recorded."
            )
        lines.append(f"Also told: {', '.join(told) if told else 'nobody else'}.")
        lines.append(
            f"What to do: record progress with `dondoc advance {ref} TRIGGER --note ...` "
            f"(see `dondoc show {ref}` for the allowed triggers), or call {owner} for news."
        )
    else:
        what = "quá hạn" if kind == OVERDUE else f"quá thời hạn ở bước {state}"
        subject = f"[dondoc] {ref} {what}: đôn đốc cấp {level}"
        lines = [
            f"Kế hoạch: {plan_id}",
            f"Nhiệm vụ: {ref} — {task_title}",
            f"Cơ quan chủ trì: {owner}",
            f"Hạn: {due.isoformat()} (quá hạn {days_overdue} ngày làm việc)",
            f"Đôn đốc cấp {level}, gửi {target}.",
        ]
        if caught:
            lines.append(
                f"Đã đến cấp {level} trong thời gian dondoc không chạy; "
                f"cấp {_span(caught)} cũng đã được ghi nhận."
            )
        lines.append(f"Đồng gửi: {', '.join(told) if told else 'không có'}.")
        lines.append(
            f"Cần làm: cập nhật tiến độ bằng `dondoc advance {ref} TRIGGER --note ...` "
            f"(xem `dondoc show {ref}` để biết các bước được phép), hoặc liên hệ {owner}."
        )
    return subject, "\n".join(lines) + "\n"


# ---------------------------------------------------------------- sessions


@contextlib.contextmanager
def unit_of_work(source: SessionSource, dry_run: bool) -> Iterator[Session]:
    """The caller's session as is, or one transaction from a factory (never committed on a dry run)."""
    if isinstance(source, Session):
        yield source
    elif dry_run:
        with source() as session:
            yield session
            session.rollback()
    else:
        with transaction(source) as session:
            yield session
