"""The one reader of a printed time cell: windows and recurrences, and what it could not read exactly.

These cases were once split between an importer reader and an engine reader
that disagreed; they are now read by ``tasks_catalog.windows.read_window``
alone, which never raises and says what it doubted as a problem code.
"""

from __future__ import annotations

import unicodedata

import pytest

from engine.plan_spec import Window
from notifiers.i18n import words
from tasks_catalog.windows import read_window


@pytest.mark.parametrize(
    "text, window, recurrence",
    [
        ("2013-2014", Window(2013, 2014), "once"),  # Kon Tum annex
        ("2017- 2020", Window(2017, 2020), "once"),  # Nghệ An annex I
        ("2017 – 2020", Window(2017, 2020), "once"),  # en dash
        ("2017 - 2020", Window(2017, 2020), "once"),
        ("2018", Window(2018, 2018), "once"),
        ("2011 / 2015", Window(2011, 2015), "once"),  # Bình Phước: start and end columns flattened
        ("Năm 2016-2020", Window(2016, 2020), "once"),
        ("Giai đoạn 2016 - 2020", Window(2016, 2020), "once"),
        ("Từ năm 2013 đến năm 2015", Window(2013, 2015), "once"),
        ("Thực hiện hàng năm", None, "yearly"),  # Kon Tum annex
        ("Hàng năm", None, "yearly"),
        ("hằng năm", None, "yearly"),
        ("mỗi năm", None, "yearly"),
        ("Hàng năm (2016-2020)", Window(2016, 2020), "yearly"),
        ("Hàng năm, 2014-2016", Window(2014, 2016), "yearly"),
    ],
)
def test_time_cell_reads_as_window_and_recurrence(text, window, recurrence):
    parsed = read_window(text)
    assert (parsed.window, parsed.recurrence, parsed.problem) == (window, recurrence, None)


def test_decomposed_vietnamese_text_reads_the_same_as_composed():
    decomposed = unicodedata.normalize("NFD", "Thực hiện hàng năm")
    assert read_window(decomposed) == read_window("Thực hiện hàng năm")


def test_empty_time_cell_means_the_plan_period_and_is_flagged():
    parsed = read_window("  ")
    assert parsed.window is None
    assert parsed.problem is not None and parsed.problem.code == "window.empty"


@pytest.mark.parametrize(
    "text, code, window",
    [
        ("Quý IV", "window.no_year", None),
        ("sớm nhất có thể", "window.no_year", None),
        ("năm", "window.no_year", None),
        ("20155", "window.no_year", None),
        ("2014-2013", "window.out_of_order", Window(2013, 2014)),
        ("2013 2014 2015", "window.many_years", Window(2013, 2015)),
        ("2014 (dự kiến)", "window.extra_text", Window(2014, 2014)),
    ],
)
def test_what_cannot_be_read_exactly_is_said_with_what_was_taken(text, code, window):
    parsed = read_window(text)
    assert parsed.problem is not None
    assert (parsed.problem.code, parsed.window) == (code, window)


def test_the_doubt_is_worded_for_the_import_report():
    problem = read_window("2014-2013").problem
    assert problem is not None
    assert words("en").problem(problem) == "years out of order in '2014-2013'; took 2013-2014."
    assert "đã lấy 2013-2014" in words("vi").problem(problem)
