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

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import object_session

from engine.errors import NotAllowed
from engine.models import Occurrence, Plan, Task, User, utcnow
from engine.names import named_agencies
from engine.workdays import local_day
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


@dataclass(frozen=True)
class Holders:
    """Who holds a task's roles today: the annex's agencies after the successions applied.

    An officer of the agency that took over (engine.succession) acts on the
    inherited task; one of the agency that ended no longer does.
    """

    responsible: str
    leads: list[str]
    co: list[str]

    @classmethod
    def of(cls, plan: Plan, task: Task, occ: Occurrence | None, day: dt.date | None) -> Holders:
        day = day or local_day(utcnow())
        if occ is None:
            return cls(plan.responsible_on(day), list(task.leads), list(task.co_agencies))
        return cls(plan.responsible_on(day), occ.leads_on(day), occ.co_on(day))


def _coordinates(user: User, held: Holders) -> bool:
    return user.active and user.role == "coordinator" and user.agency_code == held.responsible


def _advances(user: User, held: Holders) -> bool:
    if _coordinates(user, held):
        return True
    return user.active and user.role == "officer" and user.agency_code in held.leads


def _comments(user: User, held: Holders) -> bool:
    if _advances(user, held):
        return True
    return user.active and user.role in ("contributor", "officer") and user.agency_code in held.co


def can_advance(
    user: User, plan: Plan, task: Task, occ: Occurrence | None = None, day: dt.date | None = None
) -> bool:
    """Fire the task's workflow triggers: the plan's coordinators and the lead agencies' officers."""
    return _advances(user, Holders.of(plan, task, occ, day))


def can_comment(
    user: User, plan: Plan, task: Task, occ: Occurrence | None = None, day: dt.date | None = None
) -> bool:
    """Comment or add a contribution: whoever may advance, and the co-operating agencies."""
    return _comments(user, Holders.of(plan, task, occ, day))


def can_backdate(user: User, plan: Plan, day: dt.date | None = None) -> bool:
    """Record a step on an earlier day than today: a coordinator's correction of the record."""
    held = Holders(plan.responsible_on(day or local_day(utcnow())), [], [])
    return _coordinates(user, held)


def can_audit(user: User) -> bool:
    """Verifying the history is offered to coordinators (it reads what anyone may read)."""
    return user.active and user.role == "coordinator"


def can_load_plan(user: User, province: str) -> bool:
    """Load (or reload) a plan of ``province`` from the board: a coordinator of that province."""
    return (
        user.active and user.role == "coordinator" and user.agency_code.startswith(f"{province}/")
    )


def require_load_plan(user: User, province: str, plan_id: str) -> None:
    """Raise ``NotAllowed`` unless ``user`` may load plan ``plan_id`` of ``province``."""
    if can_load_plan(user, province):
        return
    from engine.names import AgencyNames

    session = object_session(user)
    name = AgencyNames.read(session).province(province) if session is not None else province
    named = Named(province, {"vi": name, "en": name})
    raise NotAllowed("load_plan", plan=plan_id, province=named, **actor_facts(user))


def offer(
    user: User, plan: Plan, task: Task, *, archived: bool = False, occ: Occurrence | None = None
) -> Offer:
    """What ``user`` may do on an occurrence of ``task`` today; nothing on an archived one."""
    if archived:
        return Offer(advance=False, comment=False, backdate=False)
    held = Holders.of(plan, task, occ, None)
    advance = _advances(user, held)
    return Offer(
        advance=advance,
        comment=_comments(user, held),
        backdate=advance and _coordinates(user, held),
    )


def actor_facts(user: User, agency: Named | str | None = None) -> dict[str, Any]:
    """Who was refused, as the facts of a ``NotAllowed``: agencies by name in the sentence
    (``agency``, when the caller named it already with the other agencies of its refusal)."""
    if agency is None:
        (agency,) = _named(user, user.agency_code)
    return {"actor": user.name, "role": user.role, "agency": agency}


def _named(anchor: object, *codes: str) -> list[Named | str]:
    """``codes`` as ``Named`` agencies, read once through ``anchor``'s session (codes without one)."""
    session = object_session(anchor)
    return list(named_agencies(session, *codes)) if session is not None else list(codes)


def require(
    user: User,
    plan: Plan,
    task: Task,
    trigger: str,
    ref: str,
    occ: Occurrence | None = None,
) -> None:
    """Raise ``NotAllowed`` unless ``user`` may fire ``trigger`` on the task today."""
    held = Holders.of(plan, task, occ, None)
    allowed = _comments(user, held) if trigger in COMMENT_TRIGGERS else _advances(user, held)
    if allowed:
        return
    # The annex named the user's agency, but its work has passed to a successor.
    lost = (
        _ended(user)
        and user.agency_code in (*task.leads, *task.co_agencies)
        and user.agency_code not in (*held.leads, *held.co)
    )
    if not user.active:
        reason = "inactive"
    elif user.role == "viewer":
        reason = "viewer"
    elif lost:
        reason = "agency_ended"
    elif trigger in COMMENT_TRIGGERS:
        reason = "not_involved"
    elif user.agency_code in held.co:
        reason = "co_operating_only"
    else:
        reason = "not_lead"
    owner_code = held.leads[0] if held.leads else held.responsible
    agency, responsible, owner = _named(plan, user.agency_code, held.responsible, owner_code)
    raise NotAllowed(
        reason,
        ref=ref,
        trigger=trigger,
        workflow=task.workflow,
        responsible=responsible,
        owner=owner,
        **actor_facts(user, agency),
    )


