"""The board's lists read in SQL a page at a time give the rows the whole-list readers give.

``engine.selection`` decides who holds a task, the status and the worklist's
order in SQL; these tests compare its pages with ``engine.views.task_rows``
(every occurrence read and decided in Python), before and after the 2025
successions moved Kon Tum's work, on both databases.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from engine import selection
from engine.db import transaction
from engine.listing import iter_task_rows, task_page
from engine.succession import apply_due
from engine.views import task_rows
from engine.worklist import Filters, worklist

BEFORE = dt.date(2015, 3, 16)
AFTER = dt.date(2025, 8, 1)
AGENCIES = ("kon-tum/stnmt", "quang-ngai/snnmt", "kon-tum/sct", "quang-ngai/sct")


def _refs(rows: list[dict[str, object]]) -> list[object]:
    return [r["ref"] for r in rows]


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_an_agencys_rows_in_sql_are_the_rows_read_one_by_one(
    kon_tum: sessionmaker[Session], day: dt.date
) -> None:
    with transaction(kon_tum) as s:
        apply_due(s, AFTER)
    with transaction(kon_tum) as s:
        for agency in AGENCIES:
            for wanted in (None, "overdue", "not-started", "due-soon"):
                whole = task_rows(s, agency=agency, status_filter=wanted, as_of=day)
                streamed = list(iter_task_rows(s, agency=agency, status_filter=wanted, as_of=day))
                assert streamed == whole, (agency, wanted)
                page = task_page(s, agency=agency, status_filter=wanted, as_of=day, limit=3)
                assert page.total == len(whole)
                assert page.rows == whole[:3]


def test_the_worklist_pages_add_up_to_the_whole_list_in_order(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        whole = worklist(s, Filters(), BEFORE, limit=None)
        pages = [worklist(s, Filters(), BEFORE, limit=4, offset=o) for o in range(0, 40, 4)]
    assert whole["rows"], "Kon Tum has overdue work on 16/03/2015"
    assert whole["total"] == len(whole["rows"])
    assert all(p["total"] == whole["total"] for p in pages)
    assert _refs([r for p in pages for r in p["rows"]]) == _refs(whole["rows"])[:40]
    keys = [(-r["working_days_overdue"], r["days_left"] or -1, r["due"]) for r in whole["rows"]]
    assert keys == sorted(keys)
    # Counts of the whole selection, from the summaries, match the rows' categories.
    late = [r for r in whole["rows"] if r["status_category"] == "overdue"]
    assert whole["counts"]["overdue"] == len(late)


def test_an_officers_worklist_after_the_merger_is_his_successors_work(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        apply_due(s, AFTER)
    with transaction(kon_tum) as s:
        for agency in AGENCIES:
            for role in (None, "lead", "co"):
                listed = worklist(s, Filters(agency=agency, agency_role=role), AFTER, limit=None)
                rows = task_rows(s, agency=agency, as_of=AFTER)
                if role:
                    rows = [r for r in rows if (r["role"] == "co") == (role == "co")]
                expected = {r["ref"] for r in rows if r["status_category"] == "overdue"} | {
                    r["ref"]
                    for r in rows
                    if r["status_category"] in ("not-started", "in-progress")
                    and 0 <= (dt.date.fromisoformat(r["due"]) - AFTER).days <= 14
                }
                assert {r["ref"] for r in listed["rows"]} == expected, (agency, role)
                assert listed["total"] == len(expected)
                counted = sum(listed["counts"][b] for b in ("completed", "within_deadline"))
                assert counted + listed["counts"]["overdue"] + listed["counts"]["suspended"] + (
                    listed["counts"]["cancelled"]
                ) == len(rows)


def test_what_an_agency_owes_comes_most_urgent_first(kon_tum: sessionmaker[Session]) -> None:
    with transaction(kon_tum) as s:
        whole = selection.agency_work(s, "kon-tum/stnmt", BEFORE, limit=None)
        second = selection.agency_work(s, "kon-tum/stnmt", BEFORE, limit=5, offset=5)
        rows = task_rows(s, agency="kon-tum/stnmt", as_of=BEFORE)
    assert sorted(_refs(whole.rows)) == sorted(_refs(rows))
    assert whole.total == len(rows)
    assert second.total == len(rows) and second.rows == whole.rows[5:10]
    first_not_overdue = next(
        i for i, r in enumerate(whole.rows) if r["status_category"] != "overdue"
    )
    assert all(r["status_category"] != "overdue" for r in whole.rows[first_not_overdue:])
