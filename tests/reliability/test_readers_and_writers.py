"""SQLite readers never block writers, and writers never block readers (issue 18).

Every transaction used to begin with ``BEGIN IMMEDIATE``, so a 37 s
``audit verify`` held the write lock and advances, listings and the API
failed after the busy timeout. Work that only reads now begins deferred.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine import auth, db
from engine.models import Event, Occurrence
from tests.reliability.conftest import Ran
from tests.web.conftest import SECRET
from web.app import create_app

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
QUICK = {"DONDOC_SQLITE_BUSY_TIMEOUT_MS": "300"}


def _events(factory: sessionmaker[Session]) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(Event)) or 0)


def test_an_advance_goes_through_while_a_long_read_is_open(
    kon_tum: sessionmaker[Session], dondoc, mail_dirs
) -> None:
    before = _events(kon_tum)
    with db.reading(kon_tum) as reader:
        # The read has begun and holds its snapshot, as audit verify does for its whole run.
        assert reader.scalar(select(func.count()).select_from(Occurrence))
        ran: Ran = dondoc(
            "--as", "lan", "advance", "kon-tum-2013:2.1", "comment", "--note", "x", env=QUICK
        )
        assert ran.code == 0, ran.err
        # The reader still sees its snapshot.
        assert reader.scalar(select(func.count()).select_from(Event)) == before
    assert _events(kon_tum) == before + 1


def test_a_writer_holding_the_lock_past_the_timeout_gets_a_sentence_not_a_traceback(
    kon_tum: sessionmaker[Session], dondoc, mail_dirs
) -> None:
    with db.transaction(kon_tum) as writer:
        writer.execute(select(1))
        ran = dondoc(
            "--as", "lan", "advance", "kon-tum-2013:2.1", "comment", "--note", "x", env=QUICK
        )
        listed = dondoc("tasks", "--plan", "kon-tum-2013", env=QUICK)
    assert ran.code == 1
    assert ran.err.strip() == (
        "Error: The database is busy with another command's write; run the command again in a moment."
    )
    # Reading commands do not wait for the writer at all.
    assert listed.code == 0, listed.err


def test_pages_and_the_api_answer_while_a_writer_holds_the_lock(
    kon_tum: sessionmaker[Session], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DONDOC_SQLITE_BUSY_TIMEOUT_MS", "300")
    with db.transaction(kon_tum) as s:
        token = auth.issue_token(s, "lan").secret
    app = create_app(db_url, secret=SECRET)
    holder = sqlite3.connect(str(make_url(db_url).database), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with TestClient(app) as client:
            answer = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
            page = client.get("/signin")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.status_code == 200 and len(answer.json()["items"]) > 10
    assert page.status_code == 200
