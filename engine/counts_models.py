"""The occurrence counts kept in step with every change (revision 0014, ``engine.counts``).

Kept apart from ``engine.models`` (which imports it) because it is one
concept: a summary the pages read instead of counting every occurrence on
each request.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, Occurrence


class OccurrenceCount(Base):
    """How many live occurrences of a plan share a year, a kind of state and a due day.

    ``kind`` is what the state says regardless of the day: ``initial``,
    ``started``, ``suspended``, ``cancelled``, ``done`` (completed no later
    than its due day) or ``late`` (completed after it). The status category
    on a day follows from it and ``due`` (``engine.counts.plan_counts``);
    "overdue" is never stored, since it changes at midnight.
    """

    __tablename__ = "occurrence_counts"

    plan_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    # 0 for an occurrence without a year (a one-off task without a window).
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    due: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


# Completions recorded after a past --as-of day are read from this index to
# correct the summary for that day (engine.counts.plan_counts).
Index("ix_occurrences_completed_on", Occurrence.completed_on)


class OccurrenceTotal(Base):
    """``occurrence_counts`` added up over every plan and year: how many live occurrences of
    the whole database share a kind and a due day (revision 0021, ``engine.counts_totals``).

    The coordinators' landing worklist shows the country's four buckets on every
    request; summing the 31,300 rows of ``occurrence_counts`` of the national data
    set each time cost 6-9 ms of the database's CPU. A few dozen rows here (46 on that set).
    """

    __tablename__ = "occurrence_totals"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    due: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
