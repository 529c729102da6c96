"""A page of the task list holds exactly the rows the whole list holds there (``engine.listing``)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

import workflows
from engine import listing
from engine.db import transaction
from engine.errors import InvalidInput
from engine.listing import MAX_LIMIT, task_page
from engine.transition import advance
from engine.views import STATUS_FILTERS, task_rows
from tests.engine.helpers import fields_for, path_to_completion, user

DAYS = (dt.date(2014, 3, 1), dt.date(2015, 12, 25), dt.date(2026, 1, 1))


def test_every_status_page_is_a_slice_of_the_whole_list(kon_tum: sessionmaker[Session]) -> None:
    with transaction(kon_tum) as s:
        lan = user(s, "lan")
        advance(s, lan, "kon-tum-2013:1.3@2014", "start")
        # Completed with a document of 10/6/2014: still under way on 1/3/2014.
        for t in path_to_completion(workflows.get("directive")):
            advance(s, lan, "kon-tum-2013:2.1", t.trigger, note="x", fields=fields_for(t))
    with transaction(kon_tum) as s:
        for day in DAYS:
            for wanted in (None, *STATUS_FILTERS):
                whole = task_rows(s, status_filter=wanted, as_of=day)
                seen: list[dict[str, object]] = []
                offset: int | None = 0
                while offset is not None:
                    page = task_page(s, status_filter=wanted, as_of=day, limit=7, offset=offset)
                    assert page.total == len(whole), (wanted, day)
                    seen += page.rows
                    offset = page.next_offset
                assert seen == whole, (wanted, day)
        by_agency = task_page(s, agency="kon-tum/stnmt", limit=3)
        assert by_agency.rows == task_rows(s, agency="kon-tum/stnmt")[:3]


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (MAX_LIMIT + 1, 0), (10, -1)])
def test_a_page_out_of_bounds_is_refused(
    kon_tum: sessionmaker[Session], limit: int, offset: int
) -> None:
    with transaction(kon_tum) as s, pytest.raises(InvalidInput):
        task_page(s, limit=limit, offset=offset)


@pytest.mark.parametrize("way", ["walk", "sort"])
def test_both_ways_to_a_page_across_plans_give_the_same_slices(
    kon_tum: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, way: str
) -> None:
    """Walking the tasks in annex order and sorting every match here agree, page by page."""
    monkeypatch.setattr(listing, "walk_or_sort", lambda *_: way)
    monkeypatch.setattr(listing, "WALK_BATCH", 2)  # several steps of the walk
    with transaction(kon_tum) as s:
        lan = user(s, "lan")
        for t in path_to_completion(workflows.get("directive")):
            advance(s, lan, "kon-tum-2013:2.1", t.trigger, note="x", fields=fields_for(t))
    with transaction(kon_tum) as s:
        for day in DAYS:
            for wanted in ("overdue", "in-progress", "not-started", "due-soon"):
                whole = task_rows(s, status_filter=wanted, as_of=day)
                for offset in range(0, len(whole) + 1, 3):
                    page = task_page(s, status_filter=wanted, as_of=day, limit=4, offset=offset)
                    assert (page.total, page.rows) == (len(whole), whole[offset : offset + 4])
