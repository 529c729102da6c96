"""A seal over the state of each occurrence that decides behaviour, so direct edits show.

The hash chain covers the events; what dondoc *does* also depends on the
occurrence's row and its surroundings: the due day (overdue lists and the
escalation ladder), the phase and state, the archived flag, the suspension,
the task's agencies (who may act, who is told) and the escalation ledger
(a deleted level is sent again). Every change dondoc makes to these goes
through a session flush; after each flush the seal of every occurrence
touched is rewritten (``occurrence_seals``: the canonical JSON of these
facts and its SHA-256, revision 0008). ``audit verify`` recomputes the facts
and names every one that differs from the seal (``engine.history``).

Limit: like the chain's head, a seal lives in the same database; whoever can
write the database and recomputes the seal too is not detected without an
outside copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, delete, event, select
from sqlalchemy.orm import Session, selectinload

from engine.id_sets import id_pages
from engine.ledger import insert_many_quietly
from engine.models import Escalation, Occurrence, OccurrenceSeal, Task, TaskAgency
from engine.sweep_rows import Candidate, TaskRow

# The sweep reads its candidates as rows (engine.sweep_rows); their seals are the same.
Sealable = Occurrence | Candidate


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def facts_of(
    occ: Sealable, ledger: list[list[Any]], task: Task | TaskRow | None = None
) -> dict[str, Any]:
    """What the seal covers, as plain JSON values (``task``: the occurrence's, if not loaded)."""
    task = task or occ.task
    agencies = sorted([a.role, a.position, a.agency_code] for a in task.agencies)
    return {
        "ref": occ.ref,
        "head": occ.head_hash,
        "state": occ.state,
        "phase": occ.phase,
        "resume_state": occ.resume_state,
        "suspended_on": _day(occ.suspended_on),
        "window_start": _day(occ.window_start),
        "due": _day(occ.due),
        "planned_due": _day(occ.planned_due),
        "completed_on": _day(occ.completed_on),
        "archived": bool(occ.archived),
        "task_archived": bool(task.archived),
        "agencies": agencies,
        "ledger": sorted(ledger),
    }


def canonical(facts: dict[str, Any]) -> str:
    return _CANONICAL(facts)


# json.dumps(..., ensure_ascii=False, sort_keys=True, separators=(",", ":")), one encoder.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def ledger_rows(session: Session, ids: list[int]) -> dict[int, list[list[Any]]]:
    """The escalation ledger of these occurrences: kind, scope, level and target of each row."""
    found: dict[int, list[list[Any]]] = {}
    for cond in id_pages(session, Escalation.occurrence_id, ids):
        query = select(
            Escalation.occurrence_id,
            Escalation.kind,
            Escalation.scope,
            Escalation.level,
            Escalation.target_code,
        ).where(cond)
        for occ_id, *row in session.execute(query):
            found.setdefault(occ_id, []).append(list(row))
    return found


def reseal(session: Session, occurrences: Iterable[Sealable]) -> None:
    """Rewrite the seals of ``occurrences`` from their current state."""
    occs = {o.id: o for o in occurrences if o.id is not None}
    if not occs:
        return
    ids = sorted(occs)
    with session.no_autoflush:
        ledger = ledger_rows(session, ids)
        _write(session, occs, ids, ledger)


def _write(
    session: Session,
    occs: dict[int, Sealable],
    ids: list[int],
    ledger: dict[int, list[list[Any]]],
) -> None:
    rows = []
    for occ_id in ids:
        occ = occs[occ_id]
        task = occ.task or session.get(Task, occ.task_id)
        assert task is not None
        body = canonical(facts_of(occ, ledger.get(occ_id, []), task))
        rows.append({"occurrence_id": occ_id, "body": body, "hash": digest(body)})
    # Core statements on the table: they run inside a flush without starting another.
    table: Table = OccurrenceSeal.__table__  # type: ignore[assignment]
    for cond in id_pages(session, table.c.occurrence_id, ids):
        session.execute(delete(table).where(cond))
    # One statement for all of them on PostgreSQL (engine.ledger): no other writer holds these.
    insert_many_quietly(session, OccurrenceSeal, rows)


def reseal_ids(session: Session, ids: Iterable[int]) -> None:
    """Reseal the occurrences with these ids (after a ledger written without the ORM)."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 500):
        occs = session.scalars(
            select(Occurrence)
            .where(Occurrence.id.in_(wanted[start : start + 500]))
            .options(selectinload(Occurrence.task).selectinload(Task.agencies))
        ).all()
        reseal(session, occs)


@event.listens_for(Session, "after_flush")
def _reseal_after_flush(session: Session, _context: Any) -> None:
    """Every flush that changed an occurrence, a task or its agencies reseals what it touched."""
    touched: set[Occurrence] = set()
    tasks: set[Task] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Occurrence) and obj not in session.deleted:
            touched.add(obj)
        elif isinstance(obj, Task):
            tasks.add(obj)
        elif isinstance(obj, TaskAgency) and obj.task is not None:
            tasks.add(obj.task)
    if tasks:
        task_ids = [t.id for t in tasks if t.id is not None]
        with session.no_autoflush:
            found = session.scalars(select(Occurrence).where(Occurrence.task_id.in_(task_ids)))
            touched.update(found)
    if touched:
        reseal(session, touched)
