"""The whole database's totals (``engine.counts_totals``) are written when a transaction
commits, never before, and a transaction that rolls back leaves them as they were.

``tests/engine/test_counts.py`` compares them with a full recount after random
advances, successions, extensions and an archive; these tests pin when they
are written.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import workflows
from engine import counts, counts_totals
from engine.db import transaction
from engine.models import Occurrence
from engine.transition import advance
from tests.engine.helpers import fields_for, user

COMMON = {workflows.SUSPEND, workflows.RESUME, workflows.CANCEL}
AT = dt.datetime(2024, 6, 2, 3, tzinfo=dt.UTC)


def _a_first_step(s: Session) -> tuple[str, dt.date, str, dict[str, str]]:
    """An occurrence not started yet and a step that starts it (reference, due, trigger, fields)."""
    for occ in s.scalars(select(Occurrence).order_by(Occurrence.ref)):
        wf = workflows.get(occ.task.workflow)
        if occ.state != wf.initial:
            continue
        for t in wf.allowed(occ.state):
            if t.trigger not in COMMON and not wf.is_completed(t.dest):
                return occ.ref, occ.due, t.trigger, fields_for(t)
    raise AssertionError("no occurrence to start")


def _started_kind_total(s: Session, due: dt.date) -> int:
    return counts_totals.stored(s)[(counts.STARTED, due)]


def test_totals_move_when_the_transaction_commits_not_at_each_flush(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        ref, due, trigger, fields = _a_first_step(s)
        before = _started_kind_total(s, due)
        advance(s, user(s, "lan"), ref, trigger, note="x", fields=fields, at=AT)
        s.flush()
        # The plan's own counts moved with the flush; the shared totals wait for the commit.
        assert counts.stored(s) == counts.recount(s)
        assert _started_kind_total(s, due) == before
    with transaction(kon_tum) as s:
        assert _started_kind_total(s, due) == before + 1
        assert counts_totals.stored(s) == counts_totals.from_counts(s)


def test_a_rolled_back_transaction_leaves_the_totals_and_the_next_one_starts_clean(
    kon_tum: sessionmaker[Session],
) -> None:
    with transaction(kon_tum) as s:
        kept = counts_totals.stored(s)
        ref, due, trigger, fields = _a_first_step(s)
    with pytest.raises(RuntimeError), transaction(kon_tum) as s:
        advance(s, user(s, "lan"), ref, trigger, note="x", fields=fields, at=AT)
        s.flush()
        raise RuntimeError("the officer closed the form")
    with transaction(kon_tum) as s:
        assert counts_totals.stored(s) == kept
        # The same session factory's next commit adds its own step only, not the lost one.
        advance(s, user(s, "lan"), ref, trigger, note="x", fields=fields, at=AT)
    with transaction(kon_tum) as s:
        assert _started_kind_total(s, due) == kept[(counts.STARTED, due)] + 1
        assert counts_totals.stored(s) == counts_totals.from_counts(s)


def test_a_rebuild_recounts_the_totals_at_commit(kon_tum: sessionmaker[Session]) -> None:
    with transaction(kon_tum) as s:
        kept = counts_totals.stored(s)
        assert kept and sum(kept.values()) == sum(counts.recount(s).values())
        s.execute(counts_totals.OccurrenceTotal.__table__.delete())
    with transaction(kon_tum) as s:
        assert counts_totals.stored(s) == {}
        counts.rebuild(s)
    with transaction(kon_tum) as s:
        assert counts_totals.stored(s) == kept
