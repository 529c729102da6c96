"""Issue 14's "Done when", as a user runs it: quickstart in 2026, then Kon Tum's work is Quảng Ngãi's."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import Run

REF = "kon-tum-2013:4.3@2020"


def _rows(run: Run, *args: str) -> list[dict]:
    result = run("tasks", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_after_quickstart_kon_tum_work_is_owed_by_quang_ngai_and_the_past_keeps_its_names(
    run: Run,
) -> None:
    assert run("quickstart").exit_code == 0

    now = _rows(run, "--agency", "quang-ngai/sct", "--status", "overdue")
    assert {r["plan"] for r in now} == {"kon-tum-2013"}
    assert len(now) == 48
    assert all(r["owner"] == "quang-ngai/sct" for r in now if r["code"] == "2.1")
    assert _rows(run, "--agency", "kon-tum/sct") == []

    then = _rows(run, "--agency", "kon-tum/sct", "--as-of", "2024-06-01")
    # Under the old name: what Kon Tum's SCT itself held (the support team's work,
    # 1.2, passed to Quảng Ngãi's SCT too).
    assert {r["ref"] for r in then} < {r["ref"] for r in now}
    assert "kon-tum-2013:1.2@2013" not in {r["ref"] for r in then}
    assert {r["owner"] for r in then if r["code"] == "2.1"} == {"kon-tum/sct"}

    shown = json.loads(run("show", "kon-tum-2013:2.1", "--json").output)
    succeeded = [h for h in shown["history"] if h["trigger"] == "succeed"]
    assert {(h["actor"], h["at"][:10]) for h in succeeded} == {("system", "2025-06-30")}
    assert {h["fields"]["basis"] for h in succeeded} == {"202/2025/QH15"}
    assert {"kon-tum/sct"} <= {h["fields"]["from_agencies"] for h in succeeded}
    assert shown["owner"] == "quang-ngai/sct"
    assert shown["responsible"] == "quang-ngai/sct"
    text = run("show", "kon-tum-2013:2.1").output
    assert "The system: passed to the successor agency" in text and "202/2025/QH15" in text
    assert "Previous agencies: Kon Tum Department of Industry and Trade" in text

    # The sweep of quickstart pressed Quảng Ngãi's committee, never Kon Tum's.
    targets = {e["target"] for e in shown["escalations"]}
    assert targets == {"quang-ngai/sct", "quang-ngai/ubnd"}

    verified = run("audit", "verify")
    assert verified.exit_code == 0, verified.output


def test_an_officer_of_the_successor_acts_and_one_of_the_dissolved_agency_cannot(run: Run) -> None:
    assert run("quickstart").exit_code == 0
    assert (
        run("users", "add", "nga", "--agency", "quang-ngai/snnmt", "--role", "officer").exit_code
        == 0
    )
    assert (
        run("users", "add", "binh", "--agency", "kon-tum/stnmt", "--role", "officer").exit_code == 0
    )

    refused = run("advance", REF, "select", "--field", "facility=X", user="binh")
    assert refused.exit_code != 0
    assert "Kon Tum Department of Natural Resources and Environment has ended" in refused.output

    done = run("advance", REF, "select", "--field", "facility=X", user="nga")
    assert done.exit_code == 0, done.output

    dissolved = json.loads(run("users", "list", "--dissolved", "--json").output)
    assert dissolved == [
        {
            "name": "binh",
            "agency": "kon-tum/stnmt",
            "until": "2025-02-28",
            "successor": "quang-ngai/snnmt",
            "role": "officer",
        }
    ]
    moved = run("users", "move", "binh", "--agency", "quang-ngai/snnmt")
    assert moved.exit_code == 0, moved.output
    assert json.loads(run("users", "list", "--dissolved", "--json").output) == []
    assert run("advance", REF, "comment", "--note", "ok", user="binh").exit_code == 0
    assert run("audit", "verify").exit_code == 0


def test_a_dry_run_succession_prints_what_would_move_and_writes_nothing(run: Run) -> None:
    assert run("quickstart").exit_code == 0
    before = run("show", "kon-tum-2013:2.1", "--json").output
    args = ["agencies", "succeed", "quang-ngai/sct", "--by", "quang-ngai/skhcn"]
    args += ["--on", "2026-01-01", "--basis", "1/2026/TEST", "--json"]
    preview = json.loads(run(*args, "--dry-run").output)
    assert preview["dry_run"] is True
    moved = {m["ref"]: m for m in preview["moves"]}
    assert moved["kon-tum-2013:2.1"]["to"][0] == "quang-ngai/skhcn"
    assert moved["kon-tum-2013"]["kind"] == "plan"
    assert run("show", "kon-tum-2013:2.1", "--json").output == before
    assert all(
        r["owner"] == "quang-ngai/sct"
        for r in _rows(run, "--plan", "kon-tum-2013")
        if r["code"] == "2.1"
    )

    applied = json.loads(run(*args).output)
    assert applied["applied"] is True and len(applied["moves"]) == len(preview["moves"])
    assert json.loads(run("show", "kon-tum-2013:2.1", "--json").output)["owner"] == (
        "quang-ngai/skhcn"
    )
    again = run(*args)
    assert again.exit_code == 1
    assert "already recorded" in again.output
    assert run("audit", "verify").exit_code == 0


def test_init_on_a_database_with_older_history_follows_the_successions_and_the_audit_holds(
    kon_tum: sessionmaker[Session], run: Run
) -> None:
    # History of its time: a step of 2014 and the escalations of 2016, to Kon Tum's bodies.
    assert (
        run("advance", "kon-tum-2013:2.1", "consult", "--at", "2014-03-03", user="lan").exit_code
        == 0
    )
    assert run("escalate", "--as-of", "2016-06-20").exit_code == 0
    upgraded = run("init")
    assert upgraded.exit_code == 0
    assert "items to their successor agencies" in upgraded.output
    assert run("audit", "verify").exit_code == 0
    swept = json.loads(run("escalate", "--as-of", "2026-12-01", "--json").output)
    assert swept and not any(r["target"].startswith("kon-tum/") for r in swept)
    shown = json.loads(run("show", "kon-tum-2013:2.1", "--json").output)
    assert {e["target"] for e in shown["escalations"]} == {"kon-tum/sct", "kon-tum/ubnd"}
    assert [h["trigger"] for h in shown["history"]][:2] == ["create", "consult"]
    assert shown["owner"] == "quang-ngai/sct"
    assert run("init").output.count("successor") == 0
