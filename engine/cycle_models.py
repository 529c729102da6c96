"""The follow-up cycle's tables: progress reports, closed periods, extension requests (revision 0012).

Kept apart from ``engine.models`` (which imports them) because they are one
concept, the cycle an office runs around the tasks:

- ``progress_reports``: what an agency reports on one occurrence for one
  reporting period (``engine.reporting_periods``). Every submission and every
  correction is a new row with the next ``version``; nothing is updated in
  place, so every version is kept, and each one is also an event of the
  occurrence's hash-chained history (trigger ``report``).
- ``period_closures``: a coordinator closed a plan's period; reports for it
  can no longer be corrected.
- ``extension_requests``: a lead agency asks for a new due day; the plan's
  coordinator approves (possibly an earlier day: "shortens") or refuses. On
  approval the occurrence's ``due`` moves (``engine.extensions``);
  ``old_due`` keeps the day it moved from. One pending request per
  occurrence, held by a partial unique index.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models import Base, JSONText, Occurrence, UTCDateTime, utcnow

LEAD = "lead"
CO = "co"

PENDING = "pending"
APPROVED = "approved"
REFUSED = "refused"
EXTENSION_STATUSES = (PENDING, APPROVED, REFUSED)


class ProgressReport(Base):
    """One version of an agency's progress report on an occurrence for a period."""

    __tablename__ = "progress_reports"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "period", "agency_code", "version"),
        Index("ix_progress_reports_plan_period", "plan_id", "period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"), index=True)
    # Kept beside the occurrence so that a period's reports are one indexed query.
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"))
    # "2018-H1" (6-month report) or "2018" (annual report): engine.reporting_periods.
    period: Mapped[str] = mapped_column(String(10))
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    # "lead" (the report) or "co" (a co-operating agency's contribution).
    role: Mapped[str] = mapped_column(String(4))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status_text: Mapped[str] = mapped_column(Text)
    percent: Mapped[int | None] = mapped_column(Integer)
    # {target code of the plan: measured figure} for the plan targets the task serves.
    figures: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    difficulties: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    # Attachment references (engine.files when it holds them): [{"name":..., "sha256":...}].
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSONText, default=list)
    submitted_by: Mapped[str] = mapped_column(String(80))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The province's local day of the submission: what "on time" compares.
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    # The seq of the history event that recorded this version.
    event_seq: Mapped[int] = mapped_column(Integer)

    occurrence: Mapped[Occurrence] = relationship(viewonly=True)


class PeriodClosure(Base):
    """A plan's reporting period closed by its coordinator: no more corrections."""

    __tablename__ = "period_closures"
    __table_args__ = (UniqueConstraint("plan_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"))
    period: Mapped[str] = mapped_column(String(10))
    closed_by: Mapped[str] = mapped_column(String(80))
    closed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExtensionRequest(Base):
    """A lead agency's request for a later due day, and the decision on it."""

    __tablename__ = "extension_requests"
    __table_args__ = (
        # One pending request per occurrence, whoever asks and however often.
        # Partial: its WHERE is added by ``_pending_only`` below.
        Index("uq_extension_requests_pending", "occurrence_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"), index=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The due day when the request was made, and the day asked for.
    old_due: Mapped[dt.date] = mapped_column(Date)
    requested_due: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSONText, default=list)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The day granted: the requested one, or an earlier one (a shortened extension).
    granted_due: Mapped[dt.date | None] = mapped_column(Date)
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    occurrence: Mapped[Occurrence] = relationship(viewonly=True)


@event.listens_for(ExtensionRequest.__table__, "before_create")
def _pending_only(table: Table, connection: Any, **_kw: Any) -> None:
    """Make the one-pending-request index partial (``WHERE status = 'pending'``) as it is created.

    Migration 0012 builds this index on both databases; this is for a schema
    created from the models. Declared on the ``Index`` as ``sqlite_where`` and
    ``postgresql_where``, it made SQLAlchemy import both dialects' modules to
    check those arguments on every command (PostgreSQL's even on SQLite, 8%
    of ``dondoc tasks``'s CPU in a profile); only the dialect at hand is read here.
    """
    for index in table.indexes:
        if index.name == "uq_extension_requests_pending":
            index.dialect_kwargs[f"{connection.dialect.name}_where"] = text("status = 'pending'")
