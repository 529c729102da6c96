"""Editing, deleting, inserting or reordering any event is caught by audit verify, naming it."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from cli import cli
from engine import db
from engine.history import event_hash, verify
from engine.lookup import load_occurrence
from engine.models import Event
from engine.transition import advance
from engine.users import get_user
from notifiers.audit_text import audit_problem_text
from notifiers.i18n import words

REF = "kon-tum-2013:2.1"
WALK = [
    ("consult", {}),
    ("appraise", {}),
    ("submit", {}),
    ("issue", {"document_number": "05/CT-UBND", "document_date": "2014-06-10"}),
]
EVENTS = 1 + len(WALK)  # the catalog's create event, then the walk


@pytest.fixture
def walked(kon_tum: sessionmaker[Session]) -> sessionmaker[Session]:
    for trigger, fields in WALK:
        with db.transaction(kon_tum) as s:
            advance(s, get_user(s, "lan"), REF, trigger, fields=fields)
    return kon_tum


def _events(s: Session) -> list[Event]:
    occ = load_occurrence(s, REF)
    return list(s.scalars(select(Event).where(Event.occurrence_id == occ.id).order_by(Event.seq)))


def _shift(s: Session, occurrence_id: int, from_seq: int, by: int) -> None:
    # Through negative numbers, so the unique (occurrence, seq) holds at every step.
    moved = (Event.occurrence_id == occurrence_id) & (Event.seq >= from_seq)
    s.execute(update(Event).where(moved).values(seq=-Event.seq - by))
    s.execute(
        update(Event)
        .where(Event.occurrence_id == occurrence_id, Event.seq < 0)
        .values(seq=-Event.seq)
    )


def edit(s: Session, pos: int) -> int:
    target = _events(s)[pos - 1]
    s.execute(update(Event).where(Event.id == target.id).values(note="đã sửa lén"))
    return pos


def remove(s: Session, pos: int) -> int:
    target = _events(s)[pos - 1]
    s.execute(delete(Event).where(Event.id == target.id))
    return pos


def insert(s: Session, pos: int) -> int:
    """A forged event before position ``pos``, hashed correctly onto its predecessor."""
    events = _events(s)
    occ = events[0].occurrence
    before = events[pos - 2]
    _shift(s, occ.id, pos, 1)
    at = before.at + dt.timedelta(seconds=1)
    fake = {
        "actor": "lan",
        "trigger": "comment",
        "from_state": before.to_state,
        "to_state": before.to_state,
        "note": "giả mạo",
        "fields": {},
    }
    digest = event_hash(ref=REF, seq=pos, at=at, prev_hash=before.hash, **fake)
    s.add(
        Event(
            occurrence_id=occ.id,
            seq=pos,
            at=at,
            recorded_at=at,
            prev_hash=before.hash,
            hash=digest,
            **fake,
        )
    )
    # The forgery is a valid link; the event after it no longer follows it.
    return pos + 1


def reorder(s: Session, pos: int) -> int:
    """Swap events ``pos`` and ``pos + 1``."""
    first, second = _events(s)[pos - 1 : pos + 1]
    s.execute(update(Event).where(Event.id == first.id).values(seq=-1))
    s.execute(update(Event).where(Event.id == second.id).values(seq=pos))
    s.execute(update(Event).where(Event.id == first.id).values(seq=pos + 1))
    return pos


CASES = (
    [("edit", edit, p) for p in range(1, EVENTS + 1)]
    + [("delete", remove, p) for p in range(1, EVENTS + 1)]
    + [("insert", insert, p) for p in range(2, EVENTS + 1)]
    + [("reorder", reorder, p) for p in range(1, EVENTS)]
)


def _verify(db_url: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", db_url, "audit", "verify"])
    return result.exit_code, result.output


def test_an_untouched_walk_verifies(walked: sessionmaker[Session], db_url: str) -> None:
    assert _verify(db_url) == (
        0,
        "History intact: 52 event(s) in 48 occurrence(s) verified.\n",
    )


def test_tampering_with_any_event_is_detected_and_the_first_bad_event_named(
    walked: sessionmaker[Session],
) -> None:
    # One database per kind for all 18 cases: each tampering is undone by a rollback.
    found, wanted = [], []
    for how, tamper, position in CASES:
        with walked() as s:
            named = tamper(s, position)
            s.flush()
            s.expire_all()
            result = verify(s)
            s.rollback()
        wanted.append((how, position, f"{REF}: event #{named} "))
        first = (
            audit_problem_text(result.problems[0], words("en"))
            if result.problems
            else "nothing found"
        )
        found.append((how, position, first[: len(wanted[-1][2])]))
        assert len(result.problems) == 1, (how, position, result.problems)
    assert found == wanted
    print(f"\ntampering: {len(CASES)} cases over {EVENTS} events, {len(CASES)} detected and named")


def test_audit_verify_names_the_edited_event_and_exits_1(
    walked: sessionmaker[Session], db_url: str
) -> None:
    with db.transaction(walked) as s:
        edit(s, 3)
        event_id = _events(s)[2].id
    code, output = _verify(db_url)
    assert (code, output) == (
        1,
        f"Error: History tampered: {REF}: event #3 (id {event_id}) was edited after it was "
        "recorded.\n",
    )
