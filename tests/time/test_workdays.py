"""Vietnamese working days: holidays from the package, weekends, swaps and overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.errors import InvalidInput
from engine.workdays import WorkingCalendar, default_calendar, local_day
from tests.words import refused

D = dt.date


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.mark.parametrize(
    "day",
    [
        D(2015, 9, 2),  # National Day (Quốc khánh)
        D(2015, 4, 30),  # Reunification Day
        D(2015, 5, 1),  # Labour Day
        D(2015, 1, 1),  # New Year
        D(2015, 4, 28),  # Hung Kings' Commemoration Day (10/3 lunar)
    ],
)
def test_national_holidays_are_not_working_days(cal: WorkingCalendar, day: dt.date) -> None:
    assert cal.is_working_day(day) is False


def test_tet_2015_closes_offices_from_16_to_23_february(cal: WorkingCalendar) -> None:
    # The package gives Tết Ất Mùi as 19 February 2015 with 29 Tết (17th),
    # New Year's Eve (18th) and days 2-5 (20th-23rd), plus Monday 16th off in
    # exchange for Saturday 14th worked: nine days at home, 14th at the office.
    closed = [D(2015, 2, d) for d in range(16, 24)]
    assert [cal.is_working_day(d) for d in closed] == [False] * 8
    assert cal.is_working_day(D(2015, 2, 13)) is True
    assert cal.is_working_day(D(2015, 2, 24)) is True


def test_saturday_worked_in_exchange_for_a_day_off_counts_as_working(cal: WorkingCalendar) -> None:
    # Government swap: Friday 2 January 2015 off, Saturday 27 December 2014 worked.
    assert cal.is_working_day(D(2014, 12, 27)) is True
    assert cal.is_working_day(D(2015, 1, 2)) is False
    assert cal.is_working_day(D(2014, 12, 20)) is False  # an ordinary Saturday


def test_weekdays_without_holidays_are_working_days(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(D(2015, 3, 16)) is True  # Monday
    assert cal.is_working_day(D(2015, 3, 21)) is False  # Saturday
    assert cal.is_working_day(D(2015, 3, 22)) is False  # Sunday


def test_next_working_day_is_strictly_after_the_given_day(cal: WorkingCalendar) -> None:
    assert cal.next_working_day(D(2015, 3, 16)) == D(2015, 3, 17)
    assert cal.next_working_day(D(2015, 3, 20)) == D(2015, 3, 23)  # Friday -> Monday


def test_adding_working_days_across_new_year_skips_the_holiday_and_the_swapped_day(
    cal: WorkingCalendar,
) -> None:
    # Wed 31/12/2014 +1: Thu 1/1 holiday, Fri 2/1 swapped off, weekend -> Mon 5/1.
    assert cal.add_working_days(D(2014, 12, 31), 1) == D(2015, 1, 5)
    # 2013-12-31 (Tue) +1: 1/1/2014 is a holiday, Thursday 2/1/2014 is worked.
    assert cal.add_working_days(D(2013, 12, 31), 1) == D(2014, 1, 2)


def test_adding_working_days_across_tet_2015_jumps_over_the_whole_break(
    cal: WorkingCalendar,
) -> None:
    # Thu 12/2 +1 = Fri 13/2, +2 = Sat 14/2 (worked), +3 = Tue 24/2 after Tết.
    assert cal.add_working_days(D(2015, 2, 12), 1) == D(2015, 2, 13)
    assert cal.add_working_days(D(2015, 2, 12), 2) == D(2015, 2, 14)
    assert cal.add_working_days(D(2015, 2, 12), 3) == D(2015, 2, 24)


def test_working_days_between_counts_the_end_but_not_the_start(cal: WorkingCalendar) -> None:
    assert cal.working_days_between(D(2015, 3, 16), D(2015, 3, 20)) == 4
    assert cal.working_days_between(D(2015, 3, 16), D(2015, 3, 16)) == 0
    assert cal.working_days_between(D(2015, 3, 20), D(2015, 3, 16)) == 0
    # All of February 2015: 20 weekdays, 6 of them Tết (16-20, 23), plus Saturday 14.
    assert cal.working_days_between(D(2015, 1, 31), D(2015, 2, 28)) == 15


def test_adding_zero_working_days_is_refused(cal: WorkingCalendar) -> None:
    with refused(InvalidInput, "starts at 1"):
        cal.add_working_days(D(2015, 3, 16), 0)


def test_configured_makeup_saturday_counts_as_a_working_day() -> None:
    cal = WorkingCalendar.from_config({"makeup_workdays": ["2015-03-21"]})
    assert cal.is_working_day(D(2015, 3, 21)) is True
    assert cal.add_working_days(D(2015, 3, 20), 1) == D(2015, 3, 21)


def test_configured_extra_day_off_is_skipped() -> None:
    cal = WorkingCalendar.from_config({"extra_days_off": ["2015-03-17"]})
    assert cal.is_working_day(D(2015, 3, 17)) is False
    assert cal.add_working_days(D(2015, 3, 16), 1) == D(2015, 3, 18)
    assert cal.working_days_between(D(2015, 3, 16), D(2015, 3, 20)) == 3


def test_configured_extra_day_off_can_cancel_a_package_makeup_saturday() -> None:
    cal = WorkingCalendar(extra_days_off={D(2014, 12, 27)})
    assert cal.is_working_day(D(2014, 12, 27)) is False


def test_config_accepts_dates_already_parsed_by_yaml() -> None:
    cal = WorkingCalendar.from_config({"extra_days_off": [D(2015, 3, 17)]})
    assert cal.extra_days_off == frozenset({D(2015, 3, 17)})


def test_empty_config_gives_the_package_calendar() -> None:
    assert WorkingCalendar.from_config(None).is_working_day(D(2015, 1, 2)) is False
    assert WorkingCalendar.from_config({}).extra_days_off == frozenset()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"extra_days_off": ["2015-02-30"]}, "'2015-02-30' is not a real calendar day"),
        ({"extra_days_off": ["17/03/2015"]}, "'17/03/2015' is not a day written as YYYY-MM-DD"),
        ({"extra_days_off": "2015-03-17"}, "expected a list of days"),
        ({"makeup_workdays": ["2015-03-20"]}, "2015-03-20 is a Friday, already a working day"),
        ({"holidays": []}, "unknown key 'holidays'"),
        (
            {"extra_days_off": ["2015-03-21"], "makeup_workdays": ["2015-03-21"]},
            "2015-03-21 is listed both",
        ),
        ({"extra_days_off": [dt.datetime(2015, 3, 17, 8, 0)]}, "has a time of day"),
    ],
)
def test_bad_calendar_config_names_the_bad_value(config: dict[str, object], message: str) -> None:
    with refused(InvalidInput, message):
        WorkingCalendar.from_config(config, source="kon-tum-2013.yaml")


def test_config_errors_name_the_source() -> None:
    with refused(InvalidInput, r"^deploy\.yaml: extra_days_off"):
        WorkingCalendar.from_config({"extra_days_off": ["x"]}, source="deploy.yaml")


def test_years_outside_the_supported_range_are_refused(cal: WorkingCalendar) -> None:
    with refused(InvalidInput, "year 1900 is outside"):
        cal.is_working_day(D(1900, 1, 1))


def test_default_calendar_is_shared_so_its_cache_is_built_once() -> None:
    assert default_calendar() is default_calendar()


def test_local_day_is_the_day_in_vietnam() -> None:
    late_utc = dt.datetime(2014, 12, 31, 18, 30, tzinfo=dt.UTC)  # 01:30 on 1 January in Hà Nội
    assert local_day(late_utc) == D(2015, 1, 1)
    with refused(InvalidInput, "no time zone"):
        local_day(dt.datetime(2014, 12, 31, 18, 30))
