"""The escalate and remind commands: output, --json shape, --dry-run, errors."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy.orm import Session, sessionmaker

from cli import cli
from tests.escalation.helpers import OVERDUE_ON_2015_03_16, PLAN, counts


def run(db_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", db_url, *args])
    return result.exit_code, result.output


def test_tasks_lists_the_overdue_occurrences_of_kon_tum(
    kon_tum: sessionmaker[Session], db_url: str
) -> None:
    code, out = run(db_url, "tasks", "--status", "overdue", "--as-of", "2015-03-16", "--json")
    assert code == 0
    assert sorted(r["ref"] for r in json.loads(out)) == OVERDUE_ON_2015_03_16


def test_escalate_json_lists_ref_level_target_days_overdue_and_kind(
    kon_tum: sessionmaker[Session], db_url: str
) -> None:
    code, out = run(db_url, "escalate", "--as-of", "2015-03-16", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 39
    assert {"ref", "level", "target", "days_overdue", "kind"} <= set(rows[0])
    first = next(r for r in rows if r["ref"] == f"{PLAN}:2.1" and r["level"] == 1)
    assert (first["target"], first["kind"]) == ("kon-tum/sct", "overdue")
    # 2.1 was due 31 December 2014: 46 working days later is 16 March 2015.
    assert first["days_overdue"] == 46
    code, out = run(db_url, "escalate", "--as-of", "2015-03-16", "--json")
    assert (code, json.loads(out)) == (0, [])


def test_escalate_dry_run_prints_the_plan_and_writes_nothing(
    kon_tum: sessionmaker[Session], db_url: str
) -> None:
    code, out = run(db_url, "escalate", "--as-of", "2015-03-16", "--dry-run")
    assert code == 0
    assert f"{PLAN}:3.2" in out
    assert out.rstrip().endswith("39 escalations would be created (dry run, nothing written).")
    assert counts(kon_tum) == (0, 0)


def test_escalate_in_text_names_what_it_created(
    kon_tum: sessionmaker[Session], db_url: str
) -> None:
    code, out = run(db_url, "escalate", "--as-of", "2015-01-05")
    assert code == 0
    assert "kon-tum/to-ho-tro" in out
    assert out.rstrip().endswith("escalations created.")


def test_remind_json_and_dry_run(kon_tum: sessionmaker[Session], db_url: str) -> None:
    code, out = run(db_url, "remind", "--as-of", "2015-12-17", "--dry-run", "--json")
    assert code == 0
    planned = json.loads(out)
    assert planned and {r["kind"] for r in planned} == {"reminder"}
    assert {r["level"] for r in planned} == {14}
    assert counts(kon_tum) == (0, 0)
    code, out = run(db_url, "remind", "--as-of", "2015-12-17", "--json")
    assert json.loads(out) == planned


def test_a_bad_day_is_a_usage_error(kon_tum: sessionmaker[Session], db_url: str) -> None:
    code, out = run(db_url, "escalate", "--as-of", "2015-13-01")
    assert code == 2
    assert "'2015-13-01' is not a date; write YYYY-MM-DD." in out


def test_escalate_on_an_uninitialised_database_says_to_run_init(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    sqlite3.connect(tmp_path / "empty.sqlite3").close()
    code, out = run(f"sqlite:///{tmp_path / 'empty.sqlite3'}", "escalate")
    assert code == 1
    assert "not initialised; run 'dondoc init' first." in out
