"""``dondoc progress`` and ``dondoc extension`` as a person types them."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import Run
from tests.cycle.conftest import PLAN


def test_a_period_is_reported_listed_and_closed(nghe_an: sessionmaker[Session], run: Run) -> None:
    ref = f"{PLAN}:1.5"
    done = run(
        "progress", "submit", ref, "--period", "2018-H1", "--status-text", "Đã khảo sát 40 cơ sở",
        "--percent", "45", "--figure", "awareness-2020=35", "--at", "2018-06-10", user="ha",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "first half of 2018" in done.output and "version 1" in done.output
    listed = run("progress", "list", "--plan", PLAN, "--period", "2018-H1", "--json")
    data = json.loads(listed.output)
    assert data["period"]["deadline"] == "2018-06-14"
    mine = next(r for r in data["occurrences"] if r["ref"] == ref)
    assert (mine["reported"], mine["on_time"], mine["report"]["percent"]) == (True, True, 45)
    assert mine["report"]["figures"] == {"awareness-2020": 35}
    # ``show`` words the occurrence's reports too (engine.progress, imported only then).
    shown = json.loads(run("show", ref, "--json").output)["reports"]
    assert [(r["period"], r["version"], r["percent"], r["agency"]) for r in shown] == [
        ("2018-H1", 1, 45, mine["report"]["agency"])
    ]
    missing = run("progress", "list", "--plan", PLAN, "--period", "2018-H1", "--missing")
    assert ref not in missing.output and f"{PLAN}:1.4" in missing.output
    assert "Not reported" in missing.output
    refused = run("progress", "close", "--plan", PLAN, "--period", "2018-H1", user="binh")
    assert refused.exit_code != 0 and "Traceback" not in refused.output
    assert run("progress", "close", "--plan", PLAN, "--period", "2018-H1", user="ha").exit_code == 0
    late = run(
        "--lang", "vi", "progress", "submit", ref, "--period", "2018-H1", "--status-text", "Sửa",
        user="khoa",
    )  # fmt: skip
    assert late.exit_code != 0
    assert "Kỳ báo cáo 2018-H1 đã khóa" in late.output


def test_bad_input_is_one_sentence(nghe_an: sessionmaker[Session], run: Run) -> None:
    ref = f"{PLAN}:1.5"
    for args in (
        ("--period", "2018-H3", "--status-text", "x"),
        ("--period", "2018", "--status-text", "x", "--figure", "khong-co=1"),
        ("--period", "2025", "--status-text", "x"),
    ):
        result = run("progress", "submit", ref, *args, user="khoa")
        assert result.exit_code != 0
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_an_extension_is_asked_shortened_and_listed(
    nghe_an: sessionmaker[Session], run: Run
) -> None:
    ref = f"{PLAN}:1.5"
    asked = run(
        "extension", "request", ref, "--until", "2019-06-30", "--reason", "Chờ kinh phí",
        user="khoa",
    )  # fmt: skip
    assert asked.exit_code == 0, asked.output
    again = run(
        "extension", "request", ref, "--until", "2019-05-30", "--reason", "Lần hai", user="khoa"
    )
    assert again.exit_code != 0 and "waiting for a decision" in again.output
    decided = run("extension", "decide", ref, "approve", "--until", "2019-03-31", user="ha")
    assert decided.exit_code == 0, decided.output
    assert "2019-03-31" in decided.output and "2018-12-31" in decided.output
    shown = json.loads(run("extension", "list", "--plan", PLAN, "--json").output)
    assert [(r["ref"], r["status"], r["granted_due"]) for r in shown] == [
        (ref, "approved", "2019-03-31")
    ]
    task = json.loads(run("show", ref, "--json").output)
    assert (task["window"]["due"], task["original_due"]) == ("2019-03-31", "2018-12-31")
    assert task["extensions"][0]["status"] == "approved"
    shown = run("--lang", "vi", "show", ref).output
    assert "hạn ban đầu 31/12/2018, gia hạn đến 31/03/2019" in shown
