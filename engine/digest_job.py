"""Queueing the weekly digest: one notice per plan and recipient agency, once per ISO week.

The scheduler's weekly job and ``dondoc digest --send`` call
``queue_digests`` for a chosen day. The key
``digest:<plan>:<agency>:<ISO week>`` makes a second run in the same week a
no-op, whoever starts it. The notice carries the digest's data
(``engine.digest``); ``notifiers`` writes it out when it sends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.digest import DigestBook
from engine.directory import get_agency
from engine.outbox import AgencyBook, Notice, enqueue_many
from engine.views import today


@dataclass
class DigestQueueResult:
    """How many digest messages were queued, and how many were already queued this week."""

    queued: int = 0
    already: int = 0
    keys: list[str] = field(default_factory=list)


def digest_key(plan_id: str, agency: str, as_of: dt.date) -> str:
    year, week, _ = as_of.isocalendar()
    return f"digest:{plan_id}:{agency}:{year}-W{week:02d}"


def queue_digests(
    session: Session,
    *,
    as_of: dt.date,
    plan_id: str | None = None,
    agency: str | None = None,
    lang: str = "vi",
) -> DigestQueueResult:
    """Queue the digest of each plan (or ``plan_id``) for each agency with open work in it."""
    # One read of the plans' occurrences for all their digests (see DigestBook).
    book = DigestBook(session, as_of, plan_id)
    if agency:
        get_agency(session, agency)
    notices = [
        Notice(
            key=digest_key(plan.id, code, as_of),
            kind="digest",
            agency_code=code,
            facts={"plan": plan.id, **book.data(plan_id=plan.id, agency=code)},
        )
        for plan in book.plans.values()
        for code in book.recipients(plan.id)
        if not agency or code == agency
    ]
    new = enqueue_many(session, notices, lang=lang, agencies=AgencyBook(session))
    keys = [n.key for n in notices if n.key in new]
    return DigestQueueResult(queued=len(keys), already=len(notices) - len(keys), keys=keys)


def run(
    factory: sessionmaker[Session], *, as_of: dt.date | None = None, lang: str = "vi"
) -> DigestQueueResult:
    """The scheduler's weekly job: queue every plan's digest for ``as_of`` (default today)."""
    with transaction(factory) as session:
        return queue_digests(session, as_of=as_of or today(), lang=lang)
