"""Plans uploaded on the board and not loaded yet: one draft per upload, kept for its user.

Between the upload of an annex and its loading a coordinator corrects the
draft in the browser, possibly over several visits: the draft lives here
(``plan_drafts``, revision 0010), not in a cookie. ``catalog`` is the
importer's plan in the FORMAT.md shape (corrected as the coordinator goes);
``report`` is the import report (``points``: each with the task code it
concerns and its sentence in both languages, as worded at upload) and the
names the annex printed for agencies no directory holds (``unknown``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.errors import NotFound
from engine.models import Base, JSONText, User, UTCDateTime, utcnow

# How long an untouched draft is kept.
LIFETIME = dt.timedelta(days=30)


class PlanDraft(Base):
    """An uploaded annex's plan as its uploader left it (revision 0010)."""

    __tablename__ = "plan_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(300))
    plan_id: Mapped[str] = mapped_column(String(80))
    catalog: Mapped[dict[str, Any]] = mapped_column(JSONText)
    report: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


def save_draft(
    session: Session,
    user: User,
    *,
    file_name: str,
    catalog: dict[str, Any],
    report: dict[str, Any],
) -> PlanDraft:
    """Keep a new draft for ``user``; drafts untouched for ``LIFETIME`` are forgotten."""
    now = utcnow()
    for old in session.scalars(select(PlanDraft).where(PlanDraft.updated_at < now - LIFETIME)):
        session.delete(old)
    draft = PlanDraft(
        user_id=user.id,
        file_name=file_name[:300],
        plan_id=str(catalog.get("id", ""))[:80],
        catalog=catalog,
        report=report,
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    session.flush()
    return draft


def draft_of(session: Session, user: User, draft_id: int) -> PlanDraft:
    """The draft ``draft_id`` of ``user``; another user's draft is not found, as a missing one."""
    draft = session.get(PlanDraft, draft_id)
    if draft is None or draft.user_id != user.id:
        raise NotFound("no_draft", draft=str(draft_id))
    return draft


def update_catalog(draft: PlanDraft, catalog: dict[str, Any]) -> None:
    """Keep the corrected plan (a new dict, so the change is written)."""
    draft.catalog = dict(catalog)
    draft.updated_at = utcnow()
