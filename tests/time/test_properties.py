"""Properties of working-day arithmetic that must hold for any day and count."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from engine import ladder
from engine.workdays import WorkingCalendar

CAL = WorkingCalendar(extra_days_off={dt.date(2015, 3, 17)}, makeup_workdays={dt.date(2015, 3, 21)})
days = st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2035, 12, 31))
counts = st.integers(min_value=1, max_value=600)


@given(days, counts)
def test_adding_working_days_lands_on_a_working_day(day: dt.date, n: int) -> None:
    assert CAL.is_working_day(CAL.add_working_days(day, n))


@given(days, counts)
def test_adding_working_days_is_strictly_increasing_in_n(day: dt.date, n: int) -> None:
    assert day < CAL.add_working_days(day, n) < CAL.add_working_days(day, n + 1)


@given(days, counts)
def test_counting_back_the_days_added_gives_n(day: dt.date, n: int) -> None:
    assert CAL.working_days_between(day, CAL.add_working_days(day, n)) == n


@given(days)
def test_next_working_day_skips_only_non_working_days(day: dt.date) -> None:
    nxt = CAL.next_working_day(day)
    between = [day + dt.timedelta(days=i) for i in range(1, (nxt - day).days)]
    assert CAL.is_working_day(nxt)
    assert not any(CAL.is_working_day(d) for d in between)


@given(days, days)
def test_working_days_between_matches_a_day_by_day_count(a: dt.date, b: dt.date) -> None:
    span = min(max((b - a).days, 0), 400)  # keep the naive count cheap
    end = a + dt.timedelta(days=span)
    naive = sum(CAL.is_working_day(a + dt.timedelta(days=i)) for i in range(1, span + 1))
    assert CAL.working_days_between(a, end) == naive


@given(days, st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=120))
def test_shifted_due_day_is_never_earlier(due: dt.date, start_offset: int, length: int) -> None:
    suspended_from = due - dt.timedelta(days=start_offset)
    resumed_on = suspended_from + dt.timedelta(days=length)
    shifted = ladder.shift_due(CAL, due, suspended_from, resumed_on)
    lost = CAL.working_days_between(
        suspended_from - dt.timedelta(days=1), resumed_on - dt.timedelta(days=1)
    )
    assert shifted >= due
    assert CAL.working_days_between(due, shifted) == lost
