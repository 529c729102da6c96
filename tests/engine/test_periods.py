"""Half-yearly, quarterly and continuous tasks, and due days as printed, through the real loader."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.errors import InvalidDefinition, InvalidInput, NotFound
from engine.lookup import load_occurrence, load_occurrences
from engine.models import Occurrence
from engine.refs import parse_ref
from engine.windows import occurrence_windows
from tasks_catalog import schema
from tasks_catalog.loading import load_plan_file
from tests.conftest import Run
from tests.words import refused

D = dt.date


def test_a_half_yearly_task_has_two_occurrences_a_year_named_by_half() -> None:
    got = occurrence_windows(2027, 2028, "half_yearly", D(2027, 3, 1))
    assert [(o.period, o.start, o.due) for o in got] == [
        ("2027-H1", D(2027, 3, 1), D(2027, 6, 30)),
        ("2027-H2", D(2027, 7, 1), D(2027, 12, 31)),
        ("2028-H1", D(2028, 1, 1), D(2028, 6, 30)),
        ("2028-H2", D(2028, 7, 1), D(2028, 12, 31)),
    ]


def test_a_printed_day_repeats_six_months_apart_for_a_half_yearly_task() -> None:
    # "6 tháng, hằng năm (trước ngày 15/12)": reports due 15 June and 15 December.
    got = occurrence_windows(2027, 2027, "half_yearly", D(2027, 1, 1), "12-15")
    assert [o.due for o in got] == [D(2027, 6, 15), D(2027, 12, 15)]


def test_a_quarterly_task_skips_quarters_that_ended_before_the_plan() -> None:
    got = occurrence_windows(2027, 2027, "quarterly", D(2027, 5, 10))
    assert [(o.period, o.start, o.due) for o in got] == [
        ("2027-Q2", D(2027, 5, 10), D(2027, 6, 30)),
        ("2027-Q3", D(2027, 7, 1), D(2027, 9, 30)),
        ("2027-Q4", D(2027, 10, 1), D(2027, 12, 31)),
    ]


def test_a_one_off_task_is_due_on_the_day_printed_and_a_yearly_one_each_year() -> None:
    ((once),) = occurrence_windows(2027, 2027, "once", D(2027, 1, 1), "2027-06-30")
    assert once.due == D(2027, 6, 30)
    yearly = occurrence_windows(2027, 2028, "yearly", D(2027, 1, 1), "06-30")
    assert [o.due for o in yearly] == [D(2027, 6, 30), D(2028, 6, 30)]
    continuous = occurrence_windows(2027, 2028, "continuous", D(2027, 1, 1))
    assert [(o.year, o.period, o.due) for o in continuous] == [
        (2027, None, D(2027, 12, 31)),
        (2028, None, D(2028, 12, 31)),
    ]


def test_a_reference_can_name_a_half_year_or_a_quarter() -> None:
    ref = parse_ref("ha-tinh-2027:II.3@2027-h2")
    assert (ref.year, ref.period, str(ref)) == (2027, "2027-H2", "ha-tinh-2027:II.3@2027-H2")
    with refused(InvalidInput, "is not a task reference"):
        parse_ref("ha-tinh-2027:II.3@2027-H3")


def _plan(tmp_path: Path) -> Path:
    data = yaml.safe_load(schema.plan_path("kon-tum-2013").read_text(encoding="utf-8"))
    tasks = {t["code"]: t for t in data["tasks"]}
    tasks["1.1"].update(recurrence="half_yearly", due="12-15", window={"start": 2014, "end": 2014})
    tasks["1.4"].update(recurrence="quarterly", window={"start": 2014, "end": 2014})
    tasks["2.1"].update(due="2014-06-30", window={"start": 2014, "end": 2014})
    out = tmp_path / "kon-tum-2013.yaml"
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def test_periods_and_printed_due_days_load_and_are_looked_up_by_reference(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    path = _plan(tmp_path)
    with transaction(factory) as s:
        report = load_plan_file(s, path)
    assert "kon-tum-2013:1.1@2014-H1" in report.occurrences_added
    with transaction(factory) as s:
        first = load_occurrence(s, "kon-tum-2013:1.1@2014-H1")
        assert (first.year, first.period, first.due) == (2014, "2014-H1", D(2014, 6, 15))
        quarters = s.scalars(
            select(Occurrence.period).where(Occurrence.ref.like("kon-tum-2013:1.4@%"))
        ).all()
        assert sorted(quarters) == ["2014-Q1", "2014-Q2", "2014-Q3", "2014-Q4"]
        assert load_occurrence(s, "kon-tum-2013:2.1").due == D(2014, 6, 30)
        (second,) = load_occurrences(s, ["kon-tum-2013:1.1@2014-H2"])
        assert second.due == D(2014, 12, 15)
        with refused(InvalidInput, "name the year"):
            load_occurrence(s, "kon-tum-2013:1.1")
        with pytest.raises(NotFound):
            load_occurrence(s, "kon-tum-2013:1.1@2014")
    with transaction(factory) as s:
        again = load_plan_file(s, path)
    assert again.unchanged


def test_show_and_tasks_json_name_the_period(
    factory: sessionmaker[Session], tmp_path: Path, run: Run
) -> None:
    with transaction(factory) as s:
        load_plan_file(s, _plan(tmp_path))
    shown = run("show", "kon-tum-2013:1.1@2014-H2", "--json")
    assert shown.exit_code == 0, shown.output
    assert (json.loads(shown.output)["period"], json.loads(shown.output)["year"]) == (
        "2014-H2",
        2014,
    )
    listed = run("tasks", "--plan", "kon-tum-2013", "--json")
    periods = {r["ref"]: r["period"] for r in json.loads(listed.output)}
    assert periods["kon-tum-2013:1.4@2014-Q3"] == "2014-Q3"
    assert periods["kon-tum-2013:2.1"] is None


def _with_due(tmp_path: Path, code: str, due: str) -> Path:
    data = yaml.safe_load(schema.plan_path("kon-tum-2013").read_text(encoding="utf-8"))
    next(t for t in data["tasks"] if t["code"] == code)["due"] = due
    out = tmp_path / "kon-tum-2013.yaml"
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def test_a_due_day_that_does_not_fit_the_recurrence_is_refused(tmp_path: Path) -> None:
    plan = schema.load_plan(_with_due(tmp_path, "1.1", "06-30"))  # a one-off task needs the year
    found = schema.validate_plan(plan, schema.load_all_directories())
    assert [(p.where, p.code) for p in found] == [(("task", "1.1"), "due_needs_year")]


def test_a_due_day_that_is_no_day_is_refused_when_the_file_loads(tmp_path: Path) -> None:
    with refused(InvalidDefinition, r"'2014-13-01' is not a due day"):
        schema.load_plan(_with_due(tmp_path, "1.2", "2014-13-01"))
