"""Who the load generator's virtual users are, and what each of them reads and advances.

Chosen from the database with a seeded ``random.Random`` (the same seed picks
the same people, plans and tasks on the same data): coordinators of the
departments responsible for plans and officers of agencies that lead tasks,
half and half. Each gets a password known only to this run
(``engine.accounts.set_password_as_administrator``: a password the person
keeps, so the board does not stop them at the password-change page; the
national data set's users have none), the plans they follow, tasks of those
plans to read, words to search for, and tasks they may advance
(``engine.authz.offer``), no task in two users' pools so that no advance is
refused as stale because another virtual user moved the task first.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import accounts, authz, db
from engine.models import Occurrence, Plan, Task, TaskAgency, User

T = TypeVar("T")
# Read per user: enough variety that a page is rarely asked twice in a row.
PLANS_EACH, READS_EACH, ADVANCES_EACH = 3, 40, 30
OPEN_PHASES = ("not_started", "active", "suspended")
# Searches people type: a topic's words, a document number, a task code.
SEARCHES = (
    "sản xuất sạch hơn",
    "chuyen doi so",
    "cải cách hành chính",
    "năng lượng",
    "báo cáo kết quả",
    "môi trường",
    "triển khai",
    "du lịch",
)


@dataclass
class VirtualUser:
    name: str
    role: str
    agency: str
    password: str
    plans: list[str]
    reads: list[str]
    searches: list[str]
    advances: list[str] = field(default_factory=list)


def _sample(rng: random.Random, items: list[T], k: int) -> list[T]:
    return rng.sample(items, min(k, len(items)))


def _people(session: Session, rng: random.Random, count: int) -> list[User]:
    responsible = select(Plan.responsible_code)
    leading = select(TaskAgency.agency_code).where(TaskAgency.role == "lead")
    coordinators = list(
        session.scalars(
            select(User)
            .where(User.role == "coordinator", User.active, User.agency_code.in_(responsible))
            .order_by(User.name)
        )
    )
    officers = list(
        session.scalars(
            select(User)
            .where(User.role == "officer", User.active, User.agency_code.in_(leading))
            .order_by(User.name)
        )
    )
    # bench/board_pages.py (run by others on the same data sets) gives a password to the
    # first plan's coordinator and to the first officer of an agency; a new password ends
    # that person's sessions, so the load leaves them out rather than lose its users.
    first_plan = session.scalar(select(Plan.responsible_code).order_by(Plan.id).limit(1))
    coordinators = [u for u in coordinators if u.agency_code != first_plan]
    heads = {}
    for user in officers:  # ordered by name: the first seen of each agency is its head
        heads.setdefault(user.agency_code, user.name)
    officers = [u for u in officers if heads[u.agency_code] != u.name]
    want_coordinators = min(len(coordinators), (count + 1) // 2)
    chosen = rng.sample(coordinators, want_coordinators)
    chosen += rng.sample(officers, min(len(officers), count - want_coordinators))
    return chosen


def _scope(session: Session, user: User) -> tuple[list[str], list[int]]:
    """The plans a person follows and the tasks in them that concern him."""
    if user.role == "coordinator":
        plans = list(
            session.scalars(
                select(Plan.id).where(Plan.responsible_code == user.agency_code).order_by(Plan.id)
            )
        )
        tasks = select(Task.id).where(Task.plan_id.in_(plans))
    else:
        tasks = (
            select(Task.id)
            .join(TaskAgency, TaskAgency.task_id == Task.id)
            .where(TaskAgency.role == "lead", TaskAgency.agency_code == user.agency_code)
        )
        plans = sorted(set(session.scalars(select(Task.plan_id).where(Task.id.in_(tasks)))))
    return plans, list(session.scalars(tasks.order_by(Task.id)))


def prepare(
    url: str, count: int, seed: int, *, claimed: set[str] | None = None
) -> list[VirtualUser]:
    """``count`` virtual users with fresh passwords, their reading and their advances."""
    rng = random.Random(seed)
    claimed = set() if claimed is None else claimed
    engine = db.make_engine(url)
    chosen: list[VirtualUser] = []
    try:
        with db.transaction(db.session_factory(engine)) as session:
            for user in _people(session, rng, count):
                plans, task_ids = _scope(session, user)
                plans = _sample(rng, plans, PLANS_EACH)
                in_plans = _tasks_of(session, plans)
                task_ids = [t for t in task_ids if t in in_plans] or task_ids
                occurrences = list(
                    session.execute(
                        select(Occurrence.ref, Occurrence.phase)
                        .where(Occurrence.task_id.in_(_sample(rng, task_ids, 500)))
                        .order_by(Occurrence.id)
                    )
                )
                refs = [ref for ref, _phase in occurrences]
                open_refs = [r for r, phase in occurrences if phase in OPEN_PHASES]
                password = secrets.token_urlsafe(18)
                accounts.set_password_as_administrator(session, user.name, password)
                person = VirtualUser(
                    name=user.name,
                    role=user.role,
                    agency=user.agency_code,
                    password=password,
                    plans=plans,
                    reads=_sample(rng, refs, READS_EACH),
                    searches=_sample(rng, list(SEARCHES), 4),
                )
                for ref in _sample(
                    rng, [r for r in open_refs if r not in claimed], 4 * ADVANCES_EACH
                ):
                    if len(person.advances) >= ADVANCES_EACH:
                        break
                    if _may_advance(session, user, ref):
                        person.advances.append(ref)
                        claimed.add(ref)
                chosen.append(person)
    finally:
        engine.dispose()
    return chosen


def _tasks_of(session: Session, plans: list[str]) -> set[int]:
    return set(session.scalars(select(Task.id).where(Task.plan_id.in_(plans))))


def _may_advance(session: Session, user: User, ref: str) -> bool:
    occ = session.scalar(select(Occurrence).where(Occurrence.ref == ref))
    if occ is None:
        return False
    offered = authz.offer(user, occ.task.plan, occ.task, archived=bool(occ.archived), occ=occ)
    return offered.advance
