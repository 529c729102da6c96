"""Reminders and escalations for missing progress reports, and nudges for silent tasks.

Hand-checked on Nghệ An 2017 for the 6-month report of 2018 (deadline 14/6/2018,
the Decree 09 cut-off: the plan prints no 6-month day). 14/6/2018 is a
Thursday; 5 working days before it begin on Thursday 7/6 (8, 11, 12, 13, 14 June).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import progress
from engine.cycle_notices import follow_up
from engine.db import transaction
from engine.history import verify
from engine.models import Escalation, OutboxMessage
from engine.transition import advance
from notifiers.messages import compose
from tests.cycle.conftest import PLAN, at
from tests.cycle.test_engine import user


def kinds(records: list, ref: str) -> list[tuple[str, str]]:
    return [(r.kind, r.scope) for r in records if r.ref == ref]


def test_agencies_that_have_not_reported_are_reminded_then_escalated_once(
    nghe_an: sessionmaker[Session],
) -> None:
    with transaction(nghe_an) as s:
        progress.submit(
            s,
            user(s, "ha"),
            f"{PLAN}:1.5",
            "2018-H1",
            progress.ReportInput("Đang khảo sát"),
            at=at(dt.date(2018, 6, 5)),
        )
    with transaction(nghe_an) as s:
        assert kinds(follow_up(s, as_of=dt.date(2018, 6, 6)), f"{PLAN}:1.4") == []
        first = follow_up(s, as_of=dt.date(2018, 6, 7))
        assert kinds(first, f"{PLAN}:1.4") == [("report_due", "2018-H1")]
        assert kinds(first, f"{PLAN}:1.5") == []  # it reported
        assert kinds(follow_up(s, as_of=dt.date(2018, 6, 8)), f"{PLAN}:1.4") == []
    with transaction(nghe_an) as s:
        late = follow_up(s, as_of=dt.date(2018, 6, 15))
        (record,) = [r for r in late if r.ref == f"{PLAN}:1.4"]
        # SCT leads 1.4 itself: its parent, the Provincial People's Committee, is copied.
        assert (record.kind, record.target, record.cc) == (
            "report_late",
            "nghe-an/sct",
            ("nghe-an/ubnd",),
        )
        assert kinds(follow_up(s, as_of=dt.date(2018, 6, 20)), f"{PLAN}:1.4") == []
        message = s.scalar(
            select(OutboxMessage).where(
                OutboxMessage.key == f"cycle:report_late:{PLAN}:1.4:2018-H1"
            )
        )
        assert message is not None
        worded = compose(message.kind, dict(message.payload), "vi")
        assert "6 tháng đầu năm 2018" in worded.subject and "14/06/2018" in worded.subject
        assert verify(s, PLAN).ok


def test_a_closed_period_presses_nobody(nghe_an: sessionmaker[Session]) -> None:
    with transaction(nghe_an) as s:
        progress.close_period(s, user(s, "ha"), PLAN, "2018-H1")
        assert [r for r in follow_up(s, as_of=dt.date(2018, 6, 15)) if r.kind != "silence"] == []


def test_a_silent_task_is_nudged_once_per_silence(nghe_an: sessionmaker[Session]) -> None:
    ref = f"{PLAN}:1.5"
    with transaction(nghe_an) as s:
        advance(s, user(s, "ha"), ref, "start_fieldwork", at=at(dt.date(2018, 3, 1)))
    with transaction(nghe_an) as s:
        # 20 working days after Thursday 1/3/2018 is Thursday 29/3/2018.
        assert kinds(follow_up(s, as_of=dt.date(2018, 3, 28)), ref) == []
        assert kinds(follow_up(s, as_of=dt.date(2018, 3, 29)), ref) == [("silence", "2018-03-01")]
        assert kinds(follow_up(s, as_of=dt.date(2018, 4, 5)), ref) == []
        _, states = progress.period_status(s, PLAN, "2018-H1", dt.date(2018, 4, 5))
        assert next(x for x in states if x.ref == ref).silent
    with transaction(nghe_an) as s:
        advance(s, user(s, "ha"), ref, "comment", note="Đã gửi phiếu", at=at(dt.date(2018, 4, 10)))
    with transaction(nghe_an) as s:
        # Hùng Kings' day (25/4/2018), 30/4 and 1/5 are holidays: the 20th working day
        # after 10/4/2018 is Friday 11/5/2018.
        assert kinds(follow_up(s, as_of=dt.date(2018, 5, 10)), ref) == []
        again = follow_up(s, as_of=dt.date(2018, 5, 11))
        assert kinds(again, ref) == [("silence", "2018-04-10")]
        rows = s.scalars(select(Escalation.scope).where(Escalation.kind == "silence"))
        assert sorted(rows) == ["2018-03-01", "2018-04-10"]


def test_the_worklist_names_who_owes_the_report_being_collected(
    nghe_an: sessionmaker[Session],
) -> None:
    from engine.worklist import Filters, worklist

    with transaction(nghe_an) as s:
        progress.submit(
            s,
            user(s, "ha"),
            f"{PLAN}:1.5",
            "2018-H1",
            progress.ReportInput("Đang khảo sát"),
            at=at(dt.date(2018, 6, 5)),
        )
    with transaction(nghe_an) as s:
        rows = {r["ref"]: r for r in worklist(s, Filters(plan=PLAN), dt.date(2018, 6, 10))["rows"]}
        # The worklist holds what is overdue or due soon: 1.1 of 2017 is overdue and unreported.
        owed = rows[f"{PLAN}:1.1@2017"]["report_owed"]
        assert owed == {"period": "2018-H1", "deadline": "2018-06-14"}
    with transaction(nghe_an) as s:
        from engine.lookup import load_occurrence
        from engine.progress_owed import missing_reports

        occs = [load_occurrence(s, f"{PLAN}:{code}") for code in ("1.4", "1.5")]
        assert list(missing_reports(s, occs, dt.date(2018, 6, 10))) == [f"{PLAN}:1.4"]


def test_a_plan_file_sets_its_own_silence(factory: sessionmaker[Session], tmp_path: Path) -> None:
    from engine.silence import silence_days
    from tasks_catalog import schema
    from tasks_catalog.loading import load_plan_file

    text = schema.plan_path(PLAN).read_text(encoding="utf-8")
    own = tmp_path / f"{PLAN}.yaml"
    own.write_text(text + "follow_up: {silence_working_days: 5}\n", encoding="utf-8")
    with transaction(factory) as s:
        load_plan_file(s, own, now=at(dt.date(2017, 6, 7)))
    with transaction(factory) as s:
        from engine.lookup import load_occurrence

        occ = load_occurrence(s, f"{PLAN}:1.5")
        assert silence_days(occ.task.plan) == 5
