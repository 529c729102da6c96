"""The occurrence counts of the whole database per kind and due day, kept in step at commit.

``occurrence_counts`` (``engine.counts``) holds a few rows per plan and year;
the coordinators' landing worklist wants them added up over every plan, on
every request: 31,300 rows summed at national scale (issue 17).
``occurrence_totals`` keeps those sums per kind and due day: 46 rows on that set.

Its rows are shared by every plan in the country, so every transaction that
changes an occurrence changes one of them: they are the hottest rows dondoc
writes. Two rules keep writers from waiting on each other longer than a
commit, and from deadlocking:

- the deltas each flush computes are collected in the session and written
  only when the transaction commits, after its last flush, so a
  transaction holds these rows for the time of its commit alone and never
  waits for another lock while it holds them;
- they are written in (kind, due) order, so two committing transactions
  take them in the same order.

``engine.counts.rebuild`` (a plan recounted from its occurrences) asks for a
recount of the totals from ``occurrence_counts`` at commit instead.
A rolled-back transaction forgets what it collected.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, delete, event, func, insert, select
from sqlalchemy.orm import Session, SessionTransaction

from engine.counts_models import OccurrenceCount, OccurrenceTotal

Total = tuple[str, dt.date]

_PENDING = "dondoc.counts_totals.pending"
_RECOUNT = "dondoc.counts_totals.recount"


def summed(per_plan: Mapping[tuple[str, int, str, dt.date], int]) -> Counter[Total]:
    """Counts (or deltas) keyed by (plan, year, kind, due), added up per (kind, due); the
    sums at zero left out, negative deltas kept."""
    totals: Counter[Total] = Counter()
    for (_plan, _year, kind, due), n in per_plan.items():
        totals[(kind, due)] += n
    return Counter({key: n for key, n in totals.items() if n})


def pend(session: Session, deltas: Counter[Total]) -> None:
    """Add ``deltas`` to the totals when this transaction commits."""
    pending: Counter[Total] = session.info.setdefault(_PENDING, Counter())
    pending.update(deltas)


def pend_recount(session: Session) -> None:
    """Recount the totals from ``occurrence_counts`` when this transaction commits."""
    session.info[_RECOUNT] = True


def stored(session: Session) -> Counter[Total]:
    """What ``occurrence_totals`` holds, without the keys at zero."""
    rows = session.execute(select(OccurrenceTotal).where(OccurrenceTotal.n != 0))
    return Counter({(t.kind, t.due): t.n for (t,) in rows})


def from_counts(session: Session) -> Counter[Total]:
    """The totals ``occurrence_counts`` adds up to (what ``occurrence_totals`` must hold)."""
    c = OccurrenceCount
    rows = session.execute(select(c.kind, c.due, func.sum(c.n)).group_by(c.kind, c.due))
    return Counter({(kind, due): int(n) for kind, due, n in rows if n})


@event.listens_for(Session, "before_commit")
def _write_at_commit(session: Session) -> None:
    if _PENDING not in session.info and _RECOUNT not in session.info:
        return
    # The last flush first: its deltas belong to this commit (the commit flushes after
    # this hook, when nothing would write them any more).
    session.flush()
    pending: Counter[Total] = session.info.pop(_PENDING, Counter())
    if session.info.pop(_RECOUNT, False):
        _recount(session)
    else:
        add_counts(session, OccurrenceTotal, ("kind", "due"), pending)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ends without committing (rolled back) leaves nothing to write."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_RECOUNT, None)


def add_counts(
    session: Session, model: type[Any], key: tuple[str, ...], deltas: Mapping[tuple[Any, ...], int]
) -> None:
    """Add ``deltas`` (keyed by the values of ``key``, the table's primary key) to the ``n``
    of ``model``'s rows, inserting the missing ones, in key order: two writers lock alike.
    ``occurrence_counts`` and ``occurrence_totals`` are both kept this way."""
    table: Table = model.__table__
    upsert: Any
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    for values in sorted(k for k, d in deltas.items() if d):
        stmt = upsert(table).values(**dict(zip(key, values, strict=True)), n=deltas[values])
        stmt = stmt.on_conflict_do_update(
            index_elements=list(key), set_={"n": table.c.n + stmt.excluded.n}
        )
        session.execute(stmt)


def _recount(session: Session) -> None:
    table: Table = OccurrenceTotal.__table__  # type: ignore[assignment]
    totals = from_counts(session)
    session.execute(delete(table))
    rows = [{"kind": k, "due": d, "n": n} for (k, d), n in sorted(totals.items())]
    if rows:
        session.execute(insert(table), rows)
