"""Time windows: printed columns and years turned into dated occurrences."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.errors import InvalidInput
from engine.windows import Occurrence, occurrence_windows, parse_window_text, task_occurrences
from tasks_catalog.spec import Window

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
    ((year, start, due),) = occurrence_windows(2018, 2018, "once", D(2017, 6, 6))
    assert (year, start, due) == (None, D(2018, 1, 1), D(2018, 12, 31))


def test_one_off_window_that_ended_before_the_plan_was_issued_is_refused() -> None:
    with pytest.raises(InvalidInput, match="ended before the plan was issued on 2013-10-24"):
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
    with pytest.raises(InvalidInput, match=message):
        occurrence_windows(start, end, recurrence, KON_TUM_ISSUED)


def test_task_without_a_window_runs_over_the_plan_period() -> None:
    period = Window(2016, 2020)
    assert task_occurrences(None, "once", period=period, issued=D(2016, 3, 14)) == [
        Occurrence(None, D(2016, 3, 14), D(2020, 12, 31))
    ]
    yearly = task_occurrences(Window(2018, 2020), "yearly", period=period, issued=D(2016, 3, 14))
    assert [o.year for o in yearly] == [2018, 2019, 2020]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2013-2014", (2013, 2014, "once")),
        ("2017- 2020", (2017, 2020, "once")),  # Nghệ An annex I
        ("2017 – 2020", (2017, 2020, "once")),  # en dash
        ("2018", (2018, 2018, "once")),
        ("2011 / 2015", (2011, 2015, "once")),  # Bình Phước: start and end columns flattened
        ("Năm 2016-2020", (2016, 2020, "once")),
        ("Giai đoạn 2016 - 2020", (2016, 2020, "once")),
        ("Từ năm 2013 đến năm 2015", (2013, 2015, "once")),
        ("Thực hiện hàng năm", (None, None, "yearly")),  # Kon Tum annex
        ("Hàng năm", (None, None, "yearly")),
        ("hằng năm", (None, None, "yearly")),
        ("mỗi năm", (None, None, "yearly")),
        ("Hàng năm (2016-2020)", (2016, 2020, "yearly")),
    ],
)
def test_printed_windows_are_read(text: str, expected: tuple[int | None, int | None, str]) -> None:
    assert parse_window_text(text) == expected


def test_decomposed_vietnamese_text_reads_the_same_as_composed() -> None:
    import unicodedata

    assert parse_window_text(unicodedata.normalize("NFD", "Thực hiện hàng năm")) == (
        None,
        None,
        "yearly",
    )


def test_empty_time_cell_means_the_plan_period() -> None:
    assert parse_window_text("") is None
    assert parse_window_text("   ") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sớm nhất có thể", "Cannot read a time window from 'sớm nhất có thể'"),
        ("2014-2013", "ends before it starts"),
        ("20155", "Cannot read a time window from '20155'"),
        ("năm", "Cannot read a time window from 'năm'"),
        ("2013 2014 2015", "expected years such as"),
    ],
)
def test_nonsense_windows_are_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_window_text(text)