def _ended(user: User) -> bool:
    """Whether the user's agency has ended (a succession took its work over)."""
    until = user.agency.valid_until if user.agency is not None else None
    return until is not None and until < local_day(utcnow())


def require_backdate(user: User, plan: Plan, ref: str) -> None:
    """Raise ``NotAllowed`` unless ``user`` may record a step of ``plan`` on an earlier day."""
    if not can_backdate(user, plan):
        responsible_code = plan.responsible_on(local_day(utcnow()))
        agency, responsible = _named(plan, user.agency_code, responsible_code)
        raise NotAllowed("backdate", ref=ref, responsible=responsible, **actor_facts(user, agency))


def require_audit(user: User) -> None:
    """Raise ``NotAllowed`` unless ``user`` may run the history audit."""
    if not can_audit(user):
        raise NotAllowed("audit", **actor_facts(user))


# ---------------------------------------------------------------- people and agencies


def can_manage_people(actor: User | None, province: str) -> bool:
    """Manage the accounts and agencies of ``province``: its coordinators, and the administrator.

    ``None`` is the administrator who holds the database (the command line
    without ``--as``); a coordinator manages the people and agencies of his
    own agency's province only.
    """
    if actor is None:
        return True
    return actor.active and actor.role == "coordinator" and actor.agency.province == province


def require_manage_people(actor: User | None, province: str, *, target: str = "") -> None:
    """Raise ``NotAllowed`` unless ``actor`` may manage the accounts and agencies of ``province``."""
    if not can_manage_people(actor, province):
        assert actor is not None
        raise NotAllowed("manage_people", target=target, **actor_facts(actor))


def require_not_self(actor: User | None, name: str) -> None:
    """A coordinator does not disable or demote himself: the province would lose its hand."""
    if actor is not None and actor.name == name:
        raise NotAllowed("own_account", **actor_facts(actor))


# ---------------------------------------------------------------- the follow-up cycle


def report_role(
    user: User, plan: Plan, task: Task, occ: Occurrence, day: dt.date | None = None
) -> tuple[str, str] | None:
    """Which agency ``user`` reports for on ``occ``, and as what: ("lead" or "co"), or None.

    A lead agency's officer reports for their agency; the plan's coordinator
    records the owner's report (a paper report typed in); a co-operating
    agency's officer or contributor adds a contribution.
    """
    held = Holders.of(plan, task, occ, day)
    if not user.active:
        return None
    if user.role == "officer" and user.agency_code in held.leads:
        return user.agency_code, "lead"
    if _coordinates(user, held):
        if user.agency_code in held.leads or not held.leads:
            return user.agency_code, "lead"
        return held.leads[0], "lead"
    if user.role in ("officer", "contributor") and user.agency_code in held.co:
        return user.agency_code, "co"
    return None


def require_report(
    user: User, plan: Plan, task: Task, occ: Occurrence, day: dt.date | None = None
) -> tuple[str, str]:
    """The (agency, role) ``user`` reports as on ``occ``; ``NotAllowed`` when none."""
    found = report_role(user, plan, task, occ, day)
    if found is not None:
        return found
    held = Holders.of(plan, task, occ, day)
    reason = "inactive" if not user.active else "viewer" if user.role == "viewer" else "report"
    owner_code = held.leads[0] if held.leads else held.responsible
    agency, responsible, owner = _named(plan, user.agency_code, held.responsible, owner_code)
    raise NotAllowed(
        reason,
        ref=occ.ref,
        trigger="report",
        workflow=task.workflow,
        responsible=responsible,
        owner=owner,
        **actor_facts(user, agency),
    )


def can_decide_cycle(user: User, plan: Plan, day: dt.date | None = None) -> bool:
    """Close a reporting period, decide an extension: the plan's coordinators.

    A plan naming another deciding level is not read yet: its coordinators decide.
    """
    held = Holders(plan.responsible_on(day or local_day(utcnow())), [], [])
    return _coordinates(user, held)


def require_close_period(user: User, plan: Plan) -> None:
    if not can_decide_cycle(user, plan):
        raise NotAllowed("close_period", plan=plan.id, **actor_facts(user))


def can_request_extension(
    user: User, plan: Plan, task: Task, occ: Occurrence, day: dt.date | None = None
) -> bool:
    """Ask for a later due day: the lead agencies' officers, and the coordinators for them."""
    return _advances(user, Holders.of(plan, task, occ, day))


def require_extension_request(
    user: User, plan: Plan, task: Task, occ: Occurrence, day: dt.date | None = None
) -> str:
    """The agency asking (the user's, or the owner's when a coordinator asks for it)."""
    held = Holders.of(plan, task, occ, day)
    if not _advances(user, held):
        reason = (
            "inactive" if not user.active else "viewer" if user.role == "viewer" else "not_lead"
        )
        owner_code = held.leads[0] if held.leads else held.responsible
        agency, responsible, owner = _named(plan, user.agency_code, held.responsible, owner_code)
        raise NotAllowed(
            reason,
            ref=occ.ref,
            trigger="extension_request",
            workflow=task.workflow,
            responsible=responsible,
            owner=owner,
            **actor_facts(user, agency),
        )
    if user.agency_code in held.leads or not held.leads:
        return user.agency_code
    return held.leads[0]


def require_extension_decision(user: User, plan: Plan, ref: str) -> None:
    if not can_decide_cycle(user, plan):
        responsible_code = plan.responsible_on(local_day(utcnow()))
        agency, responsible = _named(plan, user.agency_code, responsible_code)
        raise NotAllowed(
            "extension_decision", ref=ref, responsible=responsible, **actor_facts(user, agency)
        )
