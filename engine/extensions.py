"""Extensions: a deadline changes only by a request and a decision.

The lead agency asks for a later due day with a reason (Government Office
letter 9061/VPCP-CN, 2023: report by the deadline or ask to postpone,
stretch or withdraw the task); the plan's coordinator approves it, approves
an earlier day than asked (shortens), or refuses it with a reason. One
request may be pending per occurrence (a partial unique index holds it).

On approval the occurrence's ``due`` moves to the granted day and an event
``extend`` records ``due: OLD -> NEW`` in the hash-chained history; the
request row keeps the day it moved from, so the first approved request's
``old_due`` is the due day before any extension. The overdue sweep keys its
ladder by the due day after an approved extension (``ladder_scope``), so the
levels are counted again from the new day while the earlier ones stay in the
ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from engine import authz
from engine.cycle_models import APPROVED, PENDING, REFUSED, ExtensionRequest
from engine.days import supported
from engine.errors import Conflict, InvalidInput, NotFound
from engine.history import new_event
from engine.id_sets import id_pages
from engine.lookup import get_plan, load_occurrence
from engine.models import Occurrence, User, utcnow
from engine.text import storable
from engine.workdays import local_day

MAX_REASON = 5_000
REQUEST = "extension_request"
DECIDE = "extend"
REFUSE = "extension_refused"
DECISIONS = ("approve", "refuse")


def _reason(value: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput("extension_reason_needed")
    if len(value) > MAX_REASON:
        raise InvalidInput("text_too_long", field="reason", length=len(value), limit=MAX_REASON)
    if not storable(value) or any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise InvalidInput("control_characters", field="reason")
    return value


def request(
    session: Session,
    user: User,
    ref: str,
    new_due: dt.date,
    reason: str,
    *,
    attachments: Sequence[dict[str, Any]] = (),
) -> ExtensionRequest:
    """The lead agency asks that ``ref`` be due on ``new_due`` instead."""
    occ = load_occurrence(session, ref)
    task, plan = occ.task, occ.task.plan
    today = local_day(utcnow())
    agency = authz.require_extension_request(user, plan, task, occ, today)
    supported(new_due)
    reason = _reason(reason, required=True)
    if occ.phase not in ("not_started", "active", "suspended"):
        raise InvalidInput(
            "extension_finished", ref=occ.ref, state=occ.state, workflow=task.workflow
        )
    if new_due <= occ.due:
        raise InvalidInput(
            "extension_not_later", ref=occ.ref, due=occ.due.isoformat(), asked=new_due.isoformat()
        )
    if pending_of(session, occ.id) is not None:
        raise Conflict("extension_pending", ref=occ.ref)
    row = ExtensionRequest(
        occurrence_id=occ.id,
        plan_id=plan.id,
        agency_code=agency,
        requested_by=user.name,
        old_due=occ.due,
        requested_due=new_due,
        reason=reason,
        attachments=list(attachments),
        status=PENDING,
        decision_reason="",
    )
    session.add(row)
    session.add(
        new_event(
            occ,
            at=utcnow(),
            actor=user.name,
            trigger=REQUEST,
            from_state=occ.state,
            to_state=occ.state,
            note=reason,
            fields={"requested_due": new_due.isoformat()},
        )
    )
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent request won the partial unique index
        raise Conflict("extension_pending", ref=occ.ref) from exc
    return row


def pending_of(session: Session, occurrence_id: int) -> ExtensionRequest | None:
    return session.scalar(
        select(ExtensionRequest).where(
            ExtensionRequest.occurrence_id == occurrence_id, ExtensionRequest.status == PENDING
        )
    )


def decide(
    session: Session,
    user: User,
    ref: str,
    decision: str,
    *,
    due: dt.date | None = None,
    reason: str = "",
) -> ExtensionRequest:
    """The coordinator approves (``due``: an earlier day than asked shortens it) or refuses."""
    if decision not in DECISIONS:
        raise InvalidInput("bad_decision", value=decision, choices=list(DECISIONS))
    occ = load_occurrence(session, ref)
    plan = occ.task.plan
    authz.require_extension_decision(user, plan, occ.ref)
    row = pending_of(session, occ.id)
    if row is None:
        raise NotFound("no_pending_extension", ref=occ.ref)
    reason = _reason(reason, required=decision == "refuse")
    row.decided_by, row.decided_at, row.decision_reason = user.name, utcnow(), reason
    granted: dt.date | None = None
    if decision == "refuse":
        row.status = REFUSED
        trigger, fields = REFUSE, {"requested_due": row.requested_due.isoformat()}
    else:
        granted = due or row.requested_due
        supported(granted)
        if granted > row.requested_due or granted <= occ.due:
            raise InvalidInput(
                "extension_bad_grant",
                ref=occ.ref,
                granted=granted.isoformat(),
                due=occ.due.isoformat(),
                asked=row.requested_due.isoformat(),
            )
        row.status, row.granted_due = APPROVED, granted
        trigger, fields = DECIDE, {"due": f"{occ.due.isoformat()} -> {granted.isoformat()}"}
    event = new_event(
        occ,
        at=row.decided_at,
        actor=user.name,
        trigger=trigger,
        from_state=occ.state,
        to_state=occ.state,
        note=reason,
        fields=fields,
    )
    if granted is not None:
        occ.due = granted
    session.add(event)
    session.flush()
    return row


@dataclass(frozen=True)
class DueRecord:
    """An occurrence's due day with the extensions that moved it."""

    due: dt.date  # the day in force
    original: dt.date  # before any approved extension
    extended: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "due": self.due.isoformat(),
            "original_due": self.original.isoformat(),
            "extended": self.extended,
        }


