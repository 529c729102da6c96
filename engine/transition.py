"""The one place where an occurrence changes state.

``advance`` authorises the actor, asks the workflow whether the trigger is
allowed, checks required fields, moves the state, appends the hash-chained
event and bumps the version with an optimistic check, all inside the
caller's transaction. A concurrent change makes the version check fail and
the whole transaction roll back: a ``Conflict``, never a lost update.
``advance_many`` runs the same checks for a list of steps, reading the
references with one query per table and flushing once, all or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

import workflows
from engine import attachments, authz
from engine import fields as field_values
from engine.attachments import Upload
from engine.days import supported
from engine.errors import Conflict, InvalidInput, NotAllowed
from engine.history import new_event
from engine.lookup import load_occurrence, load_occurrences
from engine.models import Event, Occurrence, User, utcnow
from engine.text import excerpt, storable
from engine.users import CATALOG_ACTOR
from engine.workdays import PlanCalendars, WorkingCalendar, local_day
from workflows.fields import completion_day_field

MAX_NOTE = 10_000
# Who records bookkeeping, not steps: a person may still record a step that
# happened before it (a load of the catalog, a succession of agencies).
BOOKKEEPING_ACTORS = (CATALOG_ACTOR, "system")
MAX_FIELD = 2_000
MAX_FIELD_NAME = 100
SUSPENDED = "suspended"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class Advanced:
    """The outcome of a successful advance."""

    ref: str
    trigger: str
    from_state: str
    to_state: str
    version: int
    event: Event


def phase_of(wf: workflows.WorkflowDef, state: str) -> str:
    if state == SUSPENDED:
        return "suspended"
    if state == CANCELLED:
        return "cancelled"
    if wf.is_completed(state):
        return "completed"
    if state == wf.initial:
        return "not_started"
    return "active"


def _clean_text(field: str, value: str, limit: int) -> str:
    """``value`` if it fits; ``field`` is "note" or the name of a transition field."""
    if len(value) > limit:
        raise InvalidInput("text_too_long", field=excerpt(field), length=len(value), limit=limit)
    bad = [c for c in value if ord(c) < 32 and c not in "\n\t"]
    if bad or not storable(value):
        raise InvalidInput("control_characters", field=excerpt(field))
    return value


def _clean_name(name: str) -> str:
    """A field's name: the value rules, on one line and at most ``MAX_FIELD_NAME`` characters."""
    shown = excerpt(name)
    if len(name) > MAX_FIELD_NAME:
        raise InvalidInput(
            "field_name_too_long", name=shown, length=len(name), limit=MAX_FIELD_NAME
        )
    if not storable(name) or any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in name):
        raise InvalidInput("field_name_control_characters", name=shown)
    return name


def _check_time(
    at: dt.datetime | None, occ: Occurrence, events_last_at: dt.datetime | None
) -> dt.datetime:
    now = utcnow()
    if at is None:
        return now
    supported(at.date())
    if at.tzinfo is None:
        raise InvalidInput("naive_step_time", ref=occ.ref)
    if at > now + dt.timedelta(minutes=5):
        raise InvalidInput("future_step", ref=occ.ref, at=at.isoformat())
    if events_last_at is not None and at < events_last_at:
        raise InvalidInput(
            "step_before_last_change",
            ref=occ.ref,
            at=at.isoformat(),
            last=events_last_at.isoformat(),
        )
    return at


@dataclass(frozen=True)
class AdvanceItem:
    """One step of a batch for ``advance_many``: the arguments ``advance`` takes for one occurrence."""

    ref: str
    trigger: str
    note: str = ""
    fields: dict[str, Any] | None = None
    at: dt.datetime | None = None
    expected_version: int | None = None


@dataclass
class _Step:
    """A checked step whose event is added but not flushed yet."""

    occ: Occurrence
    trigger: str
    from_state: str
    to_state: str
    event: Event

    def advanced(self) -> Advanced:
        """The outcome, read once the step is flushed (the flush bumps the version)."""
        return Advanced(
            self.occ.ref, self.trigger, self.from_state, self.to_state, self.occ.version, self.event
        )


