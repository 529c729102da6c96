"""Reference data kept per process (``engine.reference``) is never older than the database.

Every page reads the plans' columns, the agencies' names and the successions
from a copy kept under the mark the database's triggers move (revision 0020).
These tests change the tables the ways people and programs do (the engine in
the same unit of work, another connection as another worker or psql would, a
change rolled back) and check that the next read sees exactly what the tables
hold, and that an unchanged database is not read again.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import CursorResult, Executable, Insert, delete, insert, text, update
from sqlalchemy.orm import Session, sessionmaker

from engine import db, reference
from engine.db import transaction
from engine.models import Agency, Plan, Succession, SuccessionAgency
from engine.names import AgencyNames
from engine.succession import SuccessionBook

PLAN = "kon-tum-2013"


def _legal_ref(factory: sessionmaker[Session]) -> str:
    with transaction(factory, reads=True) as s:
        return next(p.legal_ref for p in reference.plan_columns(s) if p.id == PLAN)


def test_an_unchanged_database_is_read_once(kon_tum: sessionmaker[Session]) -> None:
    with transaction(kon_tum, reads=True) as s:
        first = (reference.plan_columns(s), AgencyNames.read(s), SuccessionBook(s).by_code)
    with transaction(kon_tum, reads=True) as s:
        again = (reference.plan_columns(s), AgencyNames.read(s), SuccessionBook(s).by_code)
    assert all(a is b for a, b in zip(first, again, strict=True))
    assert [p.id for p in first[0]] == [PLAN]


@pytest.mark.parametrize("table", ["plans", "agencies", "successions", "succession_agencies"])
def test_every_change_to_a_reference_table_moves_the_mark(
    kon_tum: sessionmaker[Session], table: str
) -> None:
    new_agency = {"code": "test/new", "province": "test", "name_vi": "Sở mới", "name_en": "New"}
    by_table: dict[str, list[Executable]] = {
        "plans": [update(Plan).values(legal_ref="X")],
        "agencies": [
            insert(Agency).values(**new_agency),
            update(Agency).where(Agency.code == "test/new").values(name_en="Y"),
            delete(Agency).where(Agency.code == "test/new"),
        ],
        "successions": [update(Succession).values(note="Z")],
        "succession_agencies": [
            update(SuccessionAgency).values(position=SuccessionAgency.position)
        ],
    }
    for statement in by_table[table]:
        with transaction(kon_tum) as s:
            before = reference.mark(s)
            result = s.execute(statement)
            # Each statement changes a row: a row trigger (SQLite) fires only then.
            assert isinstance(result, CursorResult)
            assert isinstance(statement, Insert) or result.rowcount >= 1, statement
            assert reference.mark(s) != before, statement


def test_a_change_made_elsewhere_is_seen_by_the_next_page(
    kon_tum: sessionmaker[Session], db_url: str
) -> None:
    assert _legal_ref(kon_tum) != "QĐ 1/2026"
    # Another worker, the command line or psql: another engine, another connection.
    other = db.make_engine(db_url)
    try:
        with other.begin() as conn:
            conn.execute(
                text("UPDATE plans SET legal_ref = 'QĐ 1/2026' WHERE id = :p"), {"p": PLAN}
            )
            conn.execute(
                text(
                    "UPDATE agencies SET name_vi = 'Sở Công Thương mới' WHERE code = 'kon-tum/sct'"
                )
            )
    finally:
        other.dispose()
    assert _legal_ref(kon_tum) == "QĐ 1/2026"
    with transaction(kon_tum, reads=True) as s:
        assert AgencyNames.read(s).full("kon-tum/sct", "vi") == "Sở Công Thương mới"


def test_a_unit_of_work_reads_its_own_change(kon_tum: sessionmaker[Session]) -> None:
    _legal_ref(kon_tum)  # a copy is kept
    with transaction(kon_tum) as s:
        plan = s.get(Plan, PLAN)
        assert plan is not None
        plan.legal_ref = "pending, not yet flushed"
        assert [p.legal_ref for p in reference.plan_columns(s)] == ["pending, not yet flushed"]


def test_a_rolled_back_change_leaves_no_copy_behind(kon_tum: sessionmaker[Session]) -> None:
    original = _legal_ref(kon_tum)
    with pytest.raises(RuntimeError), transaction(kon_tum) as s:
        s.execute(update(Plan).values(legal_ref="rolled back"))
        assert [p.legal_ref for p in reference.plan_columns(s)] == ["rolled back"]
        raise RuntimeError("the user's step failed")
    assert _legal_ref(kon_tum) == original
    # The next change gets a token of its own: the copy read inside the rolled-back
    # unit can never pass for it.
    with transaction(kon_tum) as s:
        s.execute(update(Plan).values(legal_ref="committed"))
    assert _legal_ref(kon_tum) == "committed"


def test_a_new_succession_is_followed_at_once(kon_tum: sessionmaker[Session]) -> None:
    day = dt.date(2030, 1, 1)
    with transaction(kon_tum, reads=True) as s:
        assert SuccessionBook(s).holder("quang-ngai/sct", day) == "quang-ngai/sct"
    with transaction(kon_tum) as s:
        s.add(
            Succession(
                key="test-2030",
                kind="merge",
                effective=day,
                basis_number="1/2029/NQ-TEST",
                agencies=[
                    SuccessionAgency(side="from", position=0, agency_code="quang-ngai/sct"),
                    SuccessionAgency(side="to", position=0, agency_code="quang-ngai/ubnd"),
                ],
            )
        )
    with transaction(kon_tum, reads=True) as s:
        assert SuccessionBook(s).holder("quang-ngai/sct", day) == "quang-ngai/ubnd"


def test_a_page_reads_the_mark_once_and_the_next_page_sees_the_change(
    kon_tum: sessionmaker[Session], db_url: str
) -> None:
    other = db.make_engine(db_url)
    try:
        with transaction(kon_tum, reads=True) as page:
            before = reference.plan_columns(page)
            with other.begin() as conn:
                conn.execute(text("UPDATE plans SET legal_ref = 'changed meanwhile'"))
            # The page goes on with what it started from: one mark per page.
            assert reference.plan_columns(page) is before
    finally:
        other.dispose()
    assert _legal_ref(kon_tum) == "changed meanwhile"
