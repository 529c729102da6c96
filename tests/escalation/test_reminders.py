"""Reminders before due: 14 and 3 days, once each, one message per run and occurrence."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.models import OutboxMessage
from engine.reminders import remind
from engine.transition import advance
from tests.engine.helpers import user
from tests.escalation.helpers import PLAN, at, counts, worded

DUE_END_2015 = 10  # open occurrences of Kon Tum due 31 December 2015


def test_reminders_go_out_fourteen_and_three_days_before_due_once_each(
    kon_tum: sessionmaker[Session],
) -> None:
    assert remind(kon_tum, as_of=dt.date(2015, 12, 16)) == []
    first = remind(kon_tum, as_of=dt.date(2015, 12, 17))
    assert len(first) == DUE_END_2015
    assert {(r.kind, r.level) for r in first} == {("reminder", 14)}
    assert remind(kon_tum, as_of=dt.date(2015, 12, 20)) == []
    second = remind(kon_tum, as_of=dt.date(2015, 12, 28))
    assert {r.level for r in second} == {3}
    assert counts(kon_tum) == (2 * DUE_END_2015, 2 * DUE_END_2015)
    with transaction(kon_tum) as s:
        msg = s.scalar(select(OutboxMessage).where(OutboxMessage.key == f"rem:{PLAN}:1.1:3"))
    assert msg is not None
    assert msg.kind == "reminder" and msg.agency_code == "kon-tum/sct"
    subject = worded(msg).subject
    assert "31/12/2015" in subject and "còn 3 ngày" in subject


def test_a_late_first_run_records_both_reminders_but_sends_one(
    kon_tum: sessionmaker[Session],
) -> None:
    created = remind(kon_tum, as_of=dt.date(2015, 12, 29))
    assert {r.level for r in created} == {14, 3}
    assert counts(kon_tum) == (2 * DUE_END_2015, DUE_END_2015)


def test_a_suspended_occurrence_gets_no_reminder(kon_tum: sessionmaker[Session]) -> None:
    with transaction(kon_tum) as s:
        advance(
            s,
            user(s, "lan"),
            f"{PLAN}:1.1",
            "suspend",
            fields={"reason": "x"},
            at=at(dt.date(2015, 12, 1)),
        )
    refs = {r.ref for r in remind(kon_tum, as_of=dt.date(2015, 12, 17))}
    assert f"{PLAN}:1.1" not in refs
    assert len(refs) == DUE_END_2015 - 1
