"""Time windows: years turned into dated occurrences (printed cells: tests/importer/test_windows.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.errors import InvalidInput
from engine.plan_spec import Window
from engine.windows import Occurrence, occurrence_windows, task_occurrences
from tests.words import refused

D = dt.date
KON_TUM_ISSUED = D(2013, 10, 24)  # Quyết định 835/QĐ-UBND


def test_kon_tum_window_2013_2014_starts_on_the_issue_date_and_is_due_end_of_2014() -> None:
    assert occurrence_windows(2013, 2014, "once", KON_TUM_ISSUED) == [
        Occurrence(None, D(2013, 10, 24), D(2014, 12, 31))
    ]


def test_window_starting_after_the_issue_year_starts_on_1_january() -> None:
    assert occurrence_windows(2014, 2015, "once", KON_TUM_ISSUED) == [
        Occurrence(None, D(2014, 1, 1), D(2015, 12, 31))
    ]


def test_yearly_task_over_2013_2020_has_eight_occurrences_first_from_the_issue_date() -> None:
    occurrences = occurrence_windows(2013, 2020, "yearly", KON_TUM_ISSUED)
    assert [o.year for o in occurrences] == list(range(2013, 2021))
    assert occurrences[0] == Occurrence(2013, D(2013, 10, 24), D(2013, 12, 31))
    assert occurrences[1] == Occurrence(2014, D(2014, 1, 1), D(2014, 12, 31))
    assert all(o.due == D(o.year or 0, 12, 31) for o in occurrences)


def test_yearly_year_that_ended_before_the_issue_date_gets_no_occurrence() -> None:
    occurrences = occurrence_windows(2012, 2014, "yearly", KON_TUM_ISSUED)
    assert [o.year for o in occurrences] == [2013, 2014]


def test_occurrences_unpack_as_year_start_due_tuples() -> None:
    ((year, start, due, _),) = occurrence_windows(2018, 2018, "once", D(2017, 6, 6))
    assert (year, start, due) == (None, D(2018, 1, 1), D(2018, 12, 31))


def test_one_off_window_that_ended_before_the_plan_was_issued_is_refused() -> None:
    with refused(InvalidInput, "ended before the plan was issued on 2013-10-24"):
        occurrence_windows(2011, 2012, "once", KON_TUM_ISSUED)


@pytest.mark.parametrize(
    ("start", "end", "recurrence", "message"),
    [
        (2014, 2013, "once", "ends before it starts"),
        (2013, 20144, "once", "Year 20144 is outside"),
        (2013, 2014, "monthly", "Unknown recurrence 'monthly'"),
    ],
)
def test_impossible_windows_are_refused(
    start: int, end: int, recurrence: str, message: str
) -> None:
    with refused(InvalidInput, message):
        occurrence_windows(start, end, recurrence, KON_TUM_ISSUED)


def test_task_without_a_window_runs_over_the_plan_period() -> None:
    period = Window(2016, 2020)
    assert task_occurrences(None, "once", period=period, issued=D(2016, 3, 14)) == [
        Occurrence(None, D(2016, 3, 14), D(2020, 12, 31))
    ]
    yearly = task_occurrences(Window(2018, 2020), "yearly", period=period, issued=D(2016, 3, 14))
    assert [o.year for o in yearly] == [2018, 2019, 2020]
