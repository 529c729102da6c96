"""The succession tables: agencies that end and who takes over their work (revision 0006).

Kept apart from ``engine.models`` (which imports them) because they are one
concept: ``successions`` says who succeeded whom, on which day and on what
legal basis; ``succession_applied`` records, once per open occurrence or
plan, which codes the succession re-pointed there. Reading an occurrence's
agencies on a day (``holders_after``) folds those mappings in order, so the
annex stays as printed and the past keeps the names of its time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models import Base, JSONText, UTCDateTime, utcnow


class Succession(Base):
    """An agency's end and who takes over its work: a rename, merge or split (revision 0006)."""

    __tablename__ = "successions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A stable key from the directory file (e.g. "kon-tum/stnmt>2025-03-01"), so
    # loading the same file twice finds the same row.
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # rename | merge | split
    effective: Mapped[dt.date] = mapped_column(Date, index=True)
    basis_number: Mapped[str] = mapped_column(String(200))
    basis_date: Mapped[dt.date | None] = mapped_column(Date)
    basis_title: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # Part of a province merge (Resolution 202/2025/QH15), one role's counterpart.
    province_merge: Mapped[bool] = mapped_column(Boolean, default=False)
    # For a split: {"default": CODE, "tasks": {"PLAN:CODE": CODE}} (who takes each open task).
    rule: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)

    agencies: Mapped[list[SuccessionAgency]] = relationship(
        back_populates="succession",
        order_by="SuccessionAgency.position",
        cascade="all, delete-orphan",
    )

    @property
    def from_codes(self) -> list[str]:
        return [a.agency_code for a in self.agencies if a.side == "from"]

    @property
    def to_codes(self) -> list[str]:
        return [a.agency_code for a in self.agencies if a.side == "to"]

    def basis(self) -> dict[str, Any]:
        return {
            "number": self.basis_number,
            "date": self.basis_date.isoformat() if self.basis_date else None,
            "title": self.basis_title,
        }


class SuccessionAgency(Base):
    """One side of a succession: an agency that ends (``from``) or takes over (``to``)."""

    __tablename__ = "succession_agencies"

    succession_id: Mapped[int] = mapped_column(ForeignKey("successions.id"), primary_key=True)
    side: Mapped[str] = mapped_column(String(4), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"), index=True)

    succession: Mapped[Succession] = relationship(back_populates="agencies")


class SuccessionApplied(Base):
    """A succession applied to one open occurrence or one plan: who became whom, once."""

    __tablename__ = "succession_applied"
    __table_args__ = (
        UniqueConstraint("succession_id", "occurrence_id"),
        UniqueConstraint("succession_id", "plan_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    succession_id: Mapped[int] = mapped_column(ForeignKey("successions.id"), index=True)
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("occurrences.id"), index=True)
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plans.id"), index=True)
    effective: Mapped[dt.date] = mapped_column(Date)
    # {old code: new code} as applied to this occurrence or plan.
    mapping: Mapped[dict[str, str]] = mapped_column(JSONText, default=dict)
    applied_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


def holders_after(applied: list[SuccessionApplied], codes: list[str], day: dt.date) -> list[str]:
    """``codes`` as held on ``day``: each applied mapping in effect by then, in order."""
    current = list(codes)
    for row in applied:
        if row.effective > day:
            break
        current = [row.mapping.get(code, code) for code in current]
    return list(dict.fromkeys(current))
