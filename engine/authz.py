"""Who may do what: the roles of DESIGN.md, enforced by the engine itself.

- coordinator: of the plan's responsible department, acts on every task of the
  plan, may record a step on an earlier day (``--at``), and runs the audit;
- officer: of a lead agency, acts on that agency's tasks;
- contributor: of a co-operating agency, comments and attaches contributions;
- viewer: reads.

Every face asks this module and nothing else: the engine's transition calls
``require`` and ``require_backdate``, the board shows what ``offer`` says,
the audit calls ``require_audit``. A refusal is a ``NotAllowed`` whose
``reason`` says which rule refused, with the actor and the task as facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import object_session

from engine.errors import NotAllowed
from engine.models import Plan, Task, User
from engine.names import named_agencies
from workflows.errors import Named

ROLES = ("coordinator", "officer", "contributor", "viewer")
# Triggers that add to the history without changing state.
COMMENT_TRIGGERS = ("comment", "contribute")


@dataclass(frozen=True)
class Offer:
    """What one user may do on one occurrence: exactly what the board offers."""

    advance: bool
    comment: bool
    backdate: bool


def _coordinates(user: User, plan: Plan) -> bool:
    return user.active and user.role == "coordinator" and user.agency_code == plan.responsible_code


def can_advance(user: User, plan: Plan, task: Task) -> bool:
    """Fire the task's workflow triggers: the plan's coordinators and the lead agencies' officers."""
    if _coordinates(user, plan):
        return True
    return user.active and user.role == "officer" and user.agency_code in task.leads


def can_comment(user: User, plan: Plan, task: Task) -> bool:
    """Comment or add a contribution: whoever may advance, and the co-operating agencies."""
    if can_advance(user, plan, task):
        return True
    return (
        user.active
        and user.role in ("contributor", "officer")
        and user.agency_code in task.co_agencies
    )


def can_backdate(user: User, plan: Plan) -> bool:
    """Record a step on an earlier day than today: a coordinator's correction of the record."""
    return _coordinates(user, plan)


def can_audit(user: User) -> bool:
    """Verifying the history is offered to coordinators (it reads what anyone may read)."""
    return user.active and user.role == "coordinator"


def offer(user: User, plan: Plan, task: Task, *, archived: bool = False) -> Offer:
    """What ``user`` may do on an occurrence of ``task``; nothing on an archived one."""
    if archived:
        return Offer(advance=False, comment=False, backdate=False)
    advance = can_advance(user, plan, task)
    return Offer(
        advance=advance,
        comment=can_comment(user, plan, task),
        backdate=advance and can_backdate(user, plan),
    )


def actor_facts(user: User) -> dict[str, Any]:
    """Who was refused, as the facts of a ``NotAllowed``: agencies by name in the sentence."""
    return {"actor": user.name, "role": user.role, "agency": _named(user, user.agency_code)}


def _named(anchor: object, code: str) -> Named | str:
    """``code`` as a ``Named`` agency, read through ``anchor``'s session (the code without one)."""
    session = object_session(anchor)
    return named_agencies(session, code)[0] if session is not None else code


def require(user: User, plan: Plan, task: Task, trigger: str, ref: str) -> None:
    """Raise ``NotAllowed`` unless ``user`` may fire ``trigger`` on the task."""
    allowed = (
        can_comment(user, plan, task)
        if trigger in COMMENT_TRIGGERS
        else can_advance(user, plan, task)
    )
    if allowed:
        return
    if not user.active:
        reason = "inactive"
    elif user.role == "viewer":
        reason = "viewer"
    elif trigger in COMMENT_TRIGGERS:
        reason = "not_involved"
    elif user.agency_code in task.co_agencies:
        reason = "co_operating_only"
    else:
        reason = "not_lead"
    raise NotAllowed(
        reason,
        ref=ref,
        trigger=trigger,
        workflow=task.workflow,
        responsible=_named(plan, plan.responsible_code),
        owner=_named(plan, task.leads[0] if task.leads else plan.responsible_code),
        **actor_facts(user),
    )


def require_backdate(user: User, plan: Plan, ref: str) -> None:
    """Raise ``NotAllowed`` unless ``user`` may record a step of ``plan`` on an earlier day."""
    if not can_backdate(user, plan):
        raise NotAllowed(
            "backdate",
            ref=ref,
            responsible=_named(plan, plan.responsible_code),
            **actor_facts(user),
        )


def require_audit(user: User) -> None:
    """Raise ``NotAllowed`` unless ``user`` may run the history audit."""
    if not can_audit(user):
        raise NotAllowed("audit", **actor_facts(user))
