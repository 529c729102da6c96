"""Agency succession: who holds an agency's work on a day, and applying a succession to open work.

A succession (``engine.models.Succession``) ends agencies on its effective
day and names who takes over (Resolution 190/2025/QH15: an agency named in an
issued document is read as the agency that took over its function). Applying
it re-points every open occurrence that involves an ended agency, and every
plan whose responsible department ended: a ``SuccessionApplied`` row records
the mapping once (so applying is idempotent), and a ``succeed`` event (actor
``system``, dated the effective day, the legal basis and old → new as facts)
joins the occurrence's hash chain. Completed and cancelled occurrences and
past history are untouched; reading agencies on a day before the succession
still gives the old ones (``Occurrence.leads_on``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from engine.errors import Conflict
from engine.history import new_event
from engine.models import (
    Occurrence,
    Plan,
    Succession,
    SuccessionAgency,
    SuccessionApplied,
    Task,
    TaskAgency,
    holders_after,
)
from engine.reference import kept
from engine.workdays import VIETNAM_TZ

if TYPE_CHECKING:
    # Only named in a signature: reading successions (every listing) must not
    # pay for the plan file's dataclasses, which only loading a catalog needs.
    from engine.plan_spec import SuccessionSpec

SYSTEM_ACTOR = "system"
SUCCEED = "succeed"
# Unfinished work follows a succession; completed and cancelled work keeps its agencies.
_FOLLOWING_PHASES = ("not_started", "active", "suspended")
_DAY = dt.timedelta(days=1)


class SuccessionBook:
    """Every succession read once, to follow an agency code to its holder on a day."""

    def __init__(self, session: Session) -> None:
        # Read once per process while no succession changes (engine.reference): every
        # worklist and escalation asks, and successions change a few times a year.
        self.by_code: dict[str, list[Step]] = kept(session, "succession_book", _read_steps)

    def holder(self, code: str, day: dt.date) -> str:
        """Who does ``code``'s work on ``day`` (``code`` itself when nothing succeeded it)."""
        seen = [code]
        while True:
            nxt = next(
                (_successor(s, code) for s in self.by_code.get(code, []) if s.effective <= day),
                None,
            )
            if nxt is None or nxt == code:
                return code
            if nxt in seen:
                raise Conflict("succession_cycle", cycle=" → ".join([*seen, nxt]))
            seen.append(nxt)
            code = nxt

    def predecessors(self, code: str) -> set[str]:
        """Every code whose work ``code`` holds now or held (itself included)."""
        found, todo = {code}, [code]
        reverse: dict[str, set[str]] = {}
        for ended, rows in self.by_code.items():
            for s in rows:
                for to in s.to_codes:
                    reverse.setdefault(to, set()).add(ended)
        while todo:
            for prev in reverse.get(todo.pop(), ()):
                if prev not in found:
                    found.add(prev)
                    todo.append(prev)
        return found


@dataclass(frozen=True)
class Step:
    """What the book needs of a succession, as plain values (kept across units of work)."""

    effective: dt.date
    kind: str
    from_codes: tuple[str, ...]
    to_codes: tuple[str, ...]
    rule: dict[str, Any]


def _read_steps(session: Session) -> dict[str, list[Step]]:
    by_code: dict[str, list[Step]] = {}
    for s in session.scalars(
        select(Succession)
        .options(selectinload(Succession.agencies))
        .order_by(Succession.effective, Succession.id)
    ):
        step = Step(s.effective, s.kind, tuple(s.from_codes), tuple(s.to_codes), s.rule or {})
        for code in s.from_codes:
            by_code.setdefault(code, []).append(step)
    return by_code


def _successor(s: Succession | Step, code: str, ref: str | None = None) -> str:
    if code in s.to_codes:
        return code
    if s.kind == "split":
        tasks = (s.rule or {}).get("tasks", {})
        if ref:
            task_ref = ref.split("@", 1)[0]
            if ref in tasks or task_ref in tasks:
                return str(tasks.get(ref) or tasks[task_ref])
        return str((s.rule or {}).get("default") or s.to_codes[0])
    return s.to_codes[0]


def effective_moment(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in Vietnam: when a succession's event is dated."""
    return dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM_TZ)


# ------------------------------------------------------------ storing successions


def sync_successions(session: Session, specs: Iterable[SuccessionSpec]) -> int:
    """Insert or update directory successions by key; returns how many were new."""
    existing = {s.key: s for s in session.scalars(select(Succession))}
    added = 0
    for spec in specs:
        row = existing.get(spec.key)
        if row is None:
            row = Succession(key=spec.key)
            session.add(row)
            added += 1
        row.kind = spec.kind
        row.effective = spec.effective
        row.basis_number = spec.basis_number
        row.basis_date = spec.basis_date
        row.basis_title = spec.basis_title
        row.note = spec.note
        row.province_merge = spec.province_merge
        row.rule = (
            {"default": spec.owner_default, "tasks": dict(spec.owner_tasks)}
            if spec.kind == "split"
            else {}
        )
        wanted = [("from", i, c) for i, c in enumerate(spec.from_codes)] + [
            ("to", i, c) for i, c in enumerate(spec.to_codes)
        ]
        if [(a.side, a.position, a.agency_code) for a in row.agencies] != wanted:
            row.agencies.clear()
            session.flush()
            for side, i, code in wanted:
                row.agencies.append(SuccessionAgency(side=side, position=i, agency_code=code))
    session.flush()
    return added


# ------------------------------------------------------------ applying


@dataclass
class Move:
    """One occurrence or plan a succession re-points: ``old`` codes → ``new`` codes."""

    succession_id: int
    effective: dt.date
    ref: str
    kind: str  # "occurrence" | "plan"
    old: list[str]
    new: list[str]
    mapping: dict[str, str] = field(default_factory=dict)


