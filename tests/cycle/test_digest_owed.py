"""The weekly digest names the tasks whose lead agency has not sent the report being collected.

Nghệ An 2017 collects the 6-month report of 2018 until 14/6/2018 (Decree 09 cut-off).
SCT reports on 1.5 on 5/6; on 11/6 the digest lists 1.4 (SCT, no report) and not 1.5.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

from engine import progress
from engine.db import transaction
from engine.digest import DigestBook, digest_data
from notifiers.render import render
from tests.cycle.conftest import PLAN, at
from tests.cycle.test_engine import user

DAY = dt.date(2018, 6, 11)


def test_the_digest_lists_who_has_not_reported_and_the_book_agrees(
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
        data = digest_data(s, plan_id=PLAN, as_of=DAY)
        owed = {item["ref"]: item for item in data["reports_owed"]}
        assert f"{PLAN}:1.4" in owed and f"{PLAN}:1.5" not in owed
        assert (owed[f"{PLAN}:1.4"]["period"], owed[f"{PLAN}:1.4"]["deadline"]) == (
            "2018-H1",
            "2018-06-14",
        )
        assert owed[f"{PLAN}:1.4"]["owner"] == "nghe-an/sct"
        # The book that queues every digest of the day says the same, per plan and per agency.
        book = DigestBook(s, DAY)
        assert book.data(plan_id=PLAN)["reports_owed"] == data["reports_owed"]
        sct = digest_data(s, plan_id=PLAN, agency="nghe-an/sct", as_of=DAY)
        assert book.data(plan_id=PLAN, agency="nghe-an/sct")["reports_owed"] == sct["reports_owed"]
        text = render("digest", "text", data, lang="vi")
        html = render("digest", "html", data, lang="en")
    section = text.split("Chưa gửi báo cáo tiến độ")[1].split("\n\n")[0]
    assert "1.4" in section and "Sở Công Thương" in section
    assert "báo cáo 6 tháng đầu năm 2018, hạn 14/06/2018" in section
    assert "report for the first half of 2018, due 2018-06-14" in html


def test_after_the_half_year_deadline_the_year_report_is_the_one_owed(
    nghe_an: sessionmaker[Session],
) -> None:
    with transaction(nghe_an) as s:
        # 15/6/2018: the 6-month report is late (the follow-up escalates it); the digest names
        # what is being collected now, the year's report: agencies report to SCT before 15/12
        # (plan section IV, report_deadlines in nghe-an-2017.yaml).
        owed = digest_data(s, plan_id=PLAN, as_of=dt.date(2018, 6, 15))["reports_owed"]
    assert owed and {(o["period"], o["deadline"]) for o in owed} == {("2018", "2018-12-15")}
