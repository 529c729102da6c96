"""An anchor of the history kept outside the database, to catch truncation and deletion.

Every chain's newest event is sealed inside the database; someone who can
write the database can delete an occurrence with its events and seal, or cut
a chain and move its head, and nothing inside says so. ``take_anchor``
(``dondoc audit anchor``) writes each occurrence's head (seq and hash) for
keeping elsewhere; ``check_anchor`` (``dondoc audit verify --anchor FILE``)
later checks that every anchored occurrence still exists and that its chain
still holds the anchored event unchanged. Events are only ever appended, so
an old head stays in a healthy chain forever.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.history import AuditProblem
from engine.lookup import get_plan
from engine.models import Event, Occurrence, Task, utcnow

FORMAT = "dondoc-anchor/1"


def take_anchor(session: Session, plan_id: str | None = None) -> dict[str, Any]:
    """The heads of every occurrence (of one plan, or all): ``{ref: [seq, hash]}``."""
    query = select(Occurrence.ref, Occurrence.head_seq, Occurrence.head_hash).order_by(
        Occurrence.ref
    )
    if plan_id:
        get_plan(session, plan_id)
        query = query.join(Task).where(Task.plan_id == plan_id)
    heads = {ref: [seq, digest] for ref, seq, digest in session.execute(query)}
    return {"format": FORMAT, "taken_at": utcnow().isoformat(), "plan": plan_id, "heads": heads}


def check_anchor(session: Session, anchor: Any, source: str) -> list[AuditProblem]:
    """What no longer matches ``anchor``: deleted occurrences and anchored events gone or changed."""
    heads = anchor.get("heads") if isinstance(anchor, dict) else None
    if anchor is None or anchor.get("format") != FORMAT or not isinstance(heads, dict):
        raise InvalidInput("bad_anchor", file=source[:200], format=FORMAT)
    problems: list[AuditProblem] = []
    for ref, head in sorted(heads.items()):
        if not (isinstance(head, list) and len(head) == 2 and isinstance(head[0], int)):
            raise InvalidInput("bad_anchor", file=source[:200], format=FORMAT)
        seq, digest = head
        occ_id = session.scalar(select(Occurrence.id).where(Occurrence.ref == ref))
        if occ_id is None:
            problems.append(AuditProblem(str(ref), None, None, "occurrence_deleted"))
            continue
        found = session.execute(
            select(Event.id, Event.hash).where(Event.occurrence_id == occ_id, Event.seq == seq)
        ).first()
        if found is None:
            problems.append(AuditProblem(ref, seq, None, "anchored_event_missing"))
        elif found.hash != digest:
            problems.append(AuditProblem(ref, seq, found.id, "anchored_event_changed"))
    return problems
