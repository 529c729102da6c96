"""The sweep's bulk inserts store exactly what the ordinary insert stores, on both databases.

``engine.ledger`` writes many rows as one statement from a JSON array
(and, on SQLite without ``RETURNING``, the driver's executemany), with each
value bound through its column type first; these rows are compared, column
by column as the database holds them, with a row inserted the ordinary way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from engine import db
from engine.ledger import insert_many_once, insert_many_quietly, insert_once
from engine.models import OutboxMessage

MOMENT = dt.datetime(2026, 12, 3, 10, 35, 16, 123456, tzinfo=dt.UTC)


def _row(key: str) -> dict[str, Any]:
    return {
        "key": key,
        "kind": "escalation",
        "channel": "file",
        "agency_code": None,
        "recipients": ["sct.kon-tum@agencies.invalid"],
        "cc": [],
        "subject": None,
        "body_text": None,
        "body_html": None,
        "payload": {"title": 'Nhiệm vụ "1"\\ \u00e9', "levels": [1, 2], "limit": None},
        "lang": "vi",
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": MOMENT,
        "created_at": MOMENT + dt.timedelta(microseconds=1),
        "occurrence_id": None,
    }


def _stored(session: Session) -> dict[str, tuple[Any, ...]]:
    rows = session.execute(text("SELECT * FROM outbox ORDER BY id")).mappings().all()
    return {r["key"]: tuple(v for k, v in r.items() if k not in ("id", "key")) for r in rows}


def test_rows_inserted_in_bulk_are_stored_as_the_ordinary_insert_stores_them(
    factory: sessionmaker[Session],
) -> None:
    with db.transaction(factory) as session:
        assert insert_once(session, OutboxMessage, _row("one")) is not None
        new = insert_many_once(session, OutboxMessage, [_row("many-1"), _row("one")], ("key",))
        insert_many_quietly(session, OutboxMessage, [_row("quiet-1"), _row("many-1")])
    assert new == {("many-1",)}
    with factory() as session:
        stored = _stored(session)
        assert list(stored) == ["one", "many-1", "quiet-1"]
        assert stored["many-1"] == stored["one"]
        assert stored["quiet-1"] == stored["one"]
        # And read back through the model, the values are the ones given.
        message = session.query(OutboxMessage).filter_by(key="quiet-1").one()
        assert message.payload == _row("x")["payload"]
        assert message.next_attempt_at == MOMENT
