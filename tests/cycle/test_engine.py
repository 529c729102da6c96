"""Progress reports and extensions in the engine, on Nghệ An 2017, hand-checked."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import extensions, progress
from engine.db import transaction
from engine.errors import Conflict, InvalidInput, NotAllowed
from engine.escalation import sweep
from engine.history import verify
from engine.lookup import load_occurrence
from engine.models import Escalation, Event, User
from engine.reporting_periods import period_of
from tests.cycle.conftest import PLAN, at


def user(s: Session, name: str) -> User:
    found = s.scalar(select(User).where(User.name == name))
    assert found is not None
    return found


def test_periods_follow_decree_09_and_the_plans_own_day(nghe_an: sessionmaker[Session]) -> None:
    with transaction(nghe_an) as s:
        plan = load_occurrence(s, f"{PLAN}:1.5").task.plan
        half, year = period_of(plan, "2018-H1"), period_of(plan, "2018")
        assert (half.start, half.end, half.deadline, half.source) == (
            dt.date(2017, 12, 15),
            dt.date(2018, 6, 14),
            dt.date(2018, 6, 14),
            "decree-09",
        )
        # Plan 314/KH-UBND section IV: agencies report to SCT before 15/12 each year.
        assert (year.start, year.end, year.deadline, year.source) == (
            dt.date(2017, 12, 15),
            dt.date(2018, 12, 14),
            dt.date(2018, 12, 15),
            "plan",
        )
        for bad in ("2018-H3", "18", "2021"):
            with pytest.raises(InvalidInput):
                period_of(plan, bad)


def test_versions_are_kept_and_chained_until_the_period_closes(
    nghe_an: sessionmaker[Session],
) -> None:
    ref = f"{PLAN}:1.5"
    with transaction(nghe_an) as s:
        # A paper report received on 10/6/2018, typed in by the coordinator for the lead.
        first = progress.submit(
            s,
            user(s, "ha"),
            ref,
            "2018-H1",
            progress.ReportInput("Đã xây dựng phiếu khảo sát", percent=30),
            at=at(dt.date(2018, 6, 10)),
        )
        assert (first.version, first.role, first.agency_code) == (1, "lead", "nghe-an/skhcn")
    with transaction(nghe_an) as s:
        second = progress.submit(
            s,
            user(s, "ha"),
            ref,
            "2018-H1",
            progress.ReportInput(
                "Đã khảo sát 40 cơ sở",
                percent=45,
                figures={"awareness-2020": "35,5"},
                difficulties="Thiếu kinh phí",
                proposals="Bổ sung kinh phí",
            ),
            at=at(dt.date(2018, 6, 20)),
        )
        assert second.version == 2 and second.figures == {"awareness-2020": 35.5}
        progress.submit(
            s, user(s, "thao"), ref, "2018-H1", progress.ReportInput("Đã đăng tin trên cổng")
        )
        with pytest.raises(NotAllowed) as backdated:  # only a coordinator dates a report back
            progress.submit(
                s,
                user(s, "thao"),
                ref,
                "2018-H1",
                progress.ReportInput("Bổ sung"),
                at=at(dt.date(2018, 6, 21)),
            )
        assert backdated.value.reason == "backdate"
    with transaction(nghe_an) as s:
        period, states = progress.period_status(s, PLAN, "2018-H1", dt.date(2018, 6, 30))
        state = next(x for x in states if x.ref == ref)
        assert state.versions == 2 and state.report is not None
        assert state.report.status_text == "Đã khảo sát 40 cơ sở"
        assert state.first_on == dt.date(2018, 6, 10) and state.on_time is True
        assert [c.agency_code for c in state.contributions] == ["nghe-an/sttt"]
        triggers = [e.trigger for e in load_occurrence(s, ref).events]
        assert triggers[-3:] == ["report", "report", "report_contribution"]
        assert ref in progress.reported_refs(s, PLAN, "2018-H1")
        assert verify(s, PLAN).ok
        progress.close_period(s, user(s, "ha"), PLAN, "2018-H1")
    with transaction(nghe_an) as s, pytest.raises(NotAllowed) as refused:
        progress.submit(s, user(s, "khoa"), ref, "2018-H1", progress.ReportInput("Sửa lại"))
    assert refused.value.reason == "period_closed"


def test_only_the_agencies_of_the_task_report(nghe_an: sessionmaker[Session]) -> None:
    with transaction(nghe_an) as s:
        for name in ("ngoc", "vy"):
            with pytest.raises(NotAllowed):
                progress.submit(s, user(s, name), f"{PLAN}:1.5", "2018", progress.ReportInput("x"))
        with pytest.raises(NotAllowed):
            progress.close_period(s, user(s, "binh"), PLAN, "2018")
        with pytest.raises(InvalidInput):
            progress.submit(s, user(s, "khoa"), f"{PLAN}:1.5", "2018", progress.ReportInput(" "))
        with pytest.raises(InvalidInput):
            progress.submit(
                s,
                user(s, "khoa"),
                f"{PLAN}:1.5",
                "2018",
                progress.ReportInput("x", figures={"no-such-target": 1}),
            )
        mine = progress.submit(
            s, user(s, "khoa"), f"{PLAN}:1.5", "2018", progress.ReportInput("Đang tổng hợp")
        )
        assert (mine.agency_code, mine.role, mine.submitted_by) == ("nghe-an/skhcn", "lead", "khoa")


def test_an_extension_moves_the_due_day_and_restarts_the_ladder(
    nghe_an: sessionmaker[Session],
) -> None:
    ref = f"{PLAN}:1.5"
    with transaction(nghe_an) as s:
        sweep(s, as_of=dt.date(2019, 1, 3))
        occ = load_occurrence(s, ref)
        assert occ.due == dt.date(2018, 12, 31)
        levels = s.scalars(select(Escalation.level).where(Escalation.occurrence_id == occ.id))
        assert sorted(levels) == [1]
    with transaction(nghe_an) as s:
        extensions.request(s, user(s, "khoa"), ref, dt.date(2019, 6, 30), "Chờ kinh phí")
        with pytest.raises(Conflict):
            extensions.request(s, user(s, "khoa"), ref, dt.date(2019, 5, 30), "Lần nữa")
        with pytest.raises(NotAllowed):
            extensions.decide(s, user(s, "khoa"), ref, "approve")
        with pytest.raises(InvalidInput):
            extensions.decide(s, user(s, "ha"), ref, "refuse")  # a refusal says why
    with transaction(nghe_an) as s:
        row = extensions.decide(
            s, user(s, "ha"), ref, "approve", due=dt.date(2019, 3, 31), reason="Rút ngắn"
        )
        assert (row.status, row.old_due, row.granted_due) == (
            "approved",
            dt.date(2018, 12, 31),
            dt.date(2019, 3, 31),
        )
        occ = load_occurrence(s, ref)
        assert occ.due == dt.date(2019, 3, 31)
        record = extensions.due_records(s, [occ])[occ.id]
        assert (record.original, record.due, record.extended) == (
            dt.date(2018, 12, 31),
            dt.date(2019, 3, 31),
            True,
        )
        last = s.scalar(
            select(Event).where(Event.occurrence_id == occ.id).order_by(Event.seq.desc()).limit(1)
        )
        assert last is not None and last.fields == {"due": "2018-12-31 -> 2019-03-31"}
        assert verify(s, PLAN).ok
    with transaction(nghe_an) as s:
        assert not [r for r in sweep(s, as_of=dt.date(2019, 3, 29)) if r.ref == ref]
        again = [r for r in sweep(s, as_of=dt.date(2019, 4, 2)) if r.ref == ref]
        assert [(r.level, r.scope) for r in again] == [(1, "due:2019-03-31")]
        assert verify(s, PLAN).ok
