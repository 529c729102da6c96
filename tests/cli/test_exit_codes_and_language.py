"""The command line's exit statuses come from the error, and its words from the catalog.

0: done; 1: refused (one sentence on stderr); 2: a usage error (click's);
3: a check ran and found a mismatch (``catalog check-budget``). The CLI
speaks Vietnamese unless ``--lang en`` or ``DONDOC_LANG=en`` asks otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import Result
from sqlalchemy.orm import Session, sessionmaker

Run = Callable[..., Result]


@pytest.fixture
def loaded(run: Run) -> Run:
    assert run("catalog", "load", "kon-tum-2013").exit_code == 0
    assert (
        run("users", "add", "hung", "--agency", "kon-tum/sct", "--role", "officer").exit_code == 0
    )
    return run


def test_a_budget_that_does_not_add_up_exits_3_after_printing_the_table(run: Run) -> None:
    result = run("catalog", "check-budget", "nghe-an-2017")
    assert result.exit_code == 3
    assert "Mismatch: group 5: stated 130 million VND but its lines add to 100 million VND" in (
        result.stdout
    )
    assert result.stderr == "Error: 2 stated total(s) of nghe-an-2017 do not match their lines.\n"


def test_the_json_of_a_budget_check_is_whole_and_the_status_still_says_3(run: Run) -> None:
    result = run("catalog", "check-budget", "nghe-an-2017", "--json")
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert {m["scope"] for m in data["mismatches"]} == {"group 5", "plan total"}


def test_a_plan_without_a_budget_passes_the_check(run: Run) -> None:
    result = run("catalog", "check-budget", "kon-tum-2013")
    assert (result.exit_code, result.stdout) == (0, "kon-tum-2013 has no budget lines.\n")


def test_a_refusal_exits_1_and_a_usage_error_2(loaded: Run) -> None:
    refused = loaded("show", "kon-tum-2013:9.9")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: Plan kon-tum-2013 has no task '9.9'")
    assert loaded("tasks", "--no-such-option").exit_code == 2


def test_the_audit_is_refused_to_an_officer_as_on_the_board(loaded: Run) -> None:
    refused = loaded("--as", "hung", "audit", "verify")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Error: hung (officer) may not run the audit; only coordinators verify the history.\n"
    )
    # Without --as the command line acts as the administrator holding the database.
    assert loaded("audit", "verify").exit_code == 0


def test_an_audit_of_an_unknown_plan_is_an_error_not_an_intact_history(loaded: Run) -> None:
    result = loaded("audit", "verify", "--plan", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No plan 'nope' in the database")


def test_the_command_line_speaks_vietnamese_by_default(
    loaded: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DONDOC_LANG")
    table = loaded("tasks", "--plan", "kon-tum-2013", "--as-of", "2015-03-16")
    head = table.stdout.splitlines()[0].split()
    assert head[:3] == ["MÃ", "TÊN", "TRẠNG"]
    assert "Quá hạn" in table.stdout and "Đang dự thảo" in table.stdout
    assert table.stdout.rstrip().endswith("48 lần thực hiện.")
    refused = loaded("show", "kon-tum-2013:9.9")
    assert refused.stderr.startswith("Lỗi: Kế hoạch kon-tum-2013 không có nhiệm vụ '9.9'")
    english = loaded("--lang", "en", "tasks", "--plan", "kon-tum-2013", "--as-of", "2015-03-16")
    assert english.stdout.splitlines()[0].split()[:2] == ["REF", "TITLE"]
    assert "Overdue" in english.stdout and "Drafting" in english.stdout


def test_json_keeps_the_codes_scripts_rely_on_whatever_the_language(loaded: Run) -> None:
    rows = json.loads(loaded("--lang", "vi", "tasks", "--plan", "kon-tum-2013", "--json").stdout)
    assert {r["status_category"] for r in rows} <= {
        "completed-on-time", "completed-late", "in-progress", "overdue", "not-started",
        "suspended", "cancelled",
    }  # fmt: skip
    record = json.loads(loaded("--lang", "en", "show", "kon-tum-2013:2.1", "--json").stdout)
    assert record["state"] == "drafting"
    assert record["state_label"] == "Đang dự thảo"  # the Vietnamese label, as it always was
    consult = next(t for t in record["allowed"] if t["trigger"] == "consult")
    assert (consult["label_vi"], consult["label_en"]) == ("Gửi lấy ý kiến", "Send for consultation")


def test_vietnamese_tables_show_agency_names_and_days_as_people_write_them(
    kon_tum: sessionmaker[Session], run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DONDOC_LANG")
    listed = run("tasks", "--plan", "kon-tum-2013", "--as-of", "2015-03-16").output
    assert "31/12/2014" in listed and "Sở Công Thương" in listed
    assert "kon-tum/sct" not in listed and "2014-12-31" not in listed
    shown = run("show", "kon-tum-2013:2.1").output
    assert "chủ trì    Sở Công Thương" in shown and "thời gian  24/10/2013 .. 31/12/2014" in shown
    users = run("users", "list").output
    assert "Cán bộ điều phối" in users and "kon-tum/sct" not in users
    # Scripts keep the codes.
    assert '"owner": "kon-tum/sct"' in run("tasks", "--plan", "kon-tum-2013", "--json").output
