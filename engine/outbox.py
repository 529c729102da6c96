"""Queueing notifications as facts: one outbox row per idempotency key, routed by the agency.

The engine records *what* there is to say: the message's kind (escalation,
reminder, digest), its recipients and the facts (which plan and task, which
level, how late, who else was told), inside the caller's transaction, so a
notification exists exactly when the change that caused it was committed.
It writes no words: ``notifiers`` renders the facts in the row's language
when it sends (``notifiers.dispatch``). Every producer queues through
``enqueue`` or ``enqueue_many``, so the routing rule below is the only one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from engine.directory import get_agency
from engine.ledger import insert_many_once, insert_many_quietly, insert_once
from engine.models import Agency, OutboxMessage, utcnow

# An agency with no address still gets its messages, as .eml files addressed
# to a placeholder in the reserved .invalid domain, so nothing is dropped and
# nobody mistakes the address for a real one.
PLACEHOLDER_DOMAIN = "agencies.invalid"


@dataclass(frozen=True)
class Route:
    """Where an agency's notifications go: a channel and its recipient addresses."""

    channel: str
    recipients: list[str]


def route_for(agency: Agency) -> Route:
    """E-mail when the agency has an address, else its webhook, else an .eml file."""
    if agency.email:
        return Route("email", [agency.email])
    if agency.webhook:
        return Route("webhook", [agency.webhook])
    return Route("file", [placeholder_address(agency.code)])


def placeholder_address(code: str) -> str:
    """``kon-tum/sct`` → ``sct.kon-tum@agencies.invalid``."""
    province, _, abbr = code.partition("/")
    local = f"{abbr}.{province}" if abbr else province
    return f"{local}@{PLACEHOLDER_DOMAIN}"


@dataclass(frozen=True)
class AgencyCard:
    """What a sweep needs to know of an agency: its route, names and parent."""

    code: str
    name_vi: str
    name_en: str
    parent: str | None
    route: Route

    def name(self, lang: str) -> str:
        return (self.name_en or self.name_vi) if lang == "en" else self.name_vi

    def names(self) -> dict[str, str]:
        """The agency's names by language, as a notice's facts carry them."""
        return {"vi": self.name_vi, "en": self.name_en or self.name_vi}


class AgencyBook:
    """Agencies read once each and kept for one unit of work (a sweep, a digest run).

    ``session.get`` alone does not cache: the identity map holds clean
    objects weakly, so an agency loaded for one message was gone by the next
    and every message cost two or three SELECTs (bench/README.md).
    Contacts changed meanwhile by another process are seen by the next
    sweep, which builds a new book.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._cards: dict[str, AgencyCard] = {}

    def __getitem__(self, code: str) -> AgencyCard:
        card = self._cards.get(code)
        if card is None:
            agency = get_agency(self._session, code)
            card = AgencyCard(
                code=agency.code,
                name_vi=agency.name_vi,
                name_en=agency.name_en,
                parent=agency.parent_code,
                route=route_for(agency),
            )
            self._cards[code] = card
        return card

    def parent(self, code: str) -> str | None:
        return self[code].parent if code else None

    def names(self, code: str) -> dict[str, str]:
        return self[code].names()


@dataclass(frozen=True)
class Notice:
    """One message to queue: who gets it and the facts it is made of."""

    key: str
    kind: str
    agency_code: str
    facts: dict[str, Any]
    cc: tuple[str, ...] = ()
    occurrence_id: int | None = None


def enqueue(
    session: Session,
    notice: Notice,
    *,
    lang: str = "vi",
    now: dt.datetime | None = None,
    agencies: AgencyBook | None = None,
) -> int | None:
    """Queue one notice; its outbox id, or None if its key was queued before."""
    book = agencies or AgencyBook(session)
    return insert_once(session, OutboxMessage, _row(notice, book, lang, now or utcnow()))


def enqueue_many(
    session: Session,
    notices: list[Notice],
    *,
    lang: str = "vi",
    now: dt.datetime | None = None,
    agencies: AgencyBook | None = None,
) -> set[str]:
    """Queue many notices with one INSERT per page; the keys that were new.

    ``ON CONFLICT DO NOTHING`` on the unique key: a second writer queueing
    the same key at the same moment inserts nothing and leaves the caller's
    transaction intact.
    """
    if not notices:
        return set()
    book = agencies or AgencyBook(session)
    moment = now or utcnow()
    rows = [_row(n, book, lang, moment) for n in notices]
    return {key for (key,) in insert_many_once(session, OutboxMessage, rows, ("key",))}


def queue_many(
    session: Session,
    notices: list[Notice],
    *,
    lang: str = "vi",
    agencies: AgencyBook | None = None,
) -> None:
    """``enqueue_many`` without saying which keys were new (cheaper: no ``RETURNING``)."""
    book = agencies or AgencyBook(session)
    moment = utcnow()
    insert_many_quietly(session, OutboxMessage, [_row(n, book, lang, moment) for n in notices])


def _row(notice: Notice, book: AgencyBook, lang: str, moment: dt.datetime) -> dict[str, Any]:
    """The outbox row of a notice: its route and copies, its facts, no words yet.

    ``cc`` are agency codes whose addresses are copied when they use the same
    channel as the recipient (a webhook cannot carry a copy to an e-mail box).
    """
    card = book[notice.agency_code]
    route = card.route
    copies: list[str] = []
    for code in notice.cc:
        other = book[code].route
        if other.channel == route.channel:
            copies.extend(a for a in other.recipients if a not in route.recipients + copies)
    return {
        "key": notice.key,
        "kind": notice.kind,
        "channel": route.channel,
        "agency_code": card.code,
        "recipients": route.recipients,
        "cc": copies,
        "subject": None,
        "body_text": None,
        "body_html": None,
        "payload": notice.facts,
        "lang": lang,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": moment,
        "created_at": utcnow(),
        "occurrence_id": notice.occurrence_id,
    }
