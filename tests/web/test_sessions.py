"""Browser sessions are kept apart from API tokens, and expired rows are pruned in bounded steps."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from cli import cli
from engine import auth, db
from engine.errors import NotFound
from engine.models import ApiToken, LoginFailure, User
from tests.words import refused

T0 = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)


def count(factory: sessionmaker[Session], model: type, *where: object) -> int:
    with db.transaction(factory) as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_the_token_list_shows_api_tokens_and_not_browser_sessions(
    kon_tum: sessionmaker[Session], db_url: str
) -> None:
    with db.transaction(kon_tum) as s:
        api = auth.issue_token(s, "lan")
        auth.start_session(s, "lan")
        auth.start_session(s, "lan")
    listed = CliRunner().invoke(cli, ["--db", db_url, "users", "token", "lan", "--list"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{api.id}  created")
    with db.transaction(kon_tum) as s:
        assert [t.id for t in auth.list_tokens(s, "lan")] == [api.id]
        kinds = sorted(s.scalars(select(ApiToken.kind)))
    assert kinds == ["api", "session", "session"]


def test_a_session_cannot_be_revoked_as_an_api_token_by_its_number(
    kon_tum: sessionmaker[Session],
) -> None:
    with db.transaction(kon_tum) as s:
        secret = auth.start_session(s, "lan")
        session_id = s.scalar(select(ApiToken.id).where(ApiToken.kind == "session"))
        assert session_id is not None
    with db.transaction(kon_tum) as s, refused(NotFound, "has no token"):
        auth.revoke_token(s, "lan", session_id)
    with db.transaction(kon_tum) as s:
        assert auth.user_for_session(s, secret).name == "lan"


def test_starting_a_session_prunes_expired_sessions_a_batch_at_a_time(
    kon_tum: sessionmaker[Session],
) -> None:
    with db.transaction(kon_tum) as s:
        lan = s.scalar(select(User.id).where(User.name == "lan"))
        assert lan is not None
        for n in range(auth.PRUNE_BATCH + 5):
            s.add(ApiToken(user_id=lan, token_hash=f"old-{n}", kind="session", created_at=T0))
        api = auth.issue_token(s, "lan")
        s.execute(update(ApiToken).where(ApiToken.id == api.id).values(created_at=T0))
        fresh = auth.start_session(s, "hung", now=T0 + auth.SESSION_LIFETIME)
    later = T0 + auth.SESSION_LIFETIME + dt.timedelta(minutes=1)
    with db.transaction(kon_tum) as s:
        auth.start_session(s, "minh", now=later)
    # One batch went, the rest waits for the next sign-in; the old API token stays.
    assert count(kon_tum, ApiToken, ApiToken.created_at == T0, ApiToken.kind == "session") == 5
    with db.transaction(kon_tum) as s:
        auth.start_session(s, "minh", now=later)
    assert count(kon_tum, ApiToken, ApiToken.created_at == T0, ApiToken.kind == "session") == 0
    assert count(kon_tum, ApiToken, ApiToken.kind == "api") == 1
    with db.transaction(kon_tum) as s:
        # A session that has not expired yet is kept.
        assert auth.user_for_session(s, fresh, now=later).name == "hung"


def test_a_failed_sign_in_prunes_failures_older_than_the_throttle_window(
    kon_tum: sessionmaker[Session],
) -> None:
    with db.transaction(kon_tum) as s:
        for n in range(auth.PRUNE_BATCH + 3):
            s.add(LoginFailure(user_name=f"guess-{n}", at=T0))
        s.add(LoginFailure(user_name="recent", at=T0 + auth.FAILURE_WINDOW))
    later = T0 + auth.FAILURE_WINDOW + dt.timedelta(seconds=1)
    with db.transaction(kon_tum) as s, pytest.raises(auth.AuthenticationFailed):
        auth.check_password(s, "nobody", "wrong password!", now=later)
    assert count(kon_tum, LoginFailure, LoginFailure.at == T0) == 3
    with db.transaction(kon_tum) as s, pytest.raises(auth.AuthenticationFailed):
        auth.check_password(s, "nobody", "wrong password!", now=later)
    assert count(kon_tum, LoginFailure, LoginFailure.at == T0) == 0
    # Failures inside the window still count towards throttling.
    assert count(kon_tum, LoginFailure, LoginFailure.user_name == "recent") == 1
    assert count(kon_tum, LoginFailure, LoginFailure.user_name == "nobody") == 2
