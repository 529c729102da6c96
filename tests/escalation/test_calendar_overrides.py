"""Working-day swaps a plan file or the deployment declares move its escalation dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.errors import InvalidDefinition, InvalidInput
from engine.escalation import sweep
from engine.models import Plan
from engine.workdays import deployment_calendar, merged_calendar
from tasks_catalog import schema
from tasks_catalog.loading import load_plan_file
from tests.escalation.helpers import DUE_END_2014, PLAN
from tests.words import english

# Due 31 December 2014; 1 January is New Year and Friday 2 January 2015 a
# swapped day off, so level 1 falls on Monday 5 January by default.
DEFAULT_LEVEL_1 = dt.date(2015, 1, 5)


@pytest.fixture
def no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty config file, so the user's own never leaks into a test."""
    path = tmp_path / "config.toml"
    path.write_text("")
    monkeypatch.setenv("DONDOC_CONFIG", str(path))
    return path


def _plan_with(tmp_path: Path, calendar_yaml: str) -> Path:
    """The shipped Kon Tum plan file with a ``calendar`` section added."""
    text = schema.plan_path(PLAN).read_text(encoding="utf-8")
    path = tmp_path / f"{PLAN}.yaml"
    path.write_text(text.rstrip("\n") + "\n" + calendar_yaml, encoding="utf-8")
    return path


def _level_1_days(factory: sessionmaker[Session]) -> dict[str, dt.date]:
    """Sweep day by day through January 2015; the day each 2014 occurrence reached level 1."""
    sweep(factory, as_of=dt.date(2014, 12, 31))  # the 2013 occurrences catch up first
    seen: dict[str, dt.date] = {}
    day = dt.date(2015, 1, 1)
    while day <= dt.date(2015, 1, 12):
        for r in sweep(factory, as_of=day):
            if r.level == 1:
                seen[r.ref] = day
        day += dt.timedelta(days=1)
    return seen


def test_an_extra_day_off_in_a_plan_shifts_its_level_one_by_a_working_day(
    factory: sessionmaker[Session], tmp_path: Path, no_config: Path
) -> None:
    path = _plan_with(tmp_path, "calendar:\n  extra_days_off: [2015-01-05]\n")
    with transaction(factory) as s:
        load_plan_file(s, path)
        details = s.scalar(select(Plan.details).where(Plan.id == PLAN))
    assert details is not None
    assert details["calendar"] == {"extra_days_off": ["2015-01-05"], "makeup_workdays": []}
    assert _level_1_days(factory) == {ref: dt.date(2015, 1, 6) for ref in DUE_END_2014}


def test_a_make_up_saturday_in_a_plan_counts_as_a_working_day(
    factory: sessionmaker[Session], tmp_path: Path, no_config: Path
) -> None:
    path = _plan_with(tmp_path, "calendar:\n  makeup_workdays: [2015-01-03]\n")
    with transaction(factory) as s:
        load_plan_file(s, path)
    assert _level_1_days(factory) == {ref: dt.date(2015, 1, 3) for ref in DUE_END_2014}


def test_the_deployment_calendar_applies_to_every_plan_and_the_plan_wins_a_shared_day(
    factory: sessionmaker[Session], tmp_path: Path, no_config: Path
) -> None:
    no_config.write_text('[calendar]\nextra_days_off = ["2015-01-05", "2015-01-06"]\n')
    assert not deployment_calendar().is_working_day(dt.date(2015, 1, 6))
    # The deployment works Saturday 3 January, a plan keeps it off: the plan wins.
    merged = merged_calendar(
        {"makeup_workdays": ["2015-01-03"], "extra_days_off": ["2015-01-05"]},
        {"extra_days_off": ["2015-01-03"]},
    )
    assert not merged.is_working_day(dt.date(2015, 1, 3))
    assert not merged.is_working_day(dt.date(2015, 1, 5))
    assert merged_calendar({"makeup_workdays": ["2015-01-03"]}, None).is_working_day(
        dt.date(2015, 1, 3)
    )
    with transaction(factory) as s:
        load_plan_file(s, schema.plan_path(PLAN))
    assert _level_1_days(factory) == {ref: dt.date(2015, 1, 7) for ref in DUE_END_2014}


def test_a_plan_calendar_with_a_weekday_make_up_day_is_refused_naming_the_field(
    tmp_path: Path,
) -> None:
    path = _plan_with(tmp_path, "calendar:\n  makeup_workdays: [2015-01-05]\n")
    with pytest.raises(InvalidDefinition) as caught:
        schema.load_plan(path)
    message = english(caught.value)
    assert str(path) in message
    assert "kon-tum-2013.yaml: calendar: makeup_workdays: 2015-01-05 is a Monday" in message


def test_a_deployment_calendar_with_a_bad_day_names_the_config_file(no_config: Path) -> None:
    no_config.write_text('[calendar]\nextra_days_off = ["2015-02-30"]\n')
    with pytest.raises(InvalidInput) as caught:
        deployment_calendar()
    assert english(caught.value) == (
        f"{no_config} [calendar]: extra_days_off: '2015-02-30' is not a real calendar day."
    )


def test_resuming_gives_back_the_lost_working_days_on_the_plans_own_calendar(
    factory: sessionmaker[Session], tmp_path: Path, no_config: Path
) -> None:
    from engine.lookup import load_occurrence
    from engine.transition import advance
    from engine.users import add_user

    # 10-21 March 2014 are ten working days lost. Counted from 31 December
    # 2014 they end on 16 January 2015 by default; the plan's own day off on
    # 12 January pushes the tenth working day to Monday 19 January.
    path = _plan_with(tmp_path, "calendar:\n  extra_days_off: [2015-01-12]\n")
    with transaction(factory) as s:
        # Loaded today: Quảng Ngãi's SCT coordinates Kon Tum's plan since 1/7/2025.
        load_plan_file(s, path)
        lan = add_user(s, "lan", "quang-ngai/sct", "coordinator")
        at = [dt.datetime(2014, 3, d, 2, tzinfo=dt.UTC) for d in (3, 10, 24)]
        advance(s, lan, "kon-tum-2013:2.1", "consult", at=at[0])
        advance(s, lan, "kon-tum-2013:2.1", "suspend", fields={"reason": "chờ"}, at=at[1])
        advance(s, lan, "kon-tum-2013:2.1", "resume", at=at[2])
    with transaction(factory) as s:
        assert load_occurrence(s, "kon-tum-2013:2.1").due == dt.date(2015, 1, 19)
