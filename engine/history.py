"""The append-only history: hash-chained events and the audit that checks them.

Each occurrence has its own chain: event ``seq`` n stores the hash of event
n-1, and the occurrence row stores the hash and seq of its newest event (its
head). Per-occurrence chains let unrelated tasks change concurrently, while
the head anchors the end of each chain, so deleting the newest event is as
visible as editing an old one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import attachments, seal
from engine.authz import require_audit
from engine.lookup import get_plan
from engine.models import Event, Occurrence, OccurrenceSeal, User, utcnow

GENESIS = "0" * 64


def event_hash(
    *,
    ref: str,
    seq: int,
    at: dt.datetime,
    actor: str,
    trigger: str,
    from_state: str | None,
    to_state: str,
    note: str,
    fields: dict[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON of everything an event says."""
    body = {
        "ref": ref,
        "seq": seq,
        "at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor,
        "trigger": trigger,
        "from": from_state,
        "to": to_state,
        "note": note,
        "fields": fields,
        "prev": prev_hash,
    }
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hash_of(ref: str, ev: Event) -> str:
    """The hash ``ev`` must carry: over everything it says and its predecessor's hash."""
    return event_hash(
        ref=ref,
        seq=ev.seq,
        at=ev.at,
        actor=ev.actor,
        trigger=ev.trigger,
        from_state=ev.from_state,
        to_state=ev.to_state,
        note=ev.note,
        fields=ev.fields,
        prev_hash=ev.prev_hash,
    )


def new_event(
    occ: Occurrence,
    *,
    at: dt.datetime,
    actor: str,
    trigger: str,
    from_state: str | None,
    to_state: str,
    note: str = "",
    fields: dict[str, Any] | None = None,
) -> Event:
    """Build the next event of ``occ``'s chain and move the occurrence's head.

    The caller adds the event to the session inside the same transaction that
    changes the occurrence.
    """
    fields = dict(fields or {})
    event = Event(
        occurrence=occ,
        seq=occ.head_seq + 1,
        at=at,
        recorded_at=utcnow(),
        actor=actor,
        trigger=trigger,
        from_state=from_state,
        to_state=to_state,
        note=note,
        fields=fields,
        prev_hash=occ.head_hash,
    )
    event.hash = hash_of(occ.ref, event)
    occ.head_seq, occ.head_hash = event.seq, event.hash
    return event


@dataclass(frozen=True)
class AuditProblem:
    """The first place where an occurrence's history does not add up.

    ``problem`` is a code the faces word (``audit.<problem>`` in the message
    catalog): ``out_of_order``, ``broken_link``, ``edited``, ``no_events``,
    ``tail_deleted``, ``state_mismatch``, or ``attachment_missing`` /
    ``attachment_changed`` (the file named ``facts["name"]`` of the event);
    ``facts`` fill it.
    """

    ref: str
    seq: int | None
    event_id: int | None
    problem: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditResult:
    occurrences: int
    events: int
    problems: list[AuditProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_chain(occ: Occurrence, events: list[Event]) -> AuditProblem | None:
    prev = GENESIS
    for expected_seq, ev in enumerate(events, start=1):
        if ev.seq != expected_seq:
            return AuditProblem(occ.ref, expected_seq, ev.id, "out_of_order", {"found": ev.seq})
        if ev.prev_hash != prev:
            return AuditProblem(occ.ref, ev.seq, ev.id, "broken_link")
        recomputed = hash_of(occ.ref, ev)
        if recomputed != ev.hash:
            return AuditProblem(occ.ref, ev.seq, ev.id, "edited")
        prev = ev.hash
    if not events:
        return AuditProblem(occ.ref, None, None, "no_events")
    last = events[-1]
    if last.seq != occ.head_seq or last.hash != occ.head_hash:
        # The first missing event: the one after the last that is left.
        return AuditProblem(occ.ref, min(last.seq, occ.head_seq) + 1, None, "tail_deleted")
    if last.to_state != occ.state:
        return AuditProblem(
            occ.ref,
            last.seq,
            last.id,
            "state_mismatch",
            {"last_state": last.to_state, "state": occ.state, "workflow": occ.task.workflow},
        )
    return None


def verify(session: Session, plan_id: str | None = None) -> AuditResult:
    """Check every chain (of one plan, or all) and report the first bad event of each."""
    from engine.models import Task

    occ_query = select(Occurrence).order_by(Occurrence.id)
    if plan_id:
        occ_query = occ_query.join(Task).where(Task.plan_id == plan_id)
    problems: list[AuditProblem] = []
    n_occ = n_events = 0
    # Stream in id order, one occurrence's events at a time, so memory stays flat.
    for occ in session.scalars(occ_query).yield_per(500):
        n_occ += 1
        events = list(
            session.scalars(
                select(Event).where(Event.occurrence_id == occ.id).order_by(Event.seq, Event.id)
            )
        )
        n_events += len(events)
        problem = (
            _check_chain(occ, events) or _check_seal(session, occ) or _check_files(occ, events)
        )
        if problem:
            problems.append(problem)
    return AuditResult(n_occ, n_events, problems)


def _check_files(occ: Occurrence, events: list[Event]) -> AuditProblem | None:
    """Whether every attached file is still in the folder with the bytes its event recorded."""
    if not any(attachments.facts_of(ev.fields) for ev in events):
        return None
    found = attachments.problem_of(events, attachments.settings().folder)
    if found is None:
        return None
    ev, problem, facts = found
    return AuditProblem(occ.ref, ev.seq, ev.id, problem, facts)


def _check_seal(session: Session, occ: Occurrence) -> AuditProblem | None:
    """Whether the occurrence's state is as dondoc last wrote it (``engine.seal``)."""
    stored = session.get(OccurrenceSeal, occ.id)
    if stored is None:
        return AuditProblem(occ.ref, None, None, "unsealed")
    if seal.digest(stored.body) != stored.hash:
        return AuditProblem(occ.ref, None, None, "seal_edited")
    try:
        sealed = json.loads(stored.body)
    except ValueError:
        return AuditProblem(occ.ref, None, None, "seal_edited")
    now = seal.facts_of(occ, seal.ledger_rows(session, [occ.id]).get(occ.id, []))
    changed = [key for key in now if json.dumps(now[key]) != json.dumps(sealed.get(key))]
    if changed:
        return AuditProblem(occ.ref, None, None, "state_changed", {"changed": changed})
    return None


def audit(session: Session, user: User | None, plan_id: str | None = None) -> AuditResult:
    """``verify`` as a face asks it: ``user`` must be allowed to audit (None is the
    administrator at the command line), and an unknown plan is ``NotFound``, never
    an empty, "intact" audit."""
    if user is not None:
        require_audit(user)
    if plan_id:
        get_plan(session, plan_id)
    return verify(session, plan_id or None)
