"""Shared helpers for engine tests: snapshots of rows and walking a workflow."""

from __future__ import annotations

from collections import deque
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import workflows
from engine.db import transaction
from engine.lookup import load_occurrence
from engine.models import Event, User


def snapshot(factory: sessionmaker[Session], ref: str) -> tuple[Any, ...]:
    """The stored facts of one occurrence and its whole history."""
    with transaction(factory) as s:
        occ = load_occurrence(s, ref)
        events = s.execute(
            select(Event.seq, Event.trigger, Event.from_state, Event.to_state, Event.hash)
            .where(Event.occurrence_id == occ.id)
            .order_by(Event.seq)
        ).all()
        return (occ.state, occ.version, occ.head_hash, occ.due, occ.completed_at, tuple(events))


def user(session: Session, name: str) -> User:
    found = session.scalar(select(User).where(User.name == name))
    assert found is not None
    return found


def path_to_completion(wf: workflows.WorkflowDef) -> list[workflows.TransitionDef]:
    """The shortest run of the workflow's own triggers from start to a completed state."""
    common = {workflows.SUSPEND, workflows.RESUME, workflows.CANCEL}
    queue: deque[tuple[str, list[workflows.TransitionDef]]] = deque([(wf.initial, [])])
    seen = {wf.initial}
    while queue:
        state, path = queue.popleft()
        if wf.is_completed(state):
            return path
        for t in wf.allowed(state):
            if t.trigger in common or t.dest in seen:
                continue
            seen.add(t.dest)
            queue.append((t.dest, [*path, t]))
    raise AssertionError(f"{wf.name} has no way to completion")


# A value of the right kind for each field (workflows.fields): the engine checks them.
SAMPLE_FIELDS = {
    "document_number": "05/CT-UBND",
    "decision_number": "120/QĐ-UBND",
    "document_date": "2014-06-10",
    "reason": "Cần bổ sung ý kiến của các sở",
    "evidence_document": "Báo cáo số 12/BC-SCT",
    "evidence_figure": "120 cơ sở",
    "evidence_link": "https://example.gov.vn/evidence",
}


def fields_for(t: workflows.TransitionDef) -> dict[str, str]:
    fields = {name: SAMPLE_FIELDS.get(name, f"value of {name}") for name in t.requires}
    if t.requires_any:
        fields[t.requires_any[0]] = SAMPLE_FIELDS[t.requires_any[0]]
    return fields
