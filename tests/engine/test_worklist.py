"""The worklist and the completion rate, against hand-counted cases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from engine import kpi
from engine.db import transaction
from engine.errors import InvalidInput
from engine.names import AgencyNames
from engine.transition import advance
from engine.workdays import VIETNAM_TZ
from engine.worklist import Filters, completion_by, worklist
from tests.engine.helpers import user


def test_the_rate_leaves_out_work_within_its_deadline() -> None:
    counts = kpi.Buckets.of(
        ["completed-on-time", "completed-late", "overdue", "in-progress", "not-started"]
        + ["suspended", "cancelled"]
    )
    assert (counts.completed, counts.overdue, counts.within_deadline) == (2, 1, 2)
    assert counts.rate == pytest.approx(2 / 3)
    assert counts.total == 7
    assert kpi.Buckets.of(["in-progress"]).rate is None


def test_short_names_drop_the_province_and_abbreviate_the_committee(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        names = AgencyNames.read(s)
    assert names.short("kon-tum/sct", "vi") == "Sở Công Thương"
    assert names.full("kon-tum/sct", "vi") == "Sở Công Thương tỉnh Kon Tum"
    assert names.short("kon-tum/ubnd", "vi") == "UBND tỉnh Kon Tum"
    assert names.short("kon-tum/sct", "en") == "Department of Industry and Trade"
    assert names.short("nowhere/x", "vi") == "nowhere/x"


AS_OF = dt.date(2015, 3, 16)


def test_overdue_first_by_working_days_then_due_soon(kon_tum: sessionmaker[Session]) -> None:
    with transaction(kon_tum) as s:
        listed = worklist(s, Filters(plan="kon-tum-2013"), AS_OF)
    rows = listed["rows"]
    assert rows, "Kon Tum has overdue work on 16/03/2015"
    late = [r for r in rows if r["status_category"] == "overdue"]
    assert [r["working_days_overdue"] for r in late] == sorted(
        (r["working_days_overdue"] for r in late), reverse=True
    )
    assert all(r["working_days_overdue"] > 0 for r in late)
    # Each row says who leads and who co-operates.
    assert all(r["leads"] for r in rows)
    assert listed["counts"]["overdue"] == len(late)


def test_filters_by_agency_role_and_year(kon_tum: sessionmaker[Session]) -> None:
    with transaction(kon_tum) as s:
        as_lead = worklist(s, Filters(agency="kon-tum/stnmt", agency_role="lead"), AS_OF)
        as_co = worklist(s, Filters(agency="kon-tum/stnmt", agency_role="co"), AS_OF)
        in_2014 = worklist(s, Filters(plan="kon-tum-2013", year=2014, status="overdue"), AS_OF)
    assert all("kon-tum/stnmt" in r["leads"] for r in as_lead["rows"])
    assert all("kon-tum/stnmt" in r["co_agencies"] for r in as_co["rows"])
    assert as_co["rows"], "Sở TN&MT co-operates on overdue work"
    assert all(int(r["start"][:4]) <= 2014 <= int(r["due"][:4]) for r in in_2014["rows"])
    with pytest.raises(InvalidInput):
        worklist(s, Filters(agency_role="boss"), AS_OF)


def test_completion_rate_by_plan_counts_a_late_and_an_on_time_completion(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        lan = user(s, "lan")
        # On time: the directive 2.1 (due 31/12/2014) issued on 10/06/2014.
        for day, trigger in ((3, "consult"), (4, "appraise"), (5, "submit")):
            advance(
                s, lan, "kon-tum-2013:2.1", trigger, at=dt.datetime(2014, 5, day, tzinfo=VIETNAM_TZ)
            )
        advance(
            s,
            lan,
            "kon-tum-2013:2.1",
            "issue",
            fields={"document_number": "05/CT-UBND", "document_date": "2014-06-10"},
            at=dt.datetime(2014, 6, 11, tzinfo=VIETNAM_TZ),
        )
        before = completion_by(s, "plan", AS_OF)["kon-tum-2013"]
    assert before["completed_on_time"] == 1
    assert before["completed_late"] == 0
    # completed ÷ (completed + overdue): one done against every overdue occurrence.
    assert before["rate"] == pytest.approx(1 / (1 + before["overdue"]))
