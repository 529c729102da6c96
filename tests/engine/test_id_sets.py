"""``engine.id_sets.id_pages``: ``column IN ids`` for long lists, on both databases.

On PostgreSQL the condition must stay a semi-join whatever the planner believes
about the table: with ``column = ANY(array)`` a table analysed while empty (the
escalation ledger before a deployment's first sweep) was scanned and each row
compared with every id, 2.5 s of the server's time for one first sweep.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select, text
from sqlalchemy.orm import Session, sessionmaker

from engine.id_sets import id_pages

METADATA = MetaData()
PROBE = Table(
    "id_sets_probe",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("owner", Integer, index=True),
    Column("name", String(20)),
)


@pytest.fixture
def probe(factory: sessionmaker[Session]) -> Iterator[sessionmaker[Session]]:
    engine = factory.kw["bind"]
    METADATA.create_all(engine)
    yield factory
    METADATA.drop_all(engine)


def _selected(s: Session, column: object, ids: list[object]) -> list[int]:
    found: list[int] = []
    for cond in id_pages(s, column, ids):
        found += s.scalars(select(PROBE.c.id).where(cond)).all()
    return sorted(found)


def test_the_conditions_select_exactly_the_ids_asked_for(probe: sessionmaker[Session]) -> None:
    with probe.begin() as s:
        s.execute(
            PROBE.insert(),
            [{"id": i, "owner": i % 3000, "name": f"n{i}"} for i in range(1, 6001)],
        )
    wanted = list(range(7, 3000, 3)) + [999_999]  # 998 ids, one of them absent
    with probe() as s:
        assert _selected(s, PROBE.c.owner, wanted) == sorted(
            i for i in range(1, 6001) if i % 3000 in set(wanted)
        )
        # Text keys go as pages of parameters (or an array): the same rows.
        names = [f"n{i}" for i in range(1, 1201)]
        assert _selected(s, PROBE.c.name, names) == list(range(1, 1201))
        assert _selected(s, PROBE.c.owner, []) == []


# A PostgreSQL planner's choice: SQLite reads json_each and searches the column's index.
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_never_compares_each_row_with_the_whole_list(
    probe: sessionmaker[Session],
) -> None:
    with probe.begin() as s:
        s.execute(text("ANALYZE id_sets_probe"))  # analysed while empty, as a new ledger is
    with probe.begin() as s:
        s.execute(PROBE.insert(), [{"id": i, "owner": i} for i in range(1, 30_001)])
        (cond,) = id_pages(s, PROBE.c.owner, list(range(1, 2001, 2)))
        query = select(PROBE.c.id).where(cond)
        compiled = query.compile(s.get_bind())
        explain = f"EXPLAIN (FORMAT JSON) {compiled}"
        plan = s.connection().exec_driver_sql(explain, compiled.params).scalar()
        assert len(s.scalars(query).all()) == 1000
    words = json.dumps(plan)
    assert "= ANY" not in words, words
