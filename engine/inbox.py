"""A person's inbox: what concerns him since he last looked.

What concerns a person:

- the escalations and reminders sent to his agency (``Escalation.target_code``);
- the steps and comments on tasks his agency leads or co-operates on (or an
  agency whose work it took over, ``engine.succession``), by
  anyone but himself and the catalog's loading (``TaskAgency``: the agencies the annex names);
- the comments that mention him, by his full name or as ``@name``.

"Since he last looked" is two marks on the user (revision 0009): the last
event and the last escalation his inbox showed. Every query starts from a
mark and reads forward along the primary key (and the agency through its
index), so the header's count on every page costs three small indexed queries,
not a scan of the history; the count stops at ``COUNT_CAP``. Comments are found
through ``ix_events_trigger_id`` (revision 0018), the events of an agency's
tasks through the tasks' occurrences (``_involved``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CTE, ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from engine.authz import COMMENT_TRIGGERS
from engine.models import Escalation, Event, Occurrence, Task, TaskAgency, User
from engine.succession import SuccessionBook
from engine.users import CATALOG_ACTOR

#: The header shows "99+" past this; the count reads no further.
COUNT_CAP = 99
#: The inbox page lists at most this many of each kind, newest first.
LIST_LIMIT = 200
#: How many things already read the inbox page shows below the new ones.
EARLIER_LIMIT = 20


@dataclass(frozen=True)
class Item:
    """One thing in the inbox: an event on a task, or an escalation or reminder."""

    kind: str  # "step", "comment", "mention", "overdue", "state_limit", "reminder"
    id: int
    ref: str
    at: dt.datetime
    code: str = ""
    year: int | None = None
    title: str = ""
    actor: str = ""
    trigger: str = ""
    to_state: str = ""
    workflow: str = ""
    note: str = ""
    level: int = 0
    days_overdue: int = 0


def _mentions(user: User) -> list[str]:
    words = [f"@{user.name}"]
    if user.full_name and len(user.full_name) >= 4:
        words.append(user.full_name)
    return words


def _mention_pattern(user: User) -> re.Pattern[str]:
    """His name as a whole word: "@lan" is not in "@lanh", "Nguyễn Văn An" not in
    "Nguyễn Văn Anh" (``\\w`` knows Vietnamese letters)."""
    return re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in _mentions(user)))


def _mentioning(session: Session, user: User, limit: int) -> list[int]:
    """The newest ``limit`` comments past his mark that mention ``user``, newest first.

    The database finds the comments that hold his name anywhere (its index on the
    trigger), ``limit`` at a time; only those where it stands as a word are kept.
    """
    query = (
        select(Event.id, Event.note)
        .where(
            Event.id > user.inbox_event_seen,
            Event.trigger.in_(COMMENT_TRIGGERS),
            _by_others(user),
            or_(*[Event.note.contains(word, autoescape=True) for word in _mentions(user)]),
        )
        .order_by(Event.id.desc())
        .limit(limit)
    )
    pattern = _mention_pattern(user)
    found: list[int] = []
    while True:
        rows = session.execute(query).all()
        found += [event_id for event_id, note in rows if pattern.search(note or "")]
        if len(found) >= limit or len(rows) < limit:
            return found[:limit]
        query = query.where(Event.id < rows[-1][0])


def _agencies(session: Session, user: User) -> list[str]:
    """The user's agency and every agency whose work it took over (``engine.succession``),
    from the kept succession book: no statement on each page's header."""
    inherited = SuccessionBook(session).predecessors(user.agency_code) - {user.agency_code}
    return [user.agency_code, *sorted(inherited)]


def _involved(codes: list[str]) -> CTE:
    """The tasks that name ``codes``, worked out once per query.

    MATERIALIZED makes the database start from these (an agency's few hundred
    tasks, or none) and look their occurrences and events up by index: planned
    as a semi-join, PostgreSQL walked every event of the history for an agency
    with nothing new (2 s at a million occurrences, on every page's header).
    Tasks, not their occurrences: the header's count stops at ``COUNT_CAP``
    events, which a busy department's first few tasks hold, where listing its
    7,360 occurrences first cost 5 ms of every page at national scale (issue 17);
    with a recent mark the database reads the events past it instead.
    """
    return (
        select(TaskAgency.task_id.label("task_id"))
        .distinct()
        .where(TaskAgency.agency_code.in_(codes))
        .cte("involved")
        .prefix_with("MATERIALIZED")
    )


def _on_involved(query: Select[Any], involved: CTE) -> Select[Any]:
    """``query`` (over events) narrowed to the events of the ``involved`` tasks."""
    return query.join(Occurrence, Occurrence.id == Event.occurrence_id).join(
        involved, involved.c.task_id == Occurrence.task_id
    )


