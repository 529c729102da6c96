"""The main job on the embedded default, composed from every layer: load, sweep, digest, send.

Idempotent: plans already loaded and unchanged are left alone, escalation
levels and digests are keyed, so a second run adds and sends nothing. The
lines it prints are worded from the message catalog in the chosen language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.models import Plan
from engine.names import AgencyNames
from engine.views import plan_rows, today
from notifiers.i18n import Words

#: The plan whose coordinator the demonstration account is (the tour of the README uses it).
DEMO_PLAN = "kon-tum-2013"


def run_quickstart(
    factory: sessionmaker[Session], w: Words, *, as_of: dt.date | None = None
) -> Iterator[str]:
    """Load every shipped plan, sweep, queue this week's digests and send them; say each step."""
    from tasks_catalog import schema
    from tasks_catalog.loading import load_plan_file

    day = as_of or today()
    states = {}
    for plan_id in schema.list_plan_ids():
        with transaction(factory) as session:
            report = load_plan_file(session, schema.plan_path(plan_id))
        states[plan_id] = (
            "unchanged" if report.unchanged else ("loaded" if report.created else "updated")
        )
    with transaction(factory) as session:
        rows = plan_rows(session, day)
        names = AgencyNames.read(session)
    plan_names = {r["id"]: _plan_name(r, names) for r in rows}
    for plan_id, state in states.items():
        yield w(f"cli.quickstart.plan_{state}", plan=plan_names.get(plan_id, plan_id))
    yield w("cli.quickstart.status_on", day=w.date(day))
    for row in rows:
        counts = ", ".join(f"{w.status(k)} {v}" for k, v in sorted(row["by_status"].items()))
        occurrences = w.plural("cli.quickstart.occurrences", row["occurrences"])
        yield f"  {plan_names[row['id']]:<36} {occurrences}: {counts}"
    yield from _sweep_digest_dispatch(factory, day, w, names, plan_names)
    yield from _board(factory, w, as_of)


def _plan_name(row: dict[str, Any], names: AgencyNames) -> str:
    """A plan as people cite it: its document and its province (``Quyết định 835/QĐ-UBND — Kon Tum``)."""
    return f"{row['legal_ref']} — {names.province(row['province'])}"


def _board(factory: sessionmaker[Session], w: Words, as_of: dt.date | None) -> Iterator[str]:
    """The demonstration coordinator (its password shown this once) and where the board is."""
    from engine.auth import DEMO_USER, demo_coordinator

    with transaction(factory) as session:
        plan = (
            session.get(Plan, DEMO_PLAN) or session.scalars(select(Plan).order_by(Plan.id)).first()
        )
        if plan is None:
            return
        user, password = demo_coordinator(session, plan.responsible_on(today()))
        agency = AgencyNames.read(session).full(user.agency_code, w.lang)
    if password:
        yield w("cli.quickstart.demo_created", name=DEMO_USER, agency=agency, password=password)
    else:
        yield w("cli.quickstart.demo_exists", name=DEMO_USER, agency=agency)
    address = "http://127.0.0.1:8000/" + (f"?as_of={as_of.isoformat()}" if as_of else "")
    yield w("cli.quickstart.board", command="dondoc serve", address=address, name=DEMO_USER)


def _sweep_digest_dispatch(
    factory: sessionmaker[Session],
    day: dt.date,
    w: Words,
    names: AgencyNames,
    plan_names: dict[str, str],
) -> Iterator[str]:
    """Escalate, queue this week's digests and send them, so a first run shows every step.

    Each step is idempotent (escalation levels and digests are keyed), so a
    second run queues and sends nothing new.
    """
    from engine.digest import digest_data
    from engine.digest_job import queue_digests
    from engine.escalation import sweep
    from notifiers.config import load_config
    from notifiers.dispatch import dispatch_all

    swept = sweep(factory, as_of=day, lang=w.lang)
    yield w.plural("cli.quickstart.swept", len(swept.records))
    for skipped in swept.skipped:
        yield w("cli.sweep.skipped", plan=skipped.plan, reason=w.error(skipped.error))
    with transaction(factory) as session:
        overdue = digest_data(session, as_of=day)["overdue"]
        queued = queue_digests(session, as_of=day, lang=w.lang)
    yield w.plural("cli.quickstart.overdue", len(overdue))
    for item in overdue[:5]:
        days = w.plural("words.working_days", item["working_days_overdue"])
        task = item["code"]
        if item.get("year"):
            task = w("words.code_in_year", code=item["code"], year=item["year"])
        # Full names: after the 2025 mergers a short "Sở Công Thương" names several.
        lead = names.full(item["owner"], w.lang) if item.get("owner") else ""
        yield f"  {plan_names.get(item['plan'], item['plan'])}: {task} — {lead} — {days}"
    yield w("cli.quickstart.digests", queued=queued.queued, already=queued.already)
    config = load_config()
    result = dispatch_all(factory, config=config)
    yield w("cli.quickstart.outbox", sent=result.sent, failed=result.failed, dead=result.dead)
    yield w("cli.quickstart.outbox_dir", path=str(config.outbox_dir))
