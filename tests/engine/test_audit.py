"""The hash-chained history: ``audit verify`` finds and names tampering."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.history import verify
from engine.lookup import load_occurrence
from engine.models import Event
from engine.transition import advance
from notifiers.audit_text import audit_problem_text
from notifiers.i18n import words
from tests.engine.helpers import user

REF = "kon-tum-2013:2.1"


@pytest.fixture
def walked(kon_tum: sessionmaker[Session]) -> sessionmaker[Session]:
    """Kon Tum with 2.1 advanced three times: events #1 create .. #4 submit."""
    with transaction(kon_tum) as s:
        for trigger in ("consult", "appraise", "submit"):
            advance(s, user(s, "lan"), REF, trigger, note=f"bước {trigger}")
    return kon_tum


def _event_ids(factory: sessionmaker[Session]) -> dict[int, int]:
    with transaction(factory) as s:
        occ = load_occurrence(s, REF)
        return dict(
            s.execute(select(Event.seq, Event.id).where(Event.occurrence_id == occ.id)).all()
        )


def test_an_untouched_history_verifies(walked: sessionmaker[Session]) -> None:
    with transaction(walked) as s:
        result = verify(s)
    assert result.ok
    assert result.events == result.occurrences + 3


def test_an_edited_note_is_named_as_the_first_bad_event(walked: sessionmaker[Session]) -> None:
    ids = _event_ids(walked)
    with transaction(walked) as s:
        s.execute(update(Event).where(Event.id == ids[3]).values(note="đã sửa"))
    with transaction(walked) as s:
        result = verify(s)
    assert [(p.ref, p.seq, p.event_id) for p in result.problems] == [(REF, 3, ids[3])]
    assert result.problems[0].problem == "edited"
    assert "was edited after it was recorded" in audit_problem_text(result.problems[0], words("en"))


def test_an_edited_hash_breaks_the_link_to_the_next_event(walked: sessionmaker[Session]) -> None:
    ids = _event_ids(walked)
    with transaction(walked) as s:
        s.execute(update(Event).where(Event.id == ids[2]).values(to_state="issued"))
    with transaction(walked) as s:
        problem = verify(s).problems[0]
    assert (problem.seq, problem.event_id) == (2, ids[2])


def test_a_deleted_middle_event_is_found(walked: sessionmaker[Session]) -> None:
    ids = _event_ids(walked)
    with transaction(walked) as s:
        s.execute(delete(Event).where(Event.id == ids[2]))
    with transaction(walked) as s:
        problem = verify(s).problems[0]
    assert problem.seq == 2
    assert problem.problem == "out_of_order"
    assert "is missing or out of order" in audit_problem_text(problem, words("en"))


def test_a_deleted_newest_event_is_found_through_the_occurrence_head(
    walked: sessionmaker[Session],
) -> None:
    ids = _event_ids(walked)
    with transaction(walked) as s:
        s.execute(delete(Event).where(Event.id == ids[4]))
    with transaction(walked) as s:
        problem = verify(s).problems[0]
    assert (problem.ref, problem.seq) == (REF, 4)
    assert problem.problem == "tail_deleted"
    assert "newest recorded events were deleted" in audit_problem_text(problem, words("en"))


def test_two_reordered_events_are_found(walked: sessionmaker[Session]) -> None:
    ids = _event_ids(walked)
    with transaction(walked) as s:
        # Swap the sequence numbers of events 2 and 3 (through a free number).
        s.execute(update(Event).where(Event.id == ids[2]).values(seq=99))
        s.execute(update(Event).where(Event.id == ids[3]).values(seq=2))
        s.execute(update(Event).where(Event.id == ids[2]).values(seq=3))
    with transaction(walked) as s:
        problem = verify(s).problems[0]
    assert (problem.seq, problem.event_id) == (2, ids[3])
    assert problem.problem == "broken_link"
    assert "deleted or reordered" in audit_problem_text(problem, words("en"))


def test_verify_can_be_limited_to_one_plan(walked: sessionmaker[Session]) -> None:
    ids = _event_ids(walked)
    with transaction(walked) as s:
        s.execute(update(Event).where(Event.id == ids[3]).values(actor="mallory"))
    with transaction(walked) as s:
        assert not verify(s, "kon-tum-2013").ok
        assert verify(s, "nghe-an-2017").occurrences == 0
