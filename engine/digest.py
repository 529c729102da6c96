"""The weekly digest's plain data: where a plan (or one agency's part of it) stands on a day.

The engine computes facts here; ``notifiers.render`` turns them into text,
HTML or Markdown, and ``engine.digest_job`` queues one per recipient agency.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import status
from engine.ladder import days_overdue
from engine.lookup import get_plan
from engine.models import Escalation, Event, Occurrence, Plan
from engine.views import task_rows
from engine.workdays import VIETNAM_TZ, default_calendar

DUE_WINDOW_DAYS = 14
CHANGES_DAYS = 7
# Catalog loading writes these events; they are bookkeeping, not news.
_CATALOG_TRIGGERS = ("create",)
_CLOSED = ("completed-on-time", "completed-late", "cancelled")


def digest_data(
    session: Session,
    *,
    plan_id: str | None = None,
    agency: str | None = None,
    as_of: dt.date,
) -> dict[str, Any]:
    """Counts by status, overdue work, what falls due soon, recent changes and targets."""
    rows = task_rows(session, plan_id=plan_id, agency=agency, as_of=as_of)
    refs = [r["ref"] for r in rows]
    counts = {c.replace("_", "-"): 0 for c in status.CATEGORIES}
    for r in rows:
        counts[r["status_category"]] += 1
    total = len(rows)
    plans = (
        [get_plan(session, plan_id)]
        if plan_id
        else list(session.scalars(select(Plan).where(Plan.id.in_({r["plan"] for r in rows}))))
    )
    return {
        "as_of": as_of.isoformat(),
        "week": _iso_week(as_of),
        "plan_id": plan_id,
        "agency": agency,
        "plans": [_plan_header(p, as_of) for p in sorted(plans, key=lambda p: p.id)],
        "total": total,
        "counts": counts,
        "percent": {k: round(100 * v / total) if total else 0 for k, v in counts.items()},
        "overdue": _overdue(session, rows, as_of),
        "due_soon": _due_soon(rows, as_of),
        "changes": _changes(session, refs, as_of),
    }


def recipients(session: Session, plan_id: str, as_of: dt.date) -> list[str]:
    """Every agency leading or co-operating on an occurrence of the plan still open on ``as_of``."""
    codes: dict[str, None] = {}
    for r in task_rows(session, plan_id=plan_id, as_of=as_of):
        if r["status_category"] not in _CLOSED:
            for code in (*r["leads"], *r["co_agencies"]):
                codes.setdefault(code, None)
    return sorted(codes)


def _iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _plan_header(plan: Plan, as_of: dt.date) -> dict[str, Any]:
    targets = []
    for t in plan.details.get("targets") or []:
        year = t.get("year")
        targets.append(
            {
                "code": t.get("code"),
                "text_vi": t.get("text_vi", ""),
                "text_en": t.get("text_en", ""),
                "figure": t.get("figure"),
                "unit": t.get("unit", ""),
                "year": year,
                # Measured values are not recorded yet, so a target can only be
                # said to be due or past its year, never met.
                "past": bool(year) and as_of.year > int(year),
            }
        )
    return {
        "id": plan.id,
        "legal_ref": plan.legal_ref,
        "title_vi": plan.title_vi,
        "title_en": plan.title_en,
        "responsible": plan.responsible_code,
        "targets": targets,
    }


def _overdue(session: Session, rows: list[dict[str, Any]], as_of: dt.date) -> list[dict[str, Any]]:
    late = [r for r in rows if r["status_category"] == "overdue"]
    levels = dict(
        session.execute(
            select(Occurrence.ref, func.max(Escalation.level))
            .join(Escalation, Escalation.occurrence_id == Occurrence.id)
            .where(
                Occurrence.ref.in_([r["ref"] for r in late]),
                Escalation.kind == "overdue",
                Escalation.as_of <= as_of,
            )
            .group_by(Occurrence.ref)
        ).all()
    )
    cal = default_calendar()
    items = []
    for r in late:
        due = dt.date.fromisoformat(r["due"])
        items.append(
            {
                "ref": r["ref"],
                "plan": r["plan"],
                "code": r["code"],
                "title": r["title"],
                "owner": r["owner"],
                "state": r["state"],
                "due": r["due"],
                "working_days_overdue": days_overdue(cal, due, as_of),
                "calendar_days_overdue": (as_of - due).days,
                "level": levels.get(r["ref"], 0),
            }
        )
    items.sort(key=lambda i: (-i["working_days_overdue"], i["ref"]))
    return items


def _due_soon(rows: list[dict[str, Any]], as_of: dt.date) -> list[dict[str, Any]]:
    soon = [
        {k: r[k] for k in ("ref", "plan", "code", "title", "owner", "state", "due")}
        | {"days_left": (dt.date.fromisoformat(r["due"]) - as_of).days}
        for r in rows
        if status.is_due_soon(
            r["status_category"].replace("-", "_"),
            due=dt.date.fromisoformat(r["due"]),
            as_of=as_of,
            within_days=DUE_WINDOW_DAYS,
        )
    ]
    return sorted(soon, key=lambda i: (i["due"], i["ref"]))


def _changes(session: Session, refs: list[str], as_of: dt.date) -> list[dict[str, Any]]:
    if not refs:
        return []
    # The week ending with as_of, in Vietnam's days, as UTC instants.
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), VIETNAM_TZ)
    start = end - dt.timedelta(days=CHANGES_DAYS)
    events = session.execute(
        select(Event, Occurrence.ref)
        .join(Occurrence, Event.occurrence_id == Occurrence.id)
        .where(
            Occurrence.ref.in_(refs),
            Event.at >= start.astimezone(dt.UTC),
            Event.at < end.astimezone(dt.UTC),
            Event.trigger.not_in(_CATALOG_TRIGGERS),
        )
        .order_by(Event.at, Event.id)
    ).all()
    return [
        {
            "ref": ref,
            "at": ev.at.astimezone(VIETNAM_TZ).strftime("%Y-%m-%d %H:%M"),
            "actor": ev.actor,
            "trigger": ev.trigger,
            "from": ev.from_state,
            "to": ev.to_state,
            "note": ev.note,
        }
        for ev, ref in events
    ]
