"""Status categories of an occurrence on a given day, and the "due soon" view."""

from __future__ import annotations

import datetime as dt

import pytest

from engine import status
from engine.errors import InvalidInput
from tests.words import refused

D = dt.date
DUE = D(2014, 12, 31)


def cat(
    *,
    started: bool = False,
    completed: bool = False,
    suspended: bool = False,
    cancelled: bool = False,
    completed_on: dt.date | None = None,
    as_of: dt.date,
) -> str:
    return status.category(
        started=started,
        completed=completed,
        suspended=suspended,
        cancelled=cancelled,
        due=DUE,
        completed_on=completed_on,
        as_of=as_of,
    )


def test_completion_on_the_due_day_is_on_time() -> None:
    got = cat(started=True, completed=True, completed_on=DUE, as_of=D(2015, 3, 16))
    assert got == status.COMPLETED_ON_TIME


def test_completion_after_the_due_day_is_late() -> None:
    got = cat(started=True, completed=True, completed_on=D(2015, 1, 5), as_of=D(2015, 3, 16))
    assert got == status.COMPLETED_LATE


def test_started_work_before_the_due_day_is_in_progress() -> None:
    assert cat(started=True, as_of=D(2014, 12, 31)) == status.IN_PROGRESS


def test_started_work_after_the_due_day_is_overdue() -> None:
    assert cat(started=True, as_of=D(2015, 1, 1)) == status.OVERDUE


def test_unstarted_occurrence_before_the_due_day_is_not_started() -> None:
    assert cat(as_of=D(2014, 6, 1)) == status.NOT_STARTED


def test_unstarted_occurrence_past_the_due_day_is_overdue() -> None:
    assert cat(as_of=D(2015, 3, 16)) == status.OVERDUE


def test_suspended_occurrence_stays_suspended_past_the_due_day() -> None:
    assert cat(started=True, suspended=True, as_of=D(2015, 3, 16)) == status.SUSPENDED


def test_cancelled_wins_over_everything() -> None:
    got = cat(started=True, suspended=True, cancelled=True, as_of=D(2015, 3, 16))
    assert got == status.CANCELLED


def test_completion_recorded_after_as_of_counts_as_work_in_progress_on_that_day() -> None:
    done_on = D(2015, 2, 1)
    early = cat(started=True, completed=True, completed_on=done_on, as_of=D(2014, 12, 1))
    late = cat(started=True, completed=True, completed_on=done_on, as_of=D(2015, 1, 10))
    assert (early, late) == (status.IN_PROGRESS, status.OVERDUE)


def test_completed_without_a_completion_day_is_refused() -> None:
    with refused(InvalidInput, "needs its completion day"):
        cat(completed=True, as_of=D(2015, 3, 16))


def test_categories_are_the_seven_reported_ones() -> None:
    assert status.CATEGORIES == (
        "completed_on_time",
        "completed_late",
        "in_progress",
        "overdue",
        "not_started",
        "suspended",
        "cancelled",
    )


@pytest.mark.parametrize(
    ("category", "as_of", "expected"),
    [
        (status.IN_PROGRESS, D(2014, 12, 17), True),  # exactly 14 days before
        (status.IN_PROGRESS, D(2014, 12, 16), False),  # 15 days before
        (status.NOT_STARTED, D(2014, 12, 31), True),  # the due day itself
        (status.OVERDUE, D(2015, 1, 1), False),  # past due is overdue, not due soon
        (status.SUSPENDED, D(2014, 12, 20), False),
        (status.COMPLETED_ON_TIME, D(2014, 12, 20), False),
    ],
)
def test_due_soon_is_open_work_due_within_14_days(
    category: str, as_of: dt.date, expected: bool
) -> None:
    assert status.is_due_soon(category, due=DUE, as_of=as_of) is expected


def test_due_soon_window_can_be_narrowed() -> None:
    # 28 December is 3 days before the due day.
    assert status.is_due_soon(status.IN_PROGRESS, due=DUE, as_of=D(2014, 12, 28), within_days=3)
    assert not status.is_due_soon(status.IN_PROGRESS, due=DUE, as_of=D(2014, 12, 28), within_days=2)


def test_due_soon_refuses_an_unknown_category() -> None:
    with refused(InvalidInput, "Unknown status category 'late'"):
        status.is_due_soon("late", due=DUE, as_of=D(2014, 12, 27))
