"""The history audit as the board and the API show it: ``engine.history.verify`` for a plan.

Offered to coordinators (``engine.authz.can_audit``); the audit itself only
reads what any signed-in user may already read, so the rule narrows an offer
rather than guards data.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.authz import can_audit
from engine.errors import NotAllowed
from engine.history import verify
from engine.lookup import get_plan
from engine.models import User


def audit(session: Session, user: User, plan_id: str | None) -> dict[str, Any]:
    """``dondoc audit verify --plan PLAN --json`` for ``user``; every plan when ``plan_id`` is empty."""
    if not can_audit(user):
        raise NotAllowed(
            f"{user.name} ({user.role}) may not run the audit; only coordinators verify the history."
        )
    if plan_id:
        get_plan(session, plan_id)  # an unknown plan is NotFound, not an empty, "intact" audit
    result = verify(session, plan_id or None)
    return {
        "ok": result.ok,
        "occurrences": result.occurrences,
        "events": result.events,
        "problems": [{**p.__dict__, "sentence": p.sentence()} for p in result.problems],
    }
