"""The record of changes to accounts (revision 0009): who changed whose account, when, and how.

Kept apart from ``engine.models`` (which imports it), as the succession
tables are. A row is written by every function of ``engine.accounts`` in the
same transaction as the change itself, so there is no change without its
record; the coordinators of the account's province read them on the board
(``/people/changes``). ``details`` holds the facts of the change (the new
role, the agency moved to, the token's number), never a password or token.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, JSONText, UTCDateTime, utcnow


class AccountChange(Base):
    """One change to one account: ``actor`` did ``action`` to ``user_name`` at ``at``."""

    __tablename__ = "account_changes"
    __table_args__ = (Index("ix_account_changes_province_id", "province", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The coordinator's sign-in name, or "system" for the administrator at the command line.
    actor: Mapped[str] = mapped_column(String(80))
    user_name: Mapped[str] = mapped_column(String(80))
    # The province of the account's agency when the change was made: whose coordinators see it.
    province: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(30))
    details: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