def _involved(codes: Sequence[str], s: Succession) -> list[str]:
    ended = set(s.from_codes) - set(s.to_codes)
    return [c for c in codes if c in ended]


def pending_moves(session: Session, as_of: dt.date) -> list[Move]:
    """What applying every succession effective by ``as_of`` would re-point, in order."""
    successions = list(
        session.scalars(
            select(Succession)
            .where(Succession.effective <= as_of)
            .options(selectinload(Succession.agencies))
            .order_by(Succession.effective, Succession.id)
        )
    )
    if not successions:
        return []
    return moves_for(successions, *open_work(session))


def open_work(
    session: Session, ended: Iterable[str] | None = None
) -> tuple[list[Occurrence], list[Plan]]:
    """The open occurrences a succession may still re-point, and every plan.

    Only tasks printed with an agency that some succession ends (``ended``,
    default: every one recorded) can be reached, so the sweep does not load
    the open work of provinces nothing happened to.
    """
    if ended is None:
        ended = session.scalars(
            select(SuccessionAgency.agency_code).where(SuccessionAgency.side == "from").distinct()
        ).all()
    named = select(TaskAgency.task_id).where(TaskAgency.agency_code.in_(list(ended)))
    occurrences = list(
        session.scalars(
            select(Occurrence)
            .where(Occurrence.phase.in_(_FOLLOWING_PHASES))
            .where(or_(Occurrence.archived.is_(False), Occurrence.archived.is_(None)))
            .where(Occurrence.task_id.in_(named))
            .options(
                selectinload(Occurrence.task).selectinload(Task.agencies),
                selectinload(Occurrence.applied),
            )
            .order_by(Occurrence.id)
        )
    )
    plans = list(session.scalars(select(Plan).options(selectinload(Plan.applied))))
    return occurrences, plans


def moves_for(
    successions: Sequence[Succession], occurrences: Sequence[Occurrence], plans: Sequence[Plan]
) -> list[Move]:
    """The moves of ``successions`` (in effective order) over the given open work."""
    chains: dict[tuple[str, Any], list[Any]] = {}
    done: set[tuple[str, Any, int]] = set()
    for occ in occurrences:
        chains[("o", occ.id)] = list(occ.applied)
        done.update(("o", occ.id, a.succession_id) for a in occ.applied)
    for plan in plans:
        chains[("p", plan.id)] = list(plan.applied)
        done.update(("p", plan.id, a.succession_id) for a in plan.applied)
    moves: list[Move] = []
    for s in successions:
        eve = s.effective - _DAY
        for occ in occurrences:
            if ("o", occ.id, s.id) in done:
                continue
            chain = chains[("o", occ.id)]
            codes = [*holders_after(chain, occ.task.leads, eve)]
            codes += [c for c in holders_after(chain, occ.task.co_agencies, eve) if c not in codes]
            ended = _involved(codes, s)
            if ended:
                mapping = {c: _successor(s, c, occ.ref) for c in ended}
                moves.append(_move(s, occ.ref, "occurrence", codes, mapping))
                chain.append(_Applied(s.effective, mapping))
        for plan in plans:
            if ("p", plan.id, s.id) in done:
                continue
            chain = chains[("p", plan.id)]
            codes = holders_after(chain, [plan.responsible_code], eve)
            ended = _involved(codes, s)
            if ended:
                mapping = {c: _successor(s, c) for c in ended}
                moves.append(_move(s, plan.id, "plan", codes, mapping))
                chain.append(_Applied(s.effective, mapping))
    return moves


@dataclass
class _Applied:
    """An applied mapping not yet written (what ``holders_after`` reads of a row)."""

    effective: dt.date
    mapping: dict[str, str]


def _move(s: Succession, ref: str, kind: str, codes: list[str], mapping: dict[str, str]) -> Move:
    new = list(dict.fromkeys(mapping.get(c, c) for c in codes))
    return Move(s.id, s.effective, ref, kind, list(codes), new, mapping)


def apply_due(session: Session, as_of: dt.date) -> list[Move]:
    """Apply every succession effective by ``as_of`` to the open work it has not reached yet."""
    moves = pending_moves(session, as_of)
    if not moves:
        return moves
    successions = {s.id: s for s in session.scalars(select(Succession))}
    occurrences = {
        o.ref: o
        for o in session.scalars(
            select(Occurrence).where(
                Occurrence.ref.in_([m.ref for m in moves if m.kind == "occurrence"])
            )
        )
    }
    for move in moves:
        s = successions[move.succession_id]
        row = SuccessionApplied(
            succession_id=s.id, effective=s.effective, mapping=dict(move.mapping)
        )
        if move.kind == "plan":
            row.plan_id = move.ref
            session.add(row)
            continue
        occ = occurrences[move.ref]
        row.occurrence_id = occ.id
        session.add(row)
        session.add(
            new_event(
                occ,
                at=effective_moment(s.effective),
                actor=SYSTEM_ACTOR,
                trigger=SUCCEED,
                from_state=occ.state,
                to_state=occ.state,
                note=s.basis_title,
                fields=event_facts(s, move),
            )
        )
    session.flush()
    # The viewonly ``applied`` lists were read before these rows existed.
    for obj in [*occurrences.values(), *session.scalars(select(Plan))]:
        session.expire(obj, ["applied"])
    return moves


def event_facts(s: Succession, move: Move) -> dict[str, str]:
    """The facts a ``succeed`` event records: the legal basis and old → new."""
    facts = {
        "basis": s.basis_number,
        "from_agencies": ", ".join(move.mapping),
        "to_agencies": ", ".join(dict.fromkeys(move.mapping.values())),
    }
    if s.basis_date:
        facts["basis_date"] = s.basis_date.isoformat()
    return facts
