"""Direct edits of an occurrence's state are named by audit verify (issue 18, engine.seal).

The hash chain covers events; a due day moved by hand (the occurrence leaves
the overdue list and three escalation levels vanish), a phase, the archived
flag, a task's lead agency (who may act) or a deleted ledger row (the next
sweep sends again) used to pass ``audit verify``. Each is now named, after
real changes by dondoc (advances, a sweep, reminders) verify clean.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from cli import cli
from engine import db
from engine.escalation import sweep
from engine.history import verify
from engine.lookup import load_occurrence
from engine.models import Escalation, Event, Occurrence, OccurrenceSeal, Task, TaskAgency
from engine.reminders import remind
from engine.transition import advance
from engine.users import get_user
from notifiers.audit_text import audit_problem_text
from notifiers.i18n import words

REF = "kon-tum-2013:2.1"


@pytest.fixture
def lived(kon_tum: sessionmaker[Session]) -> sessionmaker[Session]:
    """Kon Tum after real work: two advances, reminders and a sweep that escalated 2.1."""
    with db.transaction(kon_tum) as s:
        advance(s, get_user(s, "lan"), REF, "consult")
        advance(s, get_user(s, "lan"), REF, "comment", note="x")
    remind(kon_tum, as_of=dt.date(2014, 6, 20))
    sweep(kon_tum, as_of=dt.date(2015, 3, 16))
    with kon_tum() as s:
        assert verify(s).ok, verify(s).problems
        occ = load_occurrence(s, REF)
        assert s.scalar(select(Escalation.id).where(Escalation.occurrence_id == occ.id))
    return kon_tum


def _occ_id(s: Session) -> int:
    return load_occurrence(s, REF).id


def move_due(s: Session) -> None:
    s.execute(update(Occurrence).where(Occurrence.id == _occ_id(s)).values(due=dt.date(2030, 1, 1)))


def change_phase(s: Session) -> None:
    occ_id = _occ_id(s)
    s.execute(update(Occurrence).where(Occurrence.id == occ_id).values(phase="completed"))


def archive(s: Session) -> None:
    s.execute(update(Occurrence).where(Occurrence.id == _occ_id(s)).values(archived=True))


def change_lead(s: Session) -> None:
    task_id = load_occurrence(s, REF).task_id
    s.execute(
        update(TaskAgency)
        .where(TaskAgency.task_id == task_id, TaskAgency.role == "lead")
        .values(agency_code="kon-tum/stnmt")
    )


def delete_ledger_row(s: Session) -> None:
    occ_id = _occ_id(s)
    first = s.scalar(select(Escalation.id).where(Escalation.occurrence_id == occ_id).limit(1))
    s.execute(delete(Escalation).where(Escalation.id == first))


def archive_task(s: Session) -> None:
    s.execute(update(Task).where(Task.id == load_occurrence(s, REF).task_id).values(archived=True))


CASES: list[tuple[Callable[[Session], None], str]] = [
    (move_due, "was changed outside dondoc (due day)"),
    (change_phase, "was changed outside dondoc (phase)"),
    (archive, "was changed outside dondoc (archived flag)"),
    (change_lead, "was changed outside dondoc (agencies)"),
    (delete_ledger_row, "was changed outside dondoc (escalation ledger)"),
    (archive_task, "was changed outside dondoc (the task's archived flag)"),
]


@pytest.mark.parametrize(("tamper", "what"), CASES, ids=[c[0].__name__ for c in CASES])
def test_a_direct_change_of_state_is_named(
    lived: sessionmaker[Session], db_url: str, tamper: Callable[[Session], None], what: str
) -> None:
    with db.transaction(lived) as s:
        tamper(s)
    with lived() as s:
        problems = verify(s).problems
    found = [audit_problem_text(p, words("en")) for p in problems]
    assert found, "not detected"
    assert any(f.startswith(f"{REF}: its recorded state {what}") for f in found), found
    result = CliRunner().invoke(cli, ["--db", db_url, "audit", "verify", "--plan", "kon-tum-2013"])
    assert result.exit_code == 1 and what in result.output


def test_a_deleted_seal_and_an_edited_seal_are_named(lived: sessionmaker[Session]) -> None:
    with db.transaction(lived) as s:
        occ_id = _occ_id(s)
        s.execute(update(OccurrenceSeal).where(OccurrenceSeal.occurrence_id == occ_id).values(
            body=OccurrenceSeal.body + " "))  # fmt: skip
    with lived() as s:
        [problem] = verify(s).problems
    assert (
        audit_problem_text(problem, words("en"))
        == f"{REF}: its recorded state has a seal that was edited."
    )
    with db.transaction(lived) as s:
        s.execute(delete(OccurrenceSeal).where(OccurrenceSeal.occurrence_id == occ_id))
    with lived() as s:
        [problem] = verify(s).problems
    assert problem.problem == "unsealed"


def test_a_cut_tail_names_the_first_missing_event(lived: sessionmaker[Session]) -> None:
    with db.transaction(lived) as s:
        occ_id = _occ_id(s)
        s.execute(delete(Event).where(Event.occurrence_id == occ_id, Event.seq >= 2))
    with lived() as s:
        [problem] = verify(s).problems
    text = audit_problem_text(problem, words("en"))
    assert text == f"{REF}: event #2 (id —) is missing: the newest recorded events were deleted."
