"""The sweep asks the index, not every row; a plan's own ladder replaces the default."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from engine import ladder
from engine.db import transaction
from engine.escalation import overdue_query, plan_ladder, state_limit_query, sweep
from engine.lookup import get_plan
from engine.plan_spec import LadderStep
from tests.escalation.helpers import PLAN


def test_the_overdue_query_uses_the_phase_due_index_on_sqlite(
    sqlite_template,  # type: ignore[no-untyped-def]
) -> None:
    engine = create_engine(f"sqlite:///{sqlite_template}")
    try:
        compiled = overdue_query(dt.date(2015, 3, 16)).compile(
            engine, compile_kwargs={"literal_binds": True}
        )
        with engine.connect() as conn:
            plan = " ".join(
                str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
            )
    finally:
        engine.dispose()
    assert "ix_occurrences_phase_due" in plan
    assert "SCAN occurrences" not in plan


def test_the_state_limit_query_searches_the_state_entered_index_on_sqlite(
    sqlite_template,  # type: ignore[no-untyped-def]
) -> None:
    query = state_limit_query(dt.date(2015, 3, 16))
    assert query is not None  # directive's "consulting" has a 30-day limit
    engine = create_engine(f"sqlite:///{sqlite_template}")
    try:
        compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
        with engine.connect() as conn:
            plan = " ".join(
                str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
            )
    finally:
        engine.dispose()
    assert "ix_occurrences_state_entered" in plan
    assert "SCAN occurrences" not in plan


# sqlite_stat1 as ANALYZE leaves it on the bench's 1,000,000 occurrences:
# three phases, so "phase IN (open ones)" looks unselective to the planner.
_LARGE_TABLE_STATS = [
    ("occurrences", "ix_occurrences_task_id", "1000000 8"),
    ("occurrences", "ix_occurrences_state_entered", "1000000 333334 333334"),
    ("occurrences", "ix_occurrences_phase_due", "1000000 333334 991"),
    ("occurrences", "ix_occurrences_phase_due_ref", "1000000 333334 991 1"),
    ("occurrences", "sqlite_autoindex_occurrences_1", "1000000 1"),
]


def test_the_sweep_queries_keep_their_indexes_when_statistics_say_the_table_is_large(
    sqlite_template,  # type: ignore[no-untyped-def]
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """Regression: with ORDER BY id, SQLite scanned every row in id order to skip a sort."""
    import shutil

    path = tmp_path / "large.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
            conn.execute(text("DELETE FROM sqlite_stat1 WHERE tbl = 'occurrences'"))
            for tbl, idx, stat in _LARGE_TABLE_STATS:
                conn.execute(
                    text("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (:t, :i, :s)"),
                    {"t": tbl, "i": idx, "s": stat},
                )
        engine.dispose()  # the planner reads the statistics when a connection opens
        state_query = state_limit_query(dt.date(2020, 1, 14))
        assert state_query is not None
        plans = []
        with engine.connect() as conn:
            for query in (overdue_query(dt.date(2020, 1, 14)), state_query):
                compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
                plans.append(
                    " ".join(
                        str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
                    )
                )
    finally:
        engine.dispose()
    assert "ix_occurrences_phase_due" in plans[0]
    assert "ix_occurrences_state_entered" in plans[1]
    assert not any("SCAN occurrences" in plan for plan in plans)


def test_a_plan_without_its_own_ladder_uses_the_default(kon_tum: sessionmaker[Session]) -> None:
    with transaction(kon_tum) as s:
        assert plan_ladder(get_plan(s, PLAN)) == ladder.DEFAULT_LADDER


def test_a_plan_ladder_override_changes_levels_and_targets(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        plan = get_plan(s, PLAN)
        plan.details = {
            **plan.details,
            "escalation": [
                {"level": 1, "after_working_days": 5, "target": "owner"},
                {"level": 2, "after_working_days": 15, "target": "ubnd"},
            ],
        }
    with transaction(kon_tum) as s:
        assert plan_ladder(get_plan(s, PLAN)) == (
            LadderStep(1, 5, "owner"),
            LadderStep(2, 15, "ubnd"),
        )
    # Due 31 December 2014: the fifth working day after is 9 January 2015.
    assert [r for r in sweep(kon_tum, as_of=dt.date(2015, 1, 8)) if r.ref == f"{PLAN}:2.1"] == []
    hits = [r for r in sweep(kon_tum, as_of=dt.date(2015, 1, 9)) if r.ref == f"{PLAN}:2.1"]
    assert [(r.level, r.target) for r in hits] == [(1, "kon-tum/sct")]
    assert {r.level for r in sweep(kon_tum, as_of=dt.date(2015, 3, 16))} == {2}
