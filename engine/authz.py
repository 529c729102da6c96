"""Who may do what: the roles of DESIGN.md, enforced by the engine itself.

- coordinator: of the plan's responsible department, acts on every task of the plan;
- officer: of a lead agency, acts on that agency's tasks;
- contributor: of a co-operating agency, comments and attaches contributions;
- viewer: reads.
"""

from __future__ import annotations

from engine.errors import NotAllowed
from engine.models import Plan, Task, User

ROLES = ("coordinator", "officer", "contributor", "viewer")
# Triggers that add to the history without changing state.
COMMENT_TRIGGERS = ("comment", "contribute")


def can_advance(user: User, plan: Plan, task: Task) -> bool:
    if not user.active:
        return False
    if user.role == "coordinator" and user.agency_code == plan.responsible_code:
        return True
    return user.role == "officer" and user.agency_code in task.leads


def can_comment(user: User, plan: Plan, task: Task) -> bool:
    if can_advance(user, plan, task):
        return True
    return (
        user.active
        and user.role in ("contributor", "officer")
        and user.agency_code in task.co_agencies
    )


def can_audit(user: User) -> bool:
    """Verifying the history is offered to coordinators (it reads what anyone may read)."""
    return user.active and user.role == "coordinator"


def require(user: User, plan: Plan, task: Task, trigger: str, ref: str) -> None:
    """Raise ``NotAllowed`` unless ``user`` may fire ``trigger`` on the task."""
    allowed = (
        can_comment(user, plan, task)
        if trigger in COMMENT_TRIGGERS
        else can_advance(user, plan, task)
    )
    if allowed:
        return
    if user.role == "viewer":
        why = "viewers can only read"
    elif trigger in COMMENT_TRIGGERS:
        why = f"{user.agency_code} is neither a lead nor a co-operating agency of this task"
    elif user.agency_code in task.co_agencies:
        why = f"{user.agency_code} co-operates on this task and may only comment"
    else:
        why = f"{user.agency_code} is not a lead agency of this task"
    raise NotAllowed(
        f"{user.name} ({user.role}, {user.agency_code}) may not {trigger} {ref}: {why}; "
        f"ask a coordinator of {plan.responsible_code} or an officer of {task.leads[0]}."
    )
