"""Queueing the weekly digest: one message per plan and recipient agency, once per ISO week.

The scheduler calls ``run(factory)`` on Monday mornings; ``dondoc digest
--send`` calls ``queue_digests`` for a chosen day. The key
``digest:<plan>:<agency>:<ISO week>`` makes a second run in the same week a
no-op, whoever starts it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.digest import DigestBook
from engine.directory import get_agency
from engine.models import Plan
from engine.views import today
from notifiers.outbox import enqueue
from notifiers.render import labels, oneline, render


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
    result = DigestQueueResult()
    # One read of the plans' occurrences for all their digests (see DigestBook).
    book = DigestBook(session, as_of, plan_id)
    if agency:
        get_agency(session, agency)
    for plan in book.plans.values():
        for code in book.recipients(plan.id):
            if agency and code != agency:
                continue
            key = digest_key(plan.id, code, as_of)
            data = book.data(plan_id=plan.id, agency=code)
            queued = enqueue(
                session,
                key=key,
                kind="digest",
                agency_code=code,
                subject=digest_subject(session, plan, code, data["week"], lang),
                text=render("digest", "text", data, lang=lang),
                html=render("digest", "html", data, lang=lang),
                payload={
                    "plan": plan.id,
                    "agency": code,
                    "as_of": as_of.isoformat(),
                    "counts": data["counts"],
                    "overdue": [o["ref"] for o in data["overdue"]],
                },
                lang=lang,
            )
            if queued is None:
                result.already += 1
            else:
                result.queued += 1
                result.keys.append(key)
    return result


def digest_subject(session: Session, plan: Plan, agency: str, week: str, lang: str) -> str:
    """One line, whatever the catalog's names hold, so it cannot add a mail header."""
    body = get_agency(session, agency)
    name = body.name_vi if lang == "vi" else body.name_en
    return oneline(f"[SXSH] {labels(lang)['digest']} {week}: {plan.legal_ref} — {name}")


def run(
    factory: sessionmaker[Session], *, as_of: dt.date | None = None, lang: str = "vi"
) -> DigestQueueResult:
    """The scheduler's weekly job: queue every plan's digest for ``as_of`` (default today)."""
    with transaction(factory) as session:
        return queue_digests(session, as_of=as_of or today(), lang=lang)
