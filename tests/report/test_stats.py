"""Buckets, completion rate and update rate by anyone's question, against hand counts.

Nghệ An's plan has 34 occurrences. On the cut-off of the 2018 report
(14/12/2018, Decree 09/2019) the department has, by hand:
  1.1@2017 completed late (4/3/2018, due 31/12/2017)
  1.2@2017 completed on time (20/11/2017)
  2.1@2018 completed on time (1/10/2018)
  1.3@2017 cancelled (1/2/2018): counted apart, out of the rate
  1.4      suspended (5/5/2018): counted apart, out of the rate
  3.1@2017 overdue
and 28 others within their deadline. Completion rate 3 / (3 + 1) = 75%.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.stats import Question, stats
from tests.conftest import Run
from tests.report.steps import cancel, complete, suspend

D = dt.date
HAND = {
    "completed_on_time": 2,
    "completed_late": 1,
    "within_deadline": 28,
    "overdue": 1,
    "suspended": 1,
    "cancelled": 1,
    "total": 34,
}


@pytest.fixture
def worked(nghe_an: sessionmaker[Session]) -> sessionmaker[Session]:
    with transaction(nghe_an) as s:
        complete(s, "nghe-an-2017:1.2@2017", D(2017, 11, 20))
        complete(s, "nghe-an-2017:1.1@2017", D(2018, 3, 4))
        complete(s, "nghe-an-2017:2.1@2018", D(2018, 10, 1))
        cancel(s, "nghe-an-2017:1.3@2017", D(2018, 2, 1))
        suspend(s, "nghe-an-2017:1.4", D(2018, 5, 5))
    return nghe_an


def test_the_2018_buckets_and_completion_rate_match_the_hand_count(
    worked: sessionmaker[Session],
) -> None:
    with transaction(worked) as s:
        got = stats(s, Question(plan="nghe-an-2017", period="2018"))
    assert got["as_of"] == "2018-12-14"
    assert got["period"] == {"key": "2018", "start": "2017-12-15", "end": "2018-12-14"}
    assert {k: got["total"][k] for k in HAND} == HAND
    assert got["total"]["completion_rate"] == pytest.approx(0.75)


def test_the_buckets_equal_the_task_listing_on_the_cut_off(
    worked: sessionmaker[Session], run: Run
) -> None:
    listed = run("tasks", "--plan", "nghe-an-2017", "--as-of", "2018-12-14", "--json")
    assert listed.exit_code == 0, listed.output
    categories = [r["status_category"] for r in json.loads(listed.output)]
    shown = run("stats", "--plan", "nghe-an-2017", "--period", "2018", "--json")
    assert shown.exit_code == 0, shown.output
    total = json.loads(shown.output)["total"]
    assert total["completed_on_time"] == categories.count("completed-on-time")
    assert total["completed_late"] == categories.count("completed-late")
    assert total["overdue"] == categories.count("overdue")
    assert total["within_deadline"] == categories.count("in-progress") + categories.count(
        "not-started"
    )
    assert total["total"] == len(categories)


def test_the_six_months_are_read_on_14_june(worked: sessionmaker[Session]) -> None:
    with transaction(worked) as s:
        got = stats(s, Question(plan="nghe-an-2017", period="2018-H1"))["total"]
    # 2.1@2018 is not done yet on 14/6/2018: within its deadline.
    assert (got["completed_on_time"], got["completed_late"], got["overdue"]) == (1, 1, 1)
    assert got["within_deadline"] == 29
    assert got["completion_rate"] == pytest.approx(2 / 3)


def test_an_agency_counts_what_it_leads(worked: sessionmaker[Session]) -> None:
    with transaction(worked) as s:
        got = stats(s, Question(agency="nghe-an/skhcn", period="2018"))
    # Sở KH&CN leads 1.5 alone and 2.1 with others (2.1@2018 done on time, 2019, 2020 ahead).
    assert got["total"]["total"] == 4
    assert got["total"]["completed_on_time"] == 1
    assert list(got["by_agency"]) == ["nghe-an/skhcn"]


def test_a_province_counts_its_plans_and_no_other(worked: sessionmaker[Session]) -> None:
    with transaction(worked) as s:
        mine = stats(s, Question(province="nghe-an", period="2018"))
        other = stats(s, Question(province="kon-tum", period="2018"))
    assert mine["total"]["total"] == 34
    assert list(mine["by_plan"]) == ["nghe-an-2017"]
    assert other["total"]["total"] == 0
    assert other["total"]["completion_rate"] is None


def test_a_bad_period_is_one_sentence(worked: sessionmaker[Session], run: Run) -> None:
    got = run("stats", "--period", "2018-H3")
    assert got.exit_code == 1
    assert "2018-H3" in got.output and "Traceback" not in got.output
    assert len(got.output.strip().splitlines()) == 1


def test_the_table_names_agencies_and_rates(worked: sessionmaker[Session], run: Run) -> None:
    got = run("--lang", "vi", "stats", "--plan", "nghe-an-2017", "--period", "2018")
    assert got.exit_code == 0, got.output
    assert "75,0%" in got.output
    assert "Sở Khoa học và Công nghệ" in got.output


def test_the_annual_report_counts_its_occurrences_with_the_same_definition(
    worked: sessionmaker[Session], run: Run
) -> None:
    from engine.report import annual_report

    with transaction(worked) as s:
        figures = annual_report(s, "nghe-an-2017", 2018)["figures"]
    # The eleven occurrences of 2018 on 31/12/2018: 2.1@2018 done on time, 1.4 suspended.
    assert figures["total"] == 11
    assert (figures["completed_on_time"], figures["suspended"], figures["overdue"]) == (1, 1, 0)
    assert figures["completion_rate"] == 1.0
    shown = run("--lang", "vi", "report", "annual", "--plan", "nghe-an-2017", "--year", "2018")
    assert "Tỷ lệ hoàn thành: 100,0%" in shown.output
