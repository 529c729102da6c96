"""Fixtures for the web tests: the Kon Tum database behind a running app, and credentials."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine import auth, db
from web.app import create_app

PASSWORD = "mật khẩu đủ dài 2014"
SECRET = "test-secret-key-for-signing-cookies"


@pytest.fixture
def client(kon_tum: sessionmaker[Session], db_url: str) -> Iterator[TestClient]:
    """A client of the app over the Kon Tum database; the API answers it in English.

    ``Accept-Language: en`` chooses the API's language (the board's pages take
    theirs from ``?lang=`` and the ``lang`` cookie, Vietnamese by default).
    """
    app = create_app(db_url, secret=SECRET)
    english = {"Accept-Language": "en"}
    with TestClient(app, base_url="http://testserver", headers=english) as test_client:
        yield test_client


@pytest.fixture
def tokens(kon_tum: sessionmaker[Session]) -> dict[str, str]:
    """An API token per Kon Tum user."""
    with db.transaction(kon_tum) as s:
        return {n: auth.issue_token(s, n).secret for n in ("lan", "hung", "minh", "thu", "an")}


@pytest.fixture
def passwords(kon_tum: sessionmaker[Session]) -> str:
    """Gives lan, hung and minh the password PASSWORD (hashing is slow: only where needed)."""
    with db.transaction(kon_tum) as s:
        for name in ("lan", "hung", "minh"):
            auth.set_password(s, name, PASSWORD)
    return PASSWORD