def advance(
    session: Session,
    actor: User,
    ref: str,
    trigger: str,
    *,
    note: str = "",
    fields: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
    calendar: WorkingCalendar | None = None,
    attach: Sequence[Upload] = (),
) -> Advanced:
    """Fire ``trigger`` on the occurrence ``ref`` as ``actor``; one transaction.

    ``attach``: files sent with the step (``engine.attachments``), checked by
    content and recorded in the event; a refused file refuses the whole step.
    """
    # The occurrence first: an unknown reference is "not found" whatever else is wrong.
    occ = load_occurrence(session, ref)
    item = _cleaned(AdvanceItem(ref, trigger, note, fields, at, expected_version))
    limits = attachments.settings() if attach else None
    files = attachments.check(attach, limits) if limits else []
    step = _step(session, actor, occ, item, calendar, files)
    if limits:
        attachments.save(attach, files, limits)
    _flush(session, occ.ref)
    return step.advanced()


def advance_many(
    session: Session,
    actor: User,
    items: Sequence[AdvanceItem | tuple[str, str]],
    *,
    calendar: WorkingCalendar | None = None,
) -> list[Advanced]:
    """Fire every item's trigger as ``actor`` in the caller's transaction, flushing once.

    The references are resolved with one query per table
    (``lookup.load_occurrences``); each item is then authorised and checked
    exactly as ``advance`` does, in order. All or nothing: the first refused
    item (not found, not allowed, stale ``expected_version``, missing field,
    ...) raises its error with nothing flushed, and the caller's transaction
    (``engine.db.transaction``) rolls the whole batch back. An occurrence may
    appear more than once; its earlier steps are flushed before a later one
    is checked, so each step sees the state and version the previous one left.
    """
    batch = [_cleaned(i if isinstance(i, AdvanceItem) else AdvanceItem(*i)) for i in items]
    occurrences = load_occurrences(session, [item.ref for item in batch])
    done: list[Advanced] = []
    pending: list[_Step] = []
    pending_ids: set[int] = set()
    for item, occ in zip(batch, occurrences, strict=True):
        if occ.id in pending_ids:
            _flush(session, occ.ref)
            done += [step.advanced() for step in pending]
            pending, pending_ids = [], set()
        pending.append(_step(session, actor, occ, item, calendar))
        pending_ids.add(occ.id)
    if pending:
        _flush(session, None, steps=len(batch))
        done += [step.advanced() for step in pending]
    return done


def _cleaned(item: AdvanceItem) -> AdvanceItem:
    """The item with its note and fields checked for length and control characters."""
    fields = {
        _clean_name(k): _clean_text(k, str(v), MAX_FIELD) for k, v in (item.fields or {}).items()
    }
    if attachments.ATTACHMENTS_FIELD in fields:
        raise InvalidInput("field_name_reserved", name=attachments.ATTACHMENTS_FIELD)
    note = _clean_text("note", item.note or "", MAX_NOTE)
    return AdvanceItem(item.ref, item.trigger, note, fields, item.at, item.expected_version)


