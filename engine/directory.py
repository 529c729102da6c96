"""The agency directory as stored: listing and contact addresses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.addresses import email_ok, webhook_problem
from engine.errors import InvalidInput, NotFound
from engine.models import Agency


def get_agency(session: Session, code: str) -> Agency:
    agency = session.get(Agency, code)
    if agency is None:
        raise NotFound("no_agency", agency=code)
    return agency


def agency_rows(session: Session, province: str | None = None) -> list[dict[str, Any]]:
    query = select(Agency).order_by(Agency.province, Agency.code)
    if province:
        query = query.where(Agency.province == province)
    return [
        {
            "code": a.code,
            "province": a.province,
            "name_vi": a.name_vi,
            "name_en": a.name_en,
            "parent": a.parent_code,
            "also_reports_to": list(a.also_reports_to or []),
            "group": bool(a.is_group),
            "email": a.email,
            "webhook": a.webhook,
        }
        for a in session.scalars(query)
    ]


def set_contacts(
    session: Session, code: str, *, email: str | None = None, webhook: str | None = None
) -> Agency:
    """Set (or, with an empty string, clear) an agency's e-mail and webhook."""
    agency = get_agency(session, code)
    if email is not None:
        email = email.strip()
        if email and not email_ok(email):
            raise InvalidInput("bad_email", value=email[:200])
        agency.email = email or None
    if webhook is not None:
        webhook = webhook.strip()
        problem = webhook_problem(webhook) if webhook else None
        if problem == "scheme":
            raise InvalidInput("bad_webhook", value=webhook[:200])
        if problem:
            raise InvalidInput("bad_webhook_host", value=webhook[:200])
        agency.webhook = webhook or None
    session.flush()
    return agency
