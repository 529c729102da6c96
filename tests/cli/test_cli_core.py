"""The command line contract, driven through CliRunner against both databases."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from cli import cli

Run = Callable[..., Result]


@pytest.fixture
def loaded(run: Run) -> Run:
    # Loaded today, after the 2025 reorganisation: Kon Tum's plan is Quảng Ngãi's
    # Sở Công Thương's to coordinate (engine.succession); minh's Sở TN&MT has ended.
    assert run("catalog", "load", "kon-tum-2013").exit_code == 0
    assert (
        run("users", "add", "lan", "--agency", "quang-ngai/sct", "--role", "coordinator").exit_code
        == 0
    )
    assert (
        run("users", "add", "minh", "--agency", "kon-tum/stnmt", "--role", "officer").exit_code == 0
    )
    return run


def _count(db_url: str, sql: str) -> int:
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def test_loading_kon_tum_reports_what_it_created(run: Run) -> None:
    result = run("catalog", "load", "kon-tum-2013")
    assert result.exit_code == 0
    assert result.output.startswith("Loaded kon-tum-2013: 13 task(s) added")
    again = run("catalog", "load", "kon-tum-2013")
    assert again.output.strip() == "kon-tum-2013 is already loaded and unchanged."


def test_tasks_json_rows_carry_the_contract_keys(loaded: Run) -> None:
    result = loaded("tasks", "--plan", "kon-tum-2013", "--as-of", "2015-03-16", "--json")
    rows = json.loads(result.output)
    assert {"ref", "code", "title", "workflow", "state", "status_category", "due", "owner"} <= set(
        rows[0]
    )
    assert [r["ref"] for r in rows][:3] == [
        "kon-tum-2013:1.1",
        "kon-tum-2013:1.2@2013",
        "kon-tum-2013:1.2@2014",
    ]
    overdue = [r["ref"] for r in rows if r["status_category"] == "overdue"]
    assert len(overdue) == 13


def test_show_json_carries_the_contract_keys(loaded: Run) -> None:
    rec = json.loads(loaded("show", "kon-tum-2013:2.1", "--json").output)
    assert {
        "ref",
        "plan",
        "code",
        "title",
        "workflow",
        "state",
        "status_category",
        "window",
        "owner",
        "leads",
        "co_agencies",
        "allowed",
        "history",
    } <= set(rec)
    assert rec["window"] == {
        "start": "2013-10-24",
        "due": "2014-12-31",
        "planned_due": "2014-12-31",
    }
    assert {"trigger": "consult", "dest": "consulting", "requires": []}.items() <= rec["allowed"][
        0
    ].items()
    # Created from the catalog, then passed to Quảng Ngãi on 1/7/2025.
    assert [h["trigger"] for h in rec["history"]] == ["create", "succeed", "succeed"]
    assert set(rec["history"][0]) >= {"at", "actor", "trigger", "from", "to", "note", "fields"}


def test_the_readme_tour_walks_the_directive_to_issued_and_the_audit_holds(loaded: Run) -> None:
    for trigger in ("consult", "appraise", "submit"):
        assert loaded("advance", "kon-tum-2013:2.1", trigger, user="lan").exit_code == 0
    result = loaded(
        "advance",
        "kon-tum-2013:2.1",
        "issue",
        "--field",
        "document_number=05/CT-UBND",
        "--field",
        "document_date=2014-06-10",
        user="lan",
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        # Version 2 came with the succession of 1/7/2025 (engine.succession).
        "kon-tum-2013:2.1: Submitted for signature -> Issued (Issue), version 6."
    )
    rec = json.loads(loaded("show", "kon-tum-2013:2.1", "--json").output)
    assert rec["state"] == "issued"
    assert rec["history"][-1]["fields"] == {
        "document_number": "05/CT-UBND",
        "document_date": "2014-06-10",
    }
    verified = loaded("audit", "verify")
    assert verified.exit_code == 0
    assert verified.output.startswith("History intact:")


ERRORS = [
    (
        ("advance", "kon-tum-2013:2.1", "issue"),
        "lan",
        "Error: Can't issue when in drafting; allowed here: consult, cancel, suspend.\n",
    ),
    (("advance", "kon-tum-2013:2.1", "consult"), "minh", None),
    (
        ("advance", "kon-tum-2013:2.1", "consult"),
        None,
        "Error: No acting user given; pass --as NAME or set DONDOC_USER ('dondoc users list' shows them).\n",
    ),
    (
        ("advance", "kon-tum-2013:2.1", "consult"),
        "nobody",
        "Error: No user named 'nobody'; add one with 'dondoc users add'.\n",
    ),
    (("show", "kon-tum-2013:2.3"), None, None),
    (("show", "kon-tum-2013:1.2"), None, None),
    (("show", "'; DROP TABLE events; --"), None, None),
    (("tasks", "--status", "late"), None, None),
    (("catalog", "load", "no-such-plan-1999"), None, None),
    (("users", "add", "x", "--agency", "kon-tum/nope", "--role", "viewer"), None, None),
]


@pytest.mark.parametrize(("args", "who", "exact"), ERRORS)
def test_errors_are_one_sentence_on_stderr_with_exit_1_and_change_nothing(
    loaded: Run, db_url: str, args: tuple[str, ...], who: str | None, exact: str | None
) -> None:
    before = _count(db_url, "select count(*) from events") + _count(
        db_url, "select sum(version) from occurrences"
    )
    result = loaded(*args, user=who)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    if exact:
        assert result.stderr == exact
    after = _count(db_url, "select count(*) from events") + _count(
        db_url, "select sum(version) from occurrences"
    )
    assert after == before


def test_a_malformed_date_is_a_usage_error_with_exit_2(loaded: Run) -> None:
    result = loaded("tasks", "--as-of", "16/03/2015")
    assert result.exit_code == 2
    assert "is not a date; write YYYY-MM-DD" in result.stderr


def test_a_missing_field_names_it_and_the_option_to_use(loaded: Run) -> None:
    result = loaded("advance", "kon-tum-2013:2.1", "suspend", user="lan")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "Error: To suspend kon-tum-2013:2.1 give reason (e.g. --field reason=...).\n"
    )


def test_audit_verify_exits_1_naming_the_edited_event(loaded: Run, db_url: str) -> None:
    loaded("advance", "kon-tum-2013:2.1", "consult", "--note", "gửi các sở", user="lan")
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("update events set note = 'sửa lén' where trigger = 'consult'"))
    engine.dispose()
    result = loaded("audit", "verify")
    assert result.exit_code == 1
    # #1 created it, #2 and #3 passed it to Quảng Ngãi (1/7/2025), #4 is the consult.
    assert result.stderr.startswith("Error: History tampered: kon-tum-2013:2.1: event #4 (id ")
    assert result.stderr.endswith("was edited after it was recorded.\n")


def test_an_uninitialised_database_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    result = CliRunner().invoke(cli, ["--db", str(empty), "tasks"])
    assert result.exit_code == 1
    assert result.stderr.endswith("is not initialised; run 'dondoc init' first.\n")


def test_a_mistyped_database_path_is_refused_without_creating_anything(tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "no-such-folder" / "dondoc.sqlite3"
    result = CliRunner().invoke(cli, ["--db", str(missing), "tasks"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: There is no database at {missing}; run 'dondoc init' first, or check --db.\n"
    )
    assert not missing.parent.exists()
    created = CliRunner().invoke(cli, ["--db", str(missing), "init"])
    assert created.exit_code == 0
    assert missing.exists()


def test_an_unreachable_database_is_a_clear_error() -> None:
    result = CliRunner().invoke(cli, ["--db", "postgresql://nobody@127.0.0.1:1/none", "tasks"])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: Cannot open the database at postgresql+psycopg://nobody@127.0.0.1:1/none"
    )
    assert "Traceback" not in result.output


def test_workflows_show_prints_a_mermaid_state_diagram(run: Run) -> None:
    result = run("workflows", "show", "directive", "--format", "mermaid")
    assert result.exit_code == 0
    assert result.output.startswith("stateDiagram-v2")
    assert "[*] --> drafting" in result.output
    listed = json.loads(run("workflows", "list", "--json").output)
    assert sorted(w["name"] for w in listed) == [
        "demo_model",
        "directive",
        "generic",
        "recurring_activity",
        "support_team",
        "survey",
        "system_build",
    ]


def test_show_prints_history_times_in_vietnam_time(loaded: Run) -> None:
    result = loaded(
        "advance", "kon-tum-2013:2.1", "consult", "--at", "2014-03-03T08:30", user="lan"
    )
    assert result.exit_code == 0, result.output
    text = loaded("show", "kon-tum-2013:2.1").output
    # --at without a zone is Vietnam time; stored as 01:30 UTC, shown as 08:30 again.
    assert "    2014-03-03 08:30  lan" in text
    rec = json.loads(loaded("show", "kon-tum-2013:2.1", "--json").output)
    assert rec["history"][-1]["at"] == "2014-03-03T01:30:00+00:00"


def test_tasks_pages_with_limit_and_offset(loaded: Run) -> None:
    args = ("tasks", "--plan", "kon-tum-2013", "--as-of", "2015-03-16", "--json")
    whole = json.loads(loaded(*args).output)
    page = json.loads(loaded(*args, "--limit", "5", "--offset", "3").output)
    assert page == whole[3:8]
    table = loaded("tasks", "--plan", "kon-tum-2013", "--limit", "5", "--as-of", "2015-03-16")
    assert f"5 occurrences from row 1, of {len(whole)} in all." in table.output
    refused = loaded("tasks", "--limit", "0")
    assert refused.exit_code == 1 and "1 to 1000 rows" in refused.output
