"""What the sweep reads: the hourly rerun loads no occurrence, and the ledger still decides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.escalation import sweep
from engine.history import verify
from engine.models import Escalation, Occurrence, OccurrenceSeal
from tests.escalation.helpers import OVERDUE_ON_2015_03_16, PLAN, counts

DAY = dt.date(2015, 3, 16)


def _statements(factory: sessionmaker[Session], work: Any) -> list[str]:
    """The SQL ``work(session)`` sends, in one transaction of ``factory``."""
    seen: list[str] = []
    engine = factory.kw["bind"]

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        with transaction(factory) as s:
            work(s)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_the_hourly_rerun_reads_no_occurrence_when_every_level_is_recorded(
    kon_tum: sessionmaker[Session],
) -> None:
    assert len(sweep(kon_tum, as_of=DAY)) == 39
    found: list[int] = []
    sql = _statements(kon_tum, lambda s: found.append(len(sweep(s, as_of=DAY))))
    assert found == [0]
    # No candidate is read by id, nor its task's agencies, its successions or its seal.
    for table in ("occurrences.id IN", "task_agencies", "succession_applied", "occurrence_seals"):
        assert not [q for q in sql if table in q], table
    assert counts(kon_tum) == (39, 13)


def test_a_level_missing_from_the_ledger_is_recorded_again_and_sealed(
    kon_tum: sessionmaker[Session],
) -> None:
    sweep(kon_tum, as_of=DAY)
    ref = OVERDUE_ON_2015_03_16[0]
    with transaction(kon_tum) as s:
        occ_id = s.scalar(select(Occurrence.id).where(Occurrence.ref == ref))
        s.execute(
            delete(Escalation).where(Escalation.occurrence_id == occ_id, Escalation.level == 1)
        )
        # Someone deleted the row: the seal says so until the sweep puts it back.
        assert not verify(s, PLAN).ok
    again = sweep(kon_tum, as_of=DAY)
    assert [(r.ref, r.level, r.caught_up) for r in again] == [(ref, 1, True)]
    assert list(sweep(kon_tum, as_of=DAY)) == []
    with transaction(kon_tum) as s:
        assert verify(s, PLAN).ok
        assert s.scalar(select(OccurrenceSeal.body).where(OccurrenceSeal.occurrence_id == occ_id))
