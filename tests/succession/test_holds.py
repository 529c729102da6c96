"""Who holds an occurrence after a succession, as the lists ask the database (engine.selection).

``holds`` walks the applied mappings in SQL; the rule it must agree with is
``Occurrence.leads_on`` / ``co_on`` (``holders_after``), read here in Python.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from engine.db import transaction
from engine.models import Occurrence, Succession, SuccessionApplied, Task, TaskAgency
from engine.selection import agency_work, holds, live
from engine.succession import apply_due
from engine.worklist import Filters, worklist

BEFORE = dt.date(2025, 2, 1)
BETWEEN = dt.date(2025, 4, 1)
AFTER = dt.date(2025, 8, 1)
ROLES = (None, "lead", "co")


def _by_rule(occ: Occurrence, agency: str, role: str | None, day: dt.date) -> bool:
    if role == "lead":
        return agency in occ.leads_on(day)
    if role == "co":
        return agency in occ.co_on(day)
    return agency in occ.leads_on(day) or agency in occ.co_on(day)


def _held(s: Session, agency: str, role: str | None, day: dt.date) -> set[int]:
    query = select(Occurrence.id).where(live(), holds(s, agency, role, day))
    return set(s.scalars(query))


def test_the_database_agrees_with_leads_on_and_co_on_for_every_agency_role_and_day(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        assert apply_due(s, AFTER)
    with transaction(kon_tum) as s:
        occurrences = list(
            s.scalars(
                select(Occurrence)
                .where(live())
                .options(
                    selectinload(Occurrence.task).selectinload(Task.agencies),
                    selectinload(Occurrence.applied),
                )
            )
        )
        named = set(s.scalars(select(TaskAgency.agency_code)))
        successions = s.scalars(select(Succession).options(selectinload(Succession.agencies)))
        successors = {c for x in successions for c in x.to_codes}
        checked = 0
        for agency in sorted(named | successors):
            if not agency.startswith(("kon-tum/", "quang-ngai/")):
                continue
            for day in (BEFORE, BETWEEN, AFTER):
                for role in ROLES:
                    expected = {o.id for o in occurrences if _by_rule(o, agency, role, day)}
                    assert _held(s, agency, role, day) == expected, (agency, role, day)
                    checked += len(expected)
    assert checked > 100


def test_a_co_agency_that_became_a_lead_holds_the_task_as_lead_only(
    kon_tum: sessionmaker[Session],
) -> None:
    # Task 4.3 is led by Sở KH&CN and printed with Sở TT&TT as co-operating agency; Sở TT&TT's
    # split (1/3/2025) gives its work to Sở KH&CN, which then leads it and co-operates on nothing.
    ref = "kon-tum-2013:4.3@2020"
    with transaction(kon_tum) as s:
        apply_due(s, AFTER)
    with transaction(kon_tum) as s:
        occ = s.scalars(select(Occurrence).where(Occurrence.ref == ref)).one()
        assert "kon-tum/sttt" in occ.task.co_agencies
        assert "kon-tum/skhcn" in occ.leads_on(BETWEEN)
        assert "kon-tum/skhcn" not in occ.co_on(BETWEEN)
        assert occ.id in _held(s, "kon-tum/skhcn", "lead", BETWEEN)
        assert occ.id not in _held(s, "kon-tum/skhcn", "co", BETWEEN)
        assert occ.id in _held(s, "kon-tum/sttt", "co", BEFORE)
        assert occ.id not in _held(s, "kon-tum/sttt", None, BETWEEN)
        # After the province merger, Quảng Ngãi's department holds it the same way.
        assert occ.id in _held(s, "quang-ngai/skhcn", "lead", AFTER)
        assert occ.id not in _held(s, "quang-ngai/skhcn", "co", AFTER)
        assert occ.id not in _held(s, "kon-tum/skhcn", None, AFTER)


MOVED = 33_500  # past SQLite's 32,766 bound variables, once a list of ids was one each
SQLITE_DEFAULT_VARIABLES = 32_766


def test_a_successor_holding_more_moved_occurrences_than_sqlite_binds_lists_its_work(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        model = s.scalars(
            select(Occurrence)
            .join(TaskAgency, TaskAgency.task_id == Occurrence.task_id)
            .where(TaskAgency.agency_code == "kon-tum/sct", TaskAgency.role == "lead", live())
            .order_by(Occurrence.id)
            .limit(1)
        ).one()
        merger = s.scalars(
            select(Succession).where(Succession.key.startswith("kon-tum/sct+"))
        ).one()
        columns = {
            c.key: getattr(model, c.key)
            for c in Occurrence.__table__.columns
            if c.key not in ("id", "ref", "due", "planned_due")
        }
        s.execute(
            insert(Occurrence),
            [
                {
                    **columns,
                    "ref": f"bulk-test:{i}",
                    "due": dt.date(2026, 1, 1) + dt.timedelta(days=i % 700),
                    "planned_due": dt.date(2026, 1, 1),
                }
                for i in range(MOVED)
            ],
        )
        ids = s.scalars(select(Occurrence.id).where(Occurrence.ref.startswith("bulk-test:")))
        s.execute(
            insert(SuccessionApplied),
            [
                {
                    "succession_id": merger.id,
                    "occurrence_id": i,
                    "effective": merger.effective,
                    "mapping": {"kon-tum/sct": "quang-ngai/sct"},
                }
                for i in ids
            ],
        )
    with transaction(kon_tum) as s:
        raw = s.connection().connection.driver_connection
        if isinstance(raw, sqlite3.Connection):
            # SQLite's own default; Debian's build allows 250,000, which hid the failure.
            raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, SQLITE_DEFAULT_VARIABLES)
        first = agency_work(s, "quang-ngai/sct", AFTER, limit=20)
        assert first.total >= MOVED
        assert len(first.rows) == 20
        # The page is in due order within its urgency; the bulk rows are all not started.
        last = agency_work(s, "quang-ngai/sct", AFTER, limit=20, offset=first.total - 20)
        assert len(last.rows) == 20
        listed = worklist(s, Filters(agency="quang-ngai/sct", status="not-started"), AFTER)
        assert listed["total"] >= MOVED
        assert len(listed["rows"]) > 0
        co = Filters(agency="quang-ngai/sct", agency_role="co", status="not-started")
        assert worklist(s, co, AFTER)["total"] < MOVED
        # Before the merger the same rows are still Kon Tum's.
        kon_tum_before = agency_work(s, "kon-tum/sct", BEFORE, limit=1)
        assert kon_tum_before.total >= MOVED
        assert agency_work(s, "quang-ngai/sct", BEFORE, limit=1).total < MOVED
