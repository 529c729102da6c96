"""Successions typed by hand and the people they leave behind.

``add_succession`` records ``dondoc agencies succeed``; ``find_cycle`` is the
one cycle check (the directory files use it too); ``dissolved_users`` and
``move_user`` serve the coordinators who move people off ended agencies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import Agency, Succession, SuccessionAgency, User
from engine.plan_spec import SUCCESSION_KINDS, SuccessionSpec
from engine.succession import (
    Move,
    SuccessionBook,
    apply_due,
    moves_for,
    open_work,
    sync_successions,
)

_DAY = dt.timedelta(days=1)


def check_succession(
    session: Session,
    *,
    ended: Sequence[str],
    successors: Sequence[str],
    on: dt.date,
    basis: str,
    kind: str | None = None,
    note: str = "",
    split_default: str | None = None,
) -> SuccessionSpec:
    """A succession typed on the command line (``dondoc agencies succeed``), checked.

    Raises ``InvalidInput`` for an impossible one (unknown agencies, one that
    would succeed itself, an agency not alive then) and ``Conflict`` for one
    already recorded or one that would close a cycle.
    """
    ended, successors = list(dict.fromkeys(ended)), list(dict.fromkeys(successors))
    if not ended or not successors or not basis.strip():
        raise InvalidInput("succession_incomplete")
    kind = kind or ("split" if len(successors) > 1 else "merge" if len(ended) > 1 else "rename")
    if kind not in SUCCESSION_KINDS:
        raise InvalidInput("unknown_succession_kind", kind=kind, known=list(SUCCESSION_KINDS))
    _checked_agencies(session, ended, successors, on)
    if split_default is not None and split_default not in successors:
        raise InvalidInput("split_owner_unknown", agency=split_default, successors=successors)
    spec = SuccessionSpec(
        kind=kind,
        effective=on,
        from_codes=tuple(ended),
        to_codes=tuple(successors),
        basis_number=basis.strip(),
        note=note,
        owner_default=split_default or (successors[0] if kind == "split" else None),
    )
    if session.scalar(select(Succession.id).where(Succession.key == spec.key)):
        raise Conflict("succession_exists", agencies=list(ended), effective=on.isoformat())
    edges = [(r.from_codes, r.to_codes) for r in session.scalars(select(Succession))]
    cycle = find_cycle([*edges, (spec.from_codes, spec.to_codes)])
    if cycle:
        raise Conflict("succession_cycle", cycle=" → ".join(cycle))
    return spec


@dataclass
class SuccessionPlan:
    """What a succession moves: open occurrences and plans, and the people left behind."""

    moves: list[Move]
    users: list[tuple[str, str]]  # (user name, agency)
    applied: bool


def succeed(
    session: Session, spec: SuccessionSpec, *, today: dt.date, dry_run: bool = False
) -> SuccessionPlan:
    """Record ``spec`` and apply it to open work if its day has come; a dry run writes nothing.

    The dry run computes the same moves over the work as it stands, from a
    succession that is never added to the session.
    """
    users = [
        (u.name, u.agency_code)
        for u in session.scalars(
            select(User)
            .where(User.agency_code.in_(spec.from_codes), User.active.is_(True))
            .order_by(User.name)
        )
    ]
    if dry_run:
        draft = Succession(
            kind=spec.kind,
            effective=spec.effective,
            rule={"default": spec.owner_default, "tasks": {}} if spec.kind == "split" else {},
            agencies=[
                SuccessionAgency(side=side, position=i, agency_code=code)
                for side, codes in (("from", spec.from_codes), ("to", spec.to_codes))
                for i, code in enumerate(codes)
            ],
        )
        # The tasks that name an ended agency, directly or through an earlier succession.
        book = SuccessionBook(session)
        reached = {p for code in spec.from_codes for p in book.predecessors(code)}
        moves = moves_for([draft], *open_work(session, reached))
        return SuccessionPlan(moves, users, applied=False)
    for code in spec.from_codes:
        agency = session.get(Agency, code)
        if agency is not None and agency.valid_until is None:
            agency.valid_until = spec.effective - _DAY
    sync_successions(session, [spec])
    row = session.scalar(select(Succession).where(Succession.key == spec.key))
    moves = [m for m in apply_due(session, today) if row is not None and m.succession_id == row.id]
    return SuccessionPlan(moves, users, applied=spec.effective <= today)


def find_cycle(edges: Iterable[tuple[Iterable[str], Iterable[str]]]) -> list[str]:
    """A cycle of "ended → successor" (an agency that would succeed itself), or []."""
    graph: dict[str, set[str]] = {}
    for froms, tos in edges:
        targets = list(tos)
        for code in froms:
            graph.setdefault(code, set()).update(t for t in targets if t != code)
    state: dict[str, int] = {}

    def visit(code: str, path: list[str]) -> list[str]:
        state[code] = 1
        for nxt in sorted(graph.get(code, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt] if nxt in path else [code, nxt]
            if nxt not in state:
                cycle = visit(nxt, [*path, nxt])
                if cycle:
                    return cycle
        state[code] = 2
        return []

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start, [start])
            if cycle:
                return cycle
    return []


def _checked_agencies(
    session: Session, ended: list[str], successors: list[str], on: dt.date
) -> dict[str, Agency]:
    """The agencies of a typed succession, each alive where the succession needs it."""
    agencies: dict[str, Agency] = {}
    for code in [*ended, *successors]:
        agency = session.get(Agency, code)
        if agency is None:
            raise NotFound("no_agency", agency=code)
        agencies[code] = agency
    for code in ended:
        a = agencies[code]
        if code in successors or (a.valid_until is not None and a.valid_until < on - _DAY):
            raise InvalidInput("succession_outside_life", agency=code, effective=on.isoformat())
    for code in successors:
        if not agencies[code].alive_on(on):
            raise InvalidInput("succession_outside_life", agency=code, effective=on.isoformat())
    return agencies


def dissolved_users(session: Session, day: dt.date) -> list[tuple[User, Agency, str]]:
    """Active users whose agency has ended by ``day``, with the agency that holds its work."""
    book = SuccessionBook(session)
    rows = session.scalars(
        select(User)
        .join(Agency, User.agency_code == Agency.code)
        .where(User.active.is_(True), Agency.valid_until.isnot(None), Agency.valid_until < day)
        .order_by(User.name)
    )
    return [(u, session.get(Agency, u.agency_code), book.holder(u.agency_code, day)) for u in rows]  # type: ignore[misc]


def move_user(session: Session, name: str, agency_code: str, day: dt.date) -> User:
    """Move a user to another agency (one that exists on ``day``)."""
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound("no_user", name=name)
    agency = session.get(Agency, agency_code)
    if agency is None:
        raise NotFound("no_agency", agency=agency_code)
    if not agency.alive_on(day):
        raise InvalidInput("agency_dissolved", agency=agency_code, until=str(agency.valid_until))
    from engine.accounts import record_change

    before, user.agency_code = user.agency_code, agency_code
    session.flush()
    if before != agency_code:
        record_change(session, None, user, "agency", before=before, after=agency_code)
    return user
