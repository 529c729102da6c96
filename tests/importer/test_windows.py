"""Time cells read as windows and recurrences; what cannot be read is said, not guessed silently."""

from __future__ import annotations

import pytest

from tasks_catalog.importer.windows import parse_window_cell
from tasks_catalog.spec import Window


@pytest.mark.parametrize(
    "text, window, recurrence",
    [
        ("2013-2014", Window(2013, 2014), "once"),
        ("2017- 2020", Window(2017, 2020), "once"),
        ("2017 - 2020", Window(2017, 2020), "once"),
        ("2018", Window(2018, 2018), "once"),
        ("2011 / 2015", Window(2011, 2015), "once"),
        ("Thực hiện hàng năm", None, "yearly"),
        ("Hàng năm, 2014-2016", Window(2014, 2016), "yearly"),
    ],
)
def test_time_cell_reads_as_window_and_recurrence(text, window, recurrence):
    parsed = parse_window_cell(text)
    assert (parsed.window, parsed.recurrence, parsed.problem) == (window, recurrence, "")


def test_empty_time_cell_means_the_plan_period_and_is_flagged():
    parsed = parse_window_cell("  ")
    assert parsed.window is None and parsed.problem == "empty"


def test_time_cell_without_a_year_is_reported():
    parsed = parse_window_cell("Quý IV")
    assert parsed.window is None
    assert "no year" in parsed.problem
