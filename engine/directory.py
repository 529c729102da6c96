"""The agency directory as stored: listing and contact addresses."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.addresses import board_webhook_problem, email_ok, webhook_problem
from engine.errors import Conflict, InvalidInput, NotFound
from engine.lookup import close_matches
from engine.models import Agency, User, utcnow
from engine.text import storable

_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$")


def get_agency(session: Session, code: str) -> Agency:
    """The agency with this code; a mistyped code is answered with the closest few."""
    agency = session.get(Agency, code)
    if agency is None:
        codes = list(session.scalars(select(Agency.code).order_by(Agency.code)))
        if not codes:
            raise NotFound("no_agency", agency=code)  # nothing loaded yet: says how
        from engine.names import named_agencies

        known = named_agencies(session, *close_matches(code, codes))
        raise NotFound("no_agency_near", agency=code, known=known)
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
    session: Session,
    code: str,
    *,
    email: str | None = None,
    webhook: str | None = None,
    actor: User | None = None,
) -> Agency:
    """Set (or, with an empty string, clear) an agency's e-mail and webhook, recorded as
    ``actor``'s change (the administrator's when None)."""
    from engine.accounts import agency_fields, record_agency_change

    agency = get_agency(session, code)
    before = agency_fields(agency)
    _set_contacts(agency, email=email, webhook=webhook)
    record_agency_change(session, actor, agency, before)
    return agency


def _set_contacts(agency: Agency, *, email: str | None, webhook: str | None) -> None:
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


def add_agency(
    session: Session,
    code: str,
    *,
    name_vi: str,
    name_en: str | None = None,
    parent: str | None = None,
    group: bool = False,
    valid_from: dt.date | None = None,
) -> Agency:
    """A new agency typed at the command line (``dondoc agencies add``).

    ``code`` is ``<province>/<abbr>`` in lower-case ASCII with hyphens; the
    parent, if given, must exist; a code is never reused.
    """
    if not _CODE.match(code) or len(code) > 80:
        raise InvalidInput("bad_agency_code", code=code[:80])
    if not name_vi.strip():
        raise InvalidInput("agency_name_missing", agency=code)
    if session.get(Agency, code) is not None:
        raise Conflict("agency_exists", agency=code)
    if parent is not None:
        get_agency(session, parent)
    agency = Agency(
        code=code,
        province=code.split("/", 1)[0],
        name_vi=name_vi.strip(),
        name_en=(name_en or name_vi).strip(),
        parent_code=parent,
        also_reports_to=[],
        aliases=[],
        is_group=group,
        valid_from=valid_from,
    )
    session.add(agency)
    session.flush()
    return agency


def edit_agency(
    session: Session,
    actor: User | None,
    code: str,
    *,
    name_vi: str,
    name_en: str,
    email: str,
    webhook: str,
) -> Agency:
    """A coordinator's edit of an agency of his province on the board: names and addresses.

    An agency that has ended is read-only (its work passed to a successor,
    ``engine.succession``); the webhook must pass the board's rule
    (``engine.addresses.board_webhook_problem``).
    """
    from engine.accounts import agency_fields, record_agency_change
    from engine.authz import require_manage_people
    from engine.names import named_agencies
    from engine.workdays import local_day

    agency = get_agency(session, code)
    require_manage_people(actor, agency.province, target=code)
    (named,) = named_agencies(session, code)
    if agency.valid_until is not None and agency.valid_until < local_day(utcnow()):
        raise InvalidInput("agency_ended_read_only", agency=named)
    name_vi, name_en = " ".join(name_vi.split()), " ".join(name_en.split())
    if not name_vi or len(name_vi) > 300 or len(name_en) > 300 or not storable(name_vi + name_en):
        raise InvalidInput("agency_name_missing", agency=named)
    webhook = webhook.strip()
    problem = board_webhook_problem(webhook) if webhook else None
    if problem == "scheme_https":
        raise InvalidInput("webhook_scheme_https", value=webhook[:200])
    if problem == "private":
        raise InvalidInput("webhook_private", value=webhook[:200])
    if problem == "unresolvable":
        raise InvalidInput("webhook_unresolvable", value=webhook[:200])
    before = agency_fields(agency)
    _set_contacts(agency, email=email, webhook=webhook)
    agency.name_vi, agency.name_en = name_vi, name_en or name_vi
    record_agency_change(session, actor, agency, before)
    return agency
