"""The issue-8 commands: token listing and revocation, and serve's refusal of a bare database."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy.orm import Session, sessionmaker

from cli import cli
from engine import auth, db
from tests.words import refused


def test_a_token_is_listed_then_revoked_from_the_command_line(
    kon_tum: sessionmaker[Session], db_url: str
) -> None:
    runner = CliRunner()
    issued = runner.invoke(cli, ["--db", db_url, "users", "token", "hung"])
    assert issued.exit_code == 0, issued.output
    token_id = issued.output.split()[1]
    secret = issued.output.strip().splitlines()[-1]
    listed = runner.invoke(cli, ["--db", db_url, "users", "token", "hung", "--list"])
    assert f"{token_id}  created" in listed.output and "active" in listed.output
    revoked = runner.invoke(cli, ["--db", db_url, "users", "token", "hung", "--revoke", token_id])
    assert revoked.exit_code == 0
    assert revoked.output == f"Token {token_id} of hung revoked.\n"
    with db.transaction(kon_tum) as s, refused(auth.AuthenticationFailed, "revoked"):
        auth.user_for_token(s, secret)
    other = runner.invoke(cli, ["--db", db_url, "users", "token", "minh", "--revoke", token_id])
    assert other.exit_code == 1
    assert f"minh has no token {token_id}" in other.output


def test_serve_refuses_a_database_that_is_not_initialised(tmp_path: Path) -> None:
    import sqlite3

    sqlite3.connect(tmp_path / "empty.sqlite3").close()
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "empty.sqlite3"), "serve"])
    assert result.exit_code == 1
    assert "is not initialised; run 'dondoc init' first." in result.output
