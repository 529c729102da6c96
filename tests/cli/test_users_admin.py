"""Issue 13 at the command line: the board's account actions, with the same rules and record."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import auth, db
from engine.models import User
from engine.users import add_user, get_user
from tests.conftest import Run
from tests.words import refused


def test_an_administrator_manages_an_account_and_every_change_is_recorded(
    kon_tum: sessionmaker[Session], run: Run
) -> None:
    added = run(
        "users", "add", "binh", "--agency", "quang-ngai/sct", "--role", "officer",
        "--full-name", "Trần Văn Bình", "--email", "binh@quangngai.gov.vn",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert run("users", "set", "binh", "--role", "viewer").exit_code == 0
    one_time = run(
        "users", "passwd", "binh", "--password-stdin", "--one-time", input="tạm thời 2026 một lần"
    )
    assert one_time.exit_code == 0, one_time.output
    assert run("users", "disable", "binh").exit_code == 0
    with db.transaction(kon_tum) as s:
        binh = get_user(s, "binh")
        assert (binh.full_name, binh.role, binh.active, binh.must_change_password) == (
            "Trần Văn Bình",
            "viewer",
            False,
            True,
        )
    assert run("users", "enable", "binh").exit_code == 0
    record = json.loads(run("users", "changes", "--province", "quang-ngai", "--json").output)
    assert [r["action"] for r in record] == [
        "enabled",
        "disabled",
        "one_time_password",
        "role",
        "created",
    ]
    assert {r["actor"] for r in record} == {"system"}
    assert record[3]["details"] == {"before": "officer", "after": "viewer"}


def test_with_as_the_board_rules_hold_at_the_command_line(
    kon_tum: sessionmaker[Session], run: Run
) -> None:
    # An officer may not manage people; a coordinator not those of another province.
    refused_add = run(
        "users", "add", "x1", "--agency", "kon-tum/sct", "--role", "viewer", user="hung"
    )
    assert refused_add.exit_code == 1
    assert "may not manage" in refused_add.output
    assert run("users", "disable", "lan", user="lan").exit_code == 1
    assert "cannot disable his own account" in run("users", "disable", "lan", user="lan").output
    assert (
        run("users", "add", "qn", "--agency", "quang-ngai/sct", "--role", "coordinator").exit_code
        == 0
    )
    other = run("users", "token", "hung", user="qn")
    assert other.exit_code == 1
    # A coordinator of an ended agency's province cannot put a newcomer in an ended agency.
    ended = run("users", "add", "x2", "--agency", "kon-tum/sct", "--role", "viewer", user="lan")
    assert ended.exit_code == 1 and "has ended" in ended.output
    with db.transaction(kon_tum) as s, refused(auth.AuthenticationFailed, "password"):
        auth.check_password(s, "x2", "whatever it is 123")


def test_users_list_json_streams_every_account_by_name(
    kon_tum: sessionmaker[Session], run: Run
) -> None:
    # More accounts than one read of the stream (a thousand): a national deployment has 10,000.
    with db.transaction(kon_tum) as s:
        for i in range(1_200):
            add_user(s, f"officer-{i:04d}", "quang-ngai/stc", "officer")
        expected = [
            {"name": u.name, "agency": u.agency_code, "role": u.role}
            for u in s.scalars(select(User).order_by(User.name))
        ]
    listed = run("users", "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output) == expected
    assert len(expected) > 1_200
    # Byte for byte the array an ordinary JSON dump of the list writes.
    assert listed.output == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
