"""What every page reads and almost never changes, kept per process under the database's mark.

The board's pages all read the plans' few columns, the agencies' names and the
successions; at national scale (680 plans, 374 agencies) reading and decoding
them again on each request was a fifth of a page (issue 17). A copy is kept
here per database and per kind, with the mark it was read under; a page reads
the mark (one indexed row) and reads the tables again only when it moved.

The mark moves in the same transaction as the change, whoever makes it: the
database's triggers (revision 0020) add a ``reference_changes`` row with a
random token on any insert, update or delete of ``plans``, ``agencies``,
``successions`` or ``succession_agencies``. Pending changes of the asking
session are flushed before the mark is read, so a unit of work that changes a
plan and then reads the plans reads its own change; a change rolled back
leaves the older mark, never one a later state could reuse.

Kept values are shared by every request of the process: callers read them and
never change them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from engine.db import READ_ONLY
from engine.models import Plan, ReferenceChange
from engine.workdays import CALENDAR_SECTION

T = TypeVar("T")

_MARK_KEY = "dondoc_reference_mark"
_MARK = select(ReferenceChange.token).order_by(ReferenceChange.id.desc()).limit(1)
_kept: WeakKeyDictionary[Engine, dict[str, tuple[str, Any]]] = WeakKeyDictionary()
_lock = threading.Lock()


def mark(session: Session) -> str:
    """The newest change's token as this unit of work sees it (its own changes flushed).

    A unit that only reads (``db.transaction(reads=True)``: every page) reads it once:
    it changes nothing, and what others commit meanwhile it may see from its start.
    """
    if session.info.get(READ_ONLY):
        found = session.info.get(_MARK_KEY)
        if found is None:
            found = session.info[_MARK_KEY] = str(session.scalar(_MARK) or "")
        return str(found)
    return str(session.scalar(_MARK) or "")


def kept(session: Session, kind: str, read: Callable[[Session], T]) -> T:
    """``read(session)``, or the copy read under the same mark by an earlier unit of work."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    now = mark(session)
    with _lock:
        store = _kept.setdefault(engine, {})
        found = store.get(kind)
    if found is not None and found[0] == now:
        return found[1]
    value = read(session)
    with _lock:
        store[kind] = (now, value)
    return value


class PlanColumns(NamedTuple):
    """The columns of a plan the worklist and its filter need."""

    id: str
    province: str
    legal_ref: str
    responsible_code: str
    details: dict[str, Any] | None
    # The plan's own working calendar as one canonical string ("null": the country's):
    # plans with equal strings count working days alike (``engine.selection.calendar_groups``).
    calendar: str


def _read_plan_columns(session: Session) -> tuple[PlanColumns, ...]:
    query = select(
        Plan.id, Plan.province, Plan.legal_ref, Plan.responsible_code, Plan.details
    ).order_by(Plan.province, Plan.id)
    return tuple(
        PlanColumns(
            r.id, r.province, r.legal_ref, r.responsible_code, r.details, calendar_key(r.details)
        )
        for r in session.execute(query)
    )


def calendar_key(details: dict[str, Any] | None) -> str:
    """A plan's own calendar section (``[calendar]`` of its file) as a canonical string."""
    return json.dumps((details or {}).get(CALENDAR_SECTION), sort_keys=True, default=str)


def plan_columns(session: Session) -> tuple[PlanColumns, ...]:
    """Every plan's id, province, legal reference, responsible department and details,
    by province then id."""
    return kept(session, "plan_columns", _read_plan_columns)