def _by_others(user: User) -> ColumnElement[bool]:
    return Event.actor.not_in((user.name, CATALOG_ACTOR))


def _new_events(session: Session, user: User, limit: int, newest: bool = True) -> list[int]:
    """``limit`` events that concern ``user`` past his mark, newest first: on his agencies'
    tasks, and comments that mention him. Two queries, each through its own index (an OR
    of the two read the whole history); an event in both is one thing. Unless ``newest``
    (the badge only counts to its cap) the database stops at any ``limit`` of them."""
    involved = _involved(_agencies(session, user))
    on_tasks = _on_involved(select(Event.id), involved).where(
        Event.id > user.inbox_event_seen, _by_others(user)
    )
    if newest:
        on_tasks = on_tasks.order_by(Event.id.desc())
    found = set(session.scalars(on_tasks.limit(limit)))
    found.update(_mentioning(session, user, limit))
    return sorted(found, reverse=True)[:limit]


def _escalations(user: User) -> Select[Any]:
    return select(Escalation.id).where(
        Escalation.id > user.inbox_escalation_seen, Escalation.target_code == user.agency_code
    )


def unread(session: Session, user: User) -> int:
    """How many new things concern ``user``, at most ``COUNT_CAP + 1`` (the header's badge)."""
    cap = COUNT_CAP + 1
    events = _new_events(session, user, cap, newest=False)
    escalations = select(func.count()).select_from(_escalations(user).limit(cap).subquery())
    return min(len(events) + int(session.scalar(escalations) or 0), cap)


def open_inbox(session: Session, user: User) -> list[Item]:
    """The new things that concern ``user``, newest first; marks them read."""
    event_ids = _new_events(session, user, LIST_LIMIT)
    escalation_ids = list(
        session.scalars(_escalations(user).order_by(Escalation.id.desc()).limit(LIST_LIMIT))
    )
    items = _items(session, user, event_ids, escalation_ids)
    # Older unread items past the list's limit are read too: below the newest shown.
    user.inbox_event_seen = max([user.inbox_event_seen, *event_ids])
    user.inbox_escalation_seen = max([user.inbox_escalation_seen, *escalation_ids])
    session.flush()
    return items


def already_read(session: Session, user: User, limit: int = EARLIER_LIMIT) -> list[Item]:
    """The latest things ``user`` has already seen: his agency's tasks and escalations."""
    involved = _involved(_agencies(session, user))
    event_ids = list(
        session.scalars(
            _on_involved(select(Event.id), involved)
            .where(Event.id <= user.inbox_event_seen, _by_others(user))
            .order_by(Event.id.desc())
            .limit(limit)
        )
    )
    escalation_ids = list(
        session.scalars(
            select(Escalation.id)
            .where(
                Escalation.id <= user.inbox_escalation_seen,
                Escalation.target_code == user.agency_code,
            )
            .order_by(Escalation.id.desc())
            .limit(limit)
        )
    )
    return _items(session, user, event_ids, escalation_ids)[:limit]


def _items(
    session: Session, user: User, event_ids: list[int], escalation_ids: list[int]
) -> list[Item]:
    """The events and escalations of these ids as inbox items, newest first."""
    items: list[Item] = []
    pattern = _mention_pattern(user)
    if event_ids:
        rows = session.execute(
            select(Event, Occurrence, Task)
            .join(Occurrence, Occurrence.id == Event.occurrence_id)
            .join(Task, Task.id == Occurrence.task_id)
            .where(Event.id.in_(event_ids))
        ).all()
        for event, occ, task in rows:
            comment = event.trigger in COMMENT_TRIGGERS
            mention = comment and bool(pattern.search(event.note or ""))
            items.append(
                Item(
                    kind="mention" if mention else ("comment" if comment else "step"),
                    id=event.id,
                    ref=occ.ref,
                    at=event.recorded_at,
                    code=task.code,
                    year=occ.year,
                    title=task.title,
                    actor=event.actor,
                    trigger=event.trigger,
                    to_state=event.to_state,
                    workflow=task.workflow,
                    note=event.note or "",
                )
            )
    if escalation_ids:
        rows2 = session.execute(
            select(Escalation, Occurrence, Task)
            .join(Occurrence, Occurrence.id == Escalation.occurrence_id)
            .join(Task, Task.id == Occurrence.task_id)
            .where(Escalation.id.in_(escalation_ids))
        ).all()
        for esc, occ, task in rows2:
            items.append(
                Item(
                    kind=esc.kind,
                    id=esc.id,
                    ref=occ.ref,
                    at=esc.created_at,
                    code=task.code,
                    year=occ.year,
                    title=task.title,
                    level=esc.level,
                    days_overdue=esc.days_overdue,
                )
            )
    items.sort(key=lambda i: i.at, reverse=True)
    return items