def approved_of(session: Session, ids: Sequence[int]) -> dict[int, list[ExtensionRequest]]:
    """The approved extensions of these occurrences, oldest first."""
    found: dict[int, list[ExtensionRequest]] = {}
    for cond in id_pages(session, ExtensionRequest.occurrence_id, ids):
        for row in session.scalars(
            select(ExtensionRequest)
            .where(
                cond,
                ExtensionRequest.status == APPROVED,
            )
            .order_by(ExtensionRequest.id)
        ):
            found.setdefault(row.occurrence_id, []).append(row)
    return found


def due_records(session: Session, occs: Sequence[Occurrence]) -> dict[int, DueRecord]:
    """Each occurrence's due day in force and the day before any approved extension."""
    approved = approved_of(session, [o.id for o in occs])
    out = {}
    for occ in occs:
        rows = approved.get(occ.id, [])
        out[occ.id] = DueRecord(occ.due, rows[0].old_due if rows else occ.due, bool(rows))
    return out


def ladder_scope(extension_count: int, due: dt.date) -> str:
    """The overdue ladder's ledger scope: "" until an extension, then the due day it set."""
    return f"due:{due.isoformat()}" if extension_count else ""


def listing(
    session: Session, plan_id: str | None = None, status: str | None = None
) -> list[ExtensionRequest]:
    """Extension requests, newest first, of one plan and/or one status."""
    query = (
        select(ExtensionRequest)
        .options(selectinload(ExtensionRequest.occurrence))
        .order_by(ExtensionRequest.id.desc())
    )
    if plan_id:
        get_plan(session, plan_id)
        query = query.where(ExtensionRequest.plan_id == plan_id)
    if status:
        if status not in (PENDING, APPROVED, REFUSED):
            raise InvalidInput("bad_extension_status", value=status)
        query = query.where(ExtensionRequest.status == status)
    return list(session.scalars(query))


def extension_counts(session: Session, ids: Sequence[int]) -> dict[int, int]:
    """How many approved extensions each of these occurrences has (absent: none)."""
    return {occ_id: len(rows) for occ_id, rows in approved_of(session, ids).items()}


def request_dict(row: ExtensionRequest, ref: str) -> dict[str, Any]:
    """One extension request and its decision as plain JSON (CLI ``--json``, API)."""
    return {
        "id": row.id,
        "ref": ref,
        "agency": row.agency_code,
        "requested_by": row.requested_by,
        "requested_at": row.requested_at.isoformat() if row.requested_at else None,
        "old_due": row.old_due.isoformat(),
        "requested_due": row.requested_due.isoformat(),
        "reason": row.reason,
        "attachments": list(row.attachments or []),
        "status": row.status,
        "decided_by": row.decided_by,
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "granted_due": row.granted_due.isoformat() if row.granted_due else None,
        "decision_reason": row.decision_reason,
    }
