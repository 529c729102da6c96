"""The history audit as the board and the API show it: ``engine.history.audit`` for a plan.

Offered to coordinators (``engine.authz.can_audit``, asked by the engine);
the audit itself only reads what any signed-in user may already read, so the
rule narrows an offer rather than guards data.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.history import audit as run_audit
from engine.models import User
from notifiers.audit_text import audit_problem_text
from notifiers.i18n import words


def audit(session: Session, user: User, plan_id: str | None, lang: str) -> dict[str, Any]:
    """``dondoc audit verify --plan PLAN --json`` for ``user``; every plan when ``plan_id`` is empty."""
    result = run_audit(session, user, plan_id or None)
    w = words(lang)
    return {
        "ok": result.ok,
        "occurrences": result.occurrences,
        "events": result.events,
        "problems": [{**p.__dict__, "sentence": audit_problem_text(p, w)} for p in result.problems],
    }
