"""Accounts under attack (issue 18): a new password ends sessions; names unique ignoring case."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from engine import auth, db
from engine.errors import Conflict
from engine.users import add_user
from tests.words import refused

PASSWORD = "correct horse battery"


def test_a_new_password_ends_every_browser_session_of_that_user_only(
    kon_tum: sessionmaker[Session],
) -> None:
    with db.transaction(kon_tum) as s:
        auth.set_password(s, "lan", PASSWORD)
        mine = [auth.start_session(s, "lan") for _ in range(2)]
        theirs = auth.start_session(s, "hung")
        token = auth.issue_token(s, "lan").secret
    with db.transaction(kon_tum) as s:
        auth.set_password(s, "lan", "another long password")
    with db.transaction(kon_tum) as s:
        for secret in mine:
            with refused(auth.AuthenticationFailed, "session"):
                auth.user_for_session(s, secret)
        assert auth.user_for_session(s, theirs).name == "hung"
        # API tokens are separate credentials, revoked on their own.
        assert auth.user_for_token(s, token).name == "lan"
        again = auth.start_session(s, "lan")
        assert auth.user_for_session(s, again).name == "lan"


def test_a_name_differing_only_in_case_is_taken(kon_tum: sessionmaker[Session]) -> None:
    with db.transaction(kon_tum) as s, refused(Conflict, "A user named 'lan' already exists."):
        add_user(s, "LAN", "kon-tum/sct", "viewer")