def _step(
    session: Session,
    actor: User,
    occ: Occurrence,
    item: AdvanceItem,
    calendar: WorkingCalendar | None,
    files: list[dict[str, Any]] | None = None,
) -> _Step:
    """Authorise and check one cleaned item, move the state and add its event (not flushed).

    ``files``: the facts of attached files (``engine.attachments.check``), kept in the event.
    """
    trigger, note, fields, at = item.trigger, item.note, dict(item.fields or {}), item.at
    expected_version = item.expected_version
    task = occ.task
    plan = task.plan
    if occ.archived:
        raise NotAllowed("archived", ref=occ.ref)
    authz.require(actor, plan, task, trigger, occ.ref, occ)
    if at is not None and local_day(at) < local_day(utcnow()):
        # Recording a step on an earlier day is a coordinator's correction;
        # a time given for today is no correction.
        authz.require_backdate(actor, plan, occ.ref)
    if expected_version is not None and expected_version != occ.version:
        raise Conflict("stale_version", ref=occ.ref, expected=expected_version, current=occ.version)
    wf = workflows.get(task.workflow)
    # Catalog bookkeeping (create, replan) and successions are not steps; a person
    # may still record that a step happened earlier, but not before another person's step.
    # _check_time compares that last time only with a given --at, so the common
    # advance (at "now") skips the query.
    last_at = (
        session.scalar(
            select(Event.at)
            .where(Event.occurrence_id == occ.id, Event.actor.notin_(BOOKKEEPING_ACTORS))
            .order_by(Event.seq.desc())
            .limit(1)
        )
        if at is not None
        else None
    )
    when = _check_time(at, occ, last_at)
    step_day = local_day(when)
    if step_day < plan.issued:
        raise InvalidInput(
            "step_before_plan",
            ref=occ.ref,
            day=step_day.isoformat(),
            issued=plan.issued.isoformat(),
        )
    fields = field_values.check(
        fields, issued=plan.issued, today=local_day(utcnow()), step_day=step_day
    )

    if trigger in authz.COMMENT_TRIGGERS:
        dest = occ.state
    else:
        definition = wf.transition(occ.state, trigger, occ.ref)
        wf.require_fields(definition, fields, occ.ref)
        dest = workflows.fire(wf, occ.state, trigger, resume_to=occ.resume_state, ref=occ.ref)
    if trigger in authz.COMMENT_TRIGGERS and not (note.strip() or fields or files):
        raise InvalidInput("comment_empty", ref=occ.ref, trigger=trigger, workflow=task.workflow)

    source = occ.state
    extra = _apply_side_effects(occ, wf, source, dest, when, calendar, fields)
    fields = {**fields, **extra}
    if files:
        fields[attachments.ATTACHMENTS_FIELD] = files
    event = new_event(
        occ,
        at=when,
        actor=actor.name,
        trigger=trigger,
        from_state=source,
        to_state=dest,
        note=note,
        fields=fields,
    )
    occ.state = dest
    occ.phase = phase_of(wf, dest)
    if dest != source:
        occ.state_entered_at = when
    session.add(event)
    return _Step(occ, trigger, source, dest, event)


def _flush(session: Session, ref: str | None, *, steps: int = 1) -> None:
    """Write the added events and the version-checked updates; a lost race is a ``Conflict``.

    ``ref`` names the occurrence changed, or None for a batch of ``steps``.
    """
    try:
        # The mapper's version_id_col makes each UPDATE conditional on the version read.
        session.flush()
    except (StaleDataError, IntegrityError) as exc:
        if ref is None:
            raise Conflict("concurrent_batch", steps=steps) from exc
        raise Conflict("concurrent_change", ref=ref) from exc


def _apply_side_effects(
    occ: Occurrence,
    wf: workflows.WorkflowDef,
    source: str,
    dest: str,
    when: dt.datetime,
    calendar: WorkingCalendar | None,
    fields: dict[str, Any],
) -> dict[str, str]:
    """Suspension bookkeeping and completion time; returns facts for the event.

    Work counts as done on the day its document names (``document_date``,
    see ``workflows.fields``) when the completing step gives one, else on the
    day the step is recorded; ``completed_at`` keeps the moment it was recorded.
    """
    extra: dict[str, str] = {}
    day = local_day(when)
    if dest == SUSPENDED and source != SUSPENDED:
        occ.resume_state = source
        occ.suspended_on = day
    elif source == SUSPENDED and dest != SUSPENDED:
        # The clock stopped while suspended: give back the working days lost.
        if dest != CANCELLED and occ.suspended_on is not None:
            from engine.ladder import shift_due

            # The plan's own working days (merged with the deployment's), as the sweep counts them.
            plan = occ.task.plan
            cal = calendar or PlanCalendars().for_plan(plan.id, plan.details)
            new_due = shift_due(cal, occ.due, occ.suspended_on, day)
            if new_due != occ.due:
                extra["due"] = f"{occ.due.isoformat()} -> {new_due.isoformat()}"
                occ.due = new_due
        occ.resume_state = None
        occ.suspended_on = None
    if wf.is_completed(dest) and not wf.is_completed(source):
        occ.completed_at = when
        named = completion_day_field(list(fields))
        occ.completed_on = dt.date.fromisoformat(fields[named]) if named else day
    return extra
