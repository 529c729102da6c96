"""A plan the sweep could not escalate is refused when it is checked or loaded, never at the sweep.

``catalog validate``, ``catalog load`` and the sweep ask the same rule
(``engine.ladder``): levels 1, 2, 3... each waiting longer, targets in one
vocabulary (owner, responsible, an agency code or an abbreviation of the
plan's province) that name known agencies, and a department above the
responsible one when it leads a task itself. A plan already in the database
that breaks it (loaded before the check existed) is skipped by the sweep and
named, while every other plan is swept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from engine import db
from engine.catalog import load_plan
from engine.errors import InvalidDefinition
from engine.models import Escalation, Occurrence, Plan, Task
from tasks_catalog import schema

Run = Callable[..., Result]


def kon_tum_with(tmp_path: Path, **changes: object) -> Path:
    """Kon Tum's plan file with top-level keys changed, written under tmp_path."""
    doc = yaml.safe_load(schema.plan_path("kon-tum-2013").read_text(encoding="utf-8"))
    doc.update(changes)
    path = tmp_path / "kon-tum-2013.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


LEVELS_1_AND_3 = [
    {"level": 1, "after_working_days": 1, "target": "owner"},
    {"level": 3, "after_working_days": 20, "target": "ubnd"},
]


def _plans(db_url: str) -> list[str]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("select id from plans order by id")).scalars())
    finally:
        engine.dispose()


def test_validate_refuses_a_ladder_with_levels_1_and_3(run: Run, tmp_path: Path) -> None:
    path = kon_tum_with(tmp_path, escalation=LEVELS_1_AND_3)
    result = run("catalog", "validate", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{path}: escalation level 3, field 'level': levels must run 1, 2, 3... without gaps"
        " or repeats; found level 3 where level 2 belongs."
    )


def test_load_refuses_it_with_the_same_problem_and_writes_nothing(
    run: Run, tmp_path: Path, db_url: str
) -> None:
    path = kon_tum_with(tmp_path, escalation=LEVELS_1_AND_3)
    result = run("catalog", "load", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {path} is not a valid plan (1 problem(s)):",
        f"  - {path}: escalation level 3, field 'level': levels must run 1, 2, 3... without"
        " gaps or repeats; found level 3 where level 2 belongs.",
    ]
    assert "Traceback" not in result.output
    assert _plans(db_url) == []


def test_a_bare_abbreviation_names_the_plans_province_in_every_check(
    run: Run, tmp_path: Path, db_url: str
) -> None:
    # "ubnd" is the default ladder's own word for the provincial committee:
    # the catalog accepts it as the sweep reads it, kon-tum/ubnd.
    good = [*LEVELS_1_AND_3[:1], {"level": 2, "after_working_days": 15, "target": "ubnd"}]
    path = kon_tum_with(tmp_path, escalation=good)
    assert run("catalog", "validate", str(path)).exit_code == 0
    assert run("catalog", "load", str(path)).exit_code == 0
    assert _plans(db_url) == ["kon-tum-2013"]

    unknown = [*LEVELS_1_AND_3[:1], {"level": 2, "after_working_days": 15, "target": "hdnd"}]
    refused = run("catalog", "validate", str(kon_tum_with(tmp_path, escalation=unknown)))
    assert refused.exit_code == 1
    assert "'hdnd' names kon-tum/hdnd, which is not in the agency directory" in refused.stderr


def test_a_responsible_department_without_a_parent_cannot_lead_its_own_task(
    run: Run, tmp_path: Path
) -> None:
    # Level 2 presses the responsible department, or its parent when it leads the
    # task itself; the provincial committee has no parent to press.
    path = kon_tum_with(tmp_path, responsible="kon-tum/ubnd")
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["tasks"][0]["leads"] = ["kon-tum/ubnd"]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run("catalog", "validate", str(path))
    assert result.exit_code == 1
    assert (
        f"{path}: task 1.1, field 'escalation': kon-tum/ubnd leads this task and has no parent"
        " agency to escalate to" in result.stderr
    )


def test_the_engine_itself_refuses_a_plan_it_could_not_sweep(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    # Whatever hands the engine a specification, not only the catalog's checks.
    spec = schema.load_plan(kon_tum_with(tmp_path, escalation=LEVELS_1_AND_3))
    with db.transaction(factory) as s, pytest.raises(InvalidDefinition) as refused:
        load_plan(s, spec, schema.load_all_directories(), digest="x")
    assert refused.value.code == "plan_cannot_be_swept"
    assert [p.code for p in refused.value.problems] == ["ladder_level_gap"]
    with db.transaction(factory) as s:
        assert s.scalars(select(Plan.id)).all() == []


def _break_ladder(factory: sessionmaker[Session], plan_id: str) -> None:
    """As a plan loaded before the checks existed would be: a ladder with a gap."""
    with db.transaction(factory) as s:
        plan = s.get(Plan, plan_id)
        assert plan is not None
        plan.details = {**plan.details, "escalation": LEVELS_1_AND_3}


def _ledger(factory: sessionmaker[Session]) -> dict[str, int]:
    with db.transaction(factory) as s:
        rows = s.execute(
            select(Task.plan_id)
            .join(Occurrence, Occurrence.task_id == Task.id)
            .join(Escalation, Escalation.occurrence_id == Occurrence.id)
        ).scalars()
        counts: dict[str, int] = {}
        for plan_id in rows:
            counts[plan_id] = counts.get(plan_id, 0) + 1
        return counts


def test_one_bad_plan_is_reported_and_skipped_while_the_others_are_swept(
    run: Run, factory: sessionmaker[Session]
) -> None:
    for plan_id in ("kon-tum-2013", "nghe-an-2017"):
        assert run("catalog", "load", plan_id).exit_code == 0
    _break_ladder(factory, "kon-tum-2013")

    dry = run("escalate", "--as-of", "2018-03-16", "--dry-run", "--json")
    assert dry.exit_code == 1
    assert {row["ref"].split(":")[0] for row in json.loads(dry.stdout)} == {"nghe-an-2017"}

    swept = run("escalate", "--as-of", "2018-03-16")
    assert swept.exit_code == 1
    assert swept.stderr.startswith(
        "Skipped plan kon-tum-2013 in the sweep: The escalation ladder of plan kon-tum-2013"
        " is not valid (1 problem(s)):"
    )
    assert "1 plan could not be swept (named above); every other plan was swept." in swept.stderr
    ledger = _ledger(factory)
    assert set(ledger) == {"nghe-an-2017"} and ledger["nghe-an-2017"] > 0

    # Mended, the plan is swept by the next run; the other plan's levels are not sent again.
    with db.transaction(factory) as s:
        plan = s.get(Plan, "kon-tum-2013")
        assert plan is not None
        plan.details = {**plan.details, "escalation": []}
    again = run("escalate", "--as-of", "2018-03-16", "--json")
    assert again.exit_code == 0
    assert {row["ref"].split(":")[0] for row in json.loads(again.stdout)} == {"kon-tum-2013"}
