"""Reloading a plan: updates in place, keeps every state and history, refuses silent loss.

Reloaded as of the fixture's day (before the 2025 reorganisation), so that
only the reload changes anything (tests/succession covers loading later).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.errors import Conflict
from engine.history import verify
from engine.lookup import load_occurrence
from engine.models import Event, Occurrence, Task
from engine.transition import advance
from tasks_catalog import schema
from tasks_catalog.loading import load_plan_file
from tests.conftest import BEFORE_2025
from tests.engine.helpers import snapshot, user
from tests.words import english


def _edited_copy(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(schema.plan_path("kon-tum-2013").read_text(encoding="utf-8"))
    edit(data)
    out = tmp_path / "kon-tum-2013.yaml"
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def _task(data: dict, code: str) -> dict:  # type: ignore[type-arg]
    return next(t for t in data["tasks"] if t["code"] == code)


def test_loading_the_same_file_twice_changes_nothing(kon_tum: sessionmaker[Session]) -> None:
    before = snapshot(kon_tum, "kon-tum-2013:2.1")
    with transaction(kon_tum) as s:
        report = load_plan_file(s, schema.plan_path("kon-tum-2013"), now=BEFORE_2025)
    assert report.unchanged
    assert snapshot(kon_tum, "kon-tum-2013:2.1") == before


def test_a_new_title_and_agencies_keep_the_state_and_history(
    kon_tum: sessionmaker[Session], tmp_path: Path
) -> None:
    with transaction(kon_tum) as s:
        advance(s, user(s, "lan"), "kon-tum-2013:2.1", "consult")
    state_before = snapshot(kon_tum, "kon-tum-2013:2.1")

    def edit(data: dict) -> None:  # type: ignore[type-arg]
        task = _task(data, "2.1")
        task["title"] = "Tiêu đề mới của nhiệm vụ 2.1"
        task["co"] = ["kon-tum/stnmt", "kon-tum/stp"]

    with transaction(kon_tum) as s:
        report = load_plan_file(s, _edited_copy(tmp_path, edit), now=BEFORE_2025)
    assert report.tasks_updated == ["2.1"]
    assert report.occurrences_added == report.occurrences_replanned == []
    with transaction(kon_tum) as s:
        occ = load_occurrence(s, "kon-tum-2013:2.1")
        assert occ.task.title == "Tiêu đề mới của nhiệm vụ 2.1"
        assert occ.task.co_agencies == ["kon-tum/stnmt", "kon-tum/stp"]
    assert snapshot(kon_tum, "kon-tum-2013:2.1") == state_before


def test_widening_a_yearly_window_adds_occurrences_and_keeps_the_old_ones(
    kon_tum: sessionmaker[Session], tmp_path: Path
) -> None:
    with transaction(kon_tum) as s:
        advance(s, user(s, "lan"), "kon-tum-2013:1.3@2014", "start")
    kept = snapshot(kon_tum, "kon-tum-2013:1.3@2014")

    def edit(data: dict) -> None:  # type: ignore[type-arg]
        data["period"]["end"] = 2021
        _task(data, "1.3")["window"] = {"start": 2013, "end": 2021}

    with transaction(kon_tum) as s:
        report = load_plan_file(s, _edited_copy(tmp_path, edit), now=BEFORE_2025)
    assert "kon-tum-2013:1.3@2021" in report.occurrences_added
    assert snapshot(kon_tum, "kon-tum-2013:1.3@2014") == kept


def test_changing_a_window_replans_open_occurrences_with_an_event_and_leaves_finished_ones(
    kon_tum: sessionmaker[Session], tmp_path: Path
) -> None:
    with transaction(kon_tum) as s:
        advance(s, user(s, "lan"), "kon-tum-2013:3.2", "start")
        advance(
            s,
            user(s, "lan"),
            "kon-tum-2013:3.2",
            "complete",
            fields={"evidence_link": "https://sct.kontum.gov.vn"},
        )
    finished = snapshot(kon_tum, "kon-tum-2013:3.2")

    def edit(data: dict) -> None:  # type: ignore[type-arg]
        _task(data, "2.1")["window"] = {"start": 2013, "end": 2015}
        _task(data, "3.2")["window"] = {"start": 2013, "end": 2015}

    with transaction(kon_tum) as s:
        report = load_plan_file(s, _edited_copy(tmp_path, edit), now=BEFORE_2025)
    assert report.occurrences_replanned == ["kon-tum-2013:2.1"]
    with transaction(kon_tum) as s:
        occ = load_occurrence(s, "kon-tum-2013:2.1")
        assert occ.due.isoformat() == "2015-12-31"
        assert occ.events[-1].trigger == "replan"
        assert occ.events[-1].fields["due"] == ["2014-12-31", "2015-12-31"]
        assert verify(s).ok
    assert snapshot(kon_tum, "kon-tum-2013:3.2") == finished


def test_dropping_a_task_with_history_is_refused_and_changes_nothing(
    kon_tum: sessionmaker[Session], tmp_path: Path
) -> None:
    with transaction(kon_tum) as s:
        advance(s, user(s, "lan"), "kon-tum-2013:2.4", "consult")
    path = _edited_copy(tmp_path, lambda d: d["tasks"].remove(_task(d, "2.4")))
    with pytest.raises(Conflict) as caught, transaction(kon_tum) as s:
        load_plan_file(s, path, now=BEFORE_2025)
    assert "drops task(s) 2.4 that already have history" in english(caught.value)
    assert "--archive-removed" in english(caught.value)
    with transaction(kon_tum) as s:
        task = s.scalar(select(Task).where(Task.plan_id == "kon-tum-2013", Task.code == "2.4"))
        assert task is not None and not task.archived


def test_dropping_a_task_with_history_archives_it_on_request_and_keeps_its_events(
    kon_tum: sessionmaker[Session], tmp_path: Path
) -> None:
    with transaction(kon_tum) as s:
        advance(s, user(s, "lan"), "kon-tum-2013:2.4", "consult")
        events_before = s.scalar(select(func.count()).select_from(Event))
    path = _edited_copy(tmp_path, lambda d: d["tasks"].remove(_task(d, "2.4")))
    with transaction(kon_tum) as s:
        report = load_plan_file(s, path, archive_removed=True, now=BEFORE_2025)
    assert report.tasks_archived == ["2.4"]
    with transaction(kon_tum) as s:
        occ = s.scalar(select(Occurrence).where(Occurrence.ref == "kon-tum-2013:2.4"))
        assert occ is not None and occ.archived
        assert s.scalar(select(func.count()).select_from(Event)) == events_before
        assert verify(s).ok
