"""Passwords, throttled sign-in and API tokens, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cli import cli
from engine import auth, db
from engine.errors import InvalidInput
from engine.models import ApiToken, User
from tests.words import refused

PASSWORD = "correct horse battery"


def test_a_password_is_stored_only_as_an_argon2_hash(kon_tum: sessionmaker[Session]) -> None:
    with db.transaction(kon_tum) as s:
        auth.set_password(s, "lan", PASSWORD)
    with db.transaction(kon_tum) as s:
        stored = s.scalar(select(User.password_hash).where(User.name == "lan"))
        assert stored is not None and stored.startswith("$argon2id$")
        assert PASSWORD not in stored
        assert auth.check_password(s, "lan", PASSWORD).name == "lan"


def test_a_short_password_is_refused(kon_tum: sessionmaker[Session]) -> None:
    with db.transaction(kon_tum) as s, refused(InvalidInput, "at least 10"):
        auth.set_password(s, "lan", "short")


def test_five_failures_lock_the_name_even_for_the_right_password(
    kon_tum: sessionmaker[Session],
) -> None:
    with db.transaction(kon_tum) as s:
        auth.set_password(s, "lan", PASSWORD)
    now = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
    for _ in range(auth.MAX_FAILURES):
        with db.transaction(kon_tum) as s, pytest.raises(auth.AuthenticationFailed):
            auth.check_password(s, "lan", "wrong password!", now=now)
    with db.transaction(kon_tum) as s, refused(auth.Throttled, "wait 15 minutes"):
        auth.check_password(s, "lan", PASSWORD, now=now)
    later = now + auth.FAILURE_WINDOW + dt.timedelta(seconds=1)
    with db.transaction(kon_tum) as s:
        assert auth.check_password(s, "lan", PASSWORD, now=later).name == "lan"


def test_a_user_without_a_password_cannot_sign_in(kon_tum: sessionmaker[Session]) -> None:
    with db.transaction(kon_tum) as s, refused(auth.AuthenticationFailed, "wrong"):
        auth.check_password(s, "hung", "")


def test_a_token_is_stored_hashed_and_stops_working_when_revoked(
    kon_tum: sessionmaker[Session],
) -> None:
    with db.transaction(kon_tum) as s:
        issued = auth.issue_token(s, "minh")
    with db.transaction(kon_tum) as s:
        assert auth.user_for_token(s, issued.secret).name == "minh"
        hashes = list(s.scalars(select(ApiToken.token_hash)))
        assert issued.secret not in hashes
        auth.revoke_token(s, "minh", issued.id)
    with db.transaction(kon_tum) as s, refused(auth.AuthenticationFailed, "revoked"):
        auth.user_for_token(s, issued.secret)


def test_the_cli_sets_a_password_from_stdin_and_issues_a_token(
    kon_tum: sessionmaker[Session], db_url: str
) -> None:
    runner = CliRunner()
    done = runner.invoke(
        cli, ["--db", db_url, "users", "passwd", "thu", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert done.exit_code == 0, done.output
    assert PASSWORD not in done.output
    token = runner.invoke(cli, ["--db", db_url, "users", "token", "thu"])
    assert token.exit_code == 0, token.output
    secret = token.output.strip().splitlines()[-1]
    with db.transaction(kon_tum) as s:
        assert auth.check_password(s, "thu", PASSWORD).name == "thu"
        assert auth.user_for_token(s, secret).name == "thu"
    short = runner.invoke(
        cli, ["--db", db_url, "users", "passwd", "thu", "--password-stdin"], input="abc\n"
    )
    assert short.exit_code == 1
    assert "too short" in short.output
