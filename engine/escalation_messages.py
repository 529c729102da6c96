"""The texts of escalation and reminder messages: the facts they name, rendered by the Jinja templates.

The sweep decides who is pressed and when; this module gathers what the
recipient needs to act (the plan and its legal reference, the task, the
owner, the due day, who else was told, the exact ``dondoc advance`` commands
the current state allows, whom to call) and renders subject, text and HTML
through ``notifiers/templates/escalation.*`` and ``reminder.*``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import workflows
from engine.models import Occurrence
from notifiers.outbox import AgencyBook
from notifiers.render import COLOURS, labels, oneline, render

OVERDUE = "overdue"


@dataclass(frozen=True)
class RenderedMessage:
    """A message ready for the outbox: one-line subject, text body and HTML body."""

    subject: str
    text: str
    html: str


def escalation_message(
    occ: Occurrence,
    *,
    kind: str,
    due: dt.date,
    days_overdue: int,
    level: int,
    target: str,
    told: Sequence[str],
    caught_up_levels: Sequence[int],
    limit_days: int | None,
    agencies: AgencyBook,
    lang: str,
) -> RenderedMessage:
    """An overdue or state-time-limit escalation at ``level``, addressed to ``target``.

    ``caught_up_levels`` are the lower levels recorded in the same sweep
    (after downtime); the message says so rather than sending each of them.
    """
    L = labels(lang)
    data = _facts(occ, told, agencies, lang)
    state = data["state"]
    subject_key = "msg_subject_overdue" if kind == OVERDUE else "msg_subject_state"
    heading_key = "msg_heading_overdue" if kind == OVERDUE else "msg_heading_state"
    data.update(
        subject=oneline(L[subject_key].format(ref=occ.ref, level=level, state=state)),
        heading=L[heading_key].format(level=level, state=state),
        colour=COLOURS["overdue"],
        due=due.isoformat(),
        days_overdue=days_overdue,
        level=level,
        target=_agency(agencies, target, lang),
        caught_up=span(caught_up_levels),
        limit=None if kind == OVERDUE else {"days": limit_days, "due": due.isoformat()},
    )
    return _render("escalation", data, lang)


def reminder_message(
    occ: Occurrence, *, days_left: int, told: Sequence[str], agencies: AgencyBook, lang: str
) -> RenderedMessage:
    """A reminder that ``occ`` falls due in ``days_left`` calendar days."""
    L = labels(lang)
    data = _facts(occ, told, agencies, lang)
    due = occ.due.isoformat()
    data.update(
        subject=oneline(L["msg_subject_reminder"].format(ref=occ.ref, due=due, days=days_left)),
        heading=L["msg_heading_reminder"].format(days=days_left),
        colour=COLOURS["in-progress"],
        due=due,
        days_left=days_left,
    )
    return _render("reminder", data, lang)


def span(levels: Sequence[int]) -> str:
    """``[1, 2]`` → ``"1-2"``; a gap keeps the list (``"1, 3"``); nothing → ``""``."""
    levels = list(levels)
    if len(levels) > 1 and levels == list(range(levels[0], levels[-1] + 1)):
        return f"{levels[0]}-{levels[-1]}"
    return ", ".join(str(x) for x in levels)


def _render(name: str, data: dict[str, Any], lang: str) -> RenderedMessage:
    return RenderedMessage(
        subject=data["subject"],
        text=render(name, "text", data, lang=lang),
        html=render(name, "html", data, lang=lang),
    )


def _facts(occ: Occurrence, told: Sequence[str], agencies: AgencyBook, lang: str) -> dict[str, Any]:
    """What every message names: plan, task, owner, who else is told, what to do."""
    task = occ.task
    plan = task.plan
    wf = workflows.get(task.workflow)
    owner = task.leads[0] if task.leads else plan.responsible_code
    return {
        "plan": {
            "id": plan.id,
            "legal_ref": plan.legal_ref,
            "title": plan.title_en if lang == "en" and plan.title_en else plan.title_vi,
        },
        "ref": occ.ref,
        "title": task.title,
        "owner": _agency(agencies, owner, lang),
        "responsible": _agency(agencies, plan.responsible_code, lang),
        "told": [_agency(agencies, code, lang) for code in told],
        "state": wf.state(occ.state).label(lang),
        "commands": [_command(occ.ref, t, lang) for t in wf.allowed(occ.state)],
    }


def _agency(agencies: AgencyBook, code: str, lang: str) -> dict[str, str]:
    return {"code": code, "name": agencies[code].name(lang)}


def _command(ref: str, t: workflows.TransitionDef, lang: str) -> dict[str, Any]:
    """The exact command line for one allowed trigger, its required fields as placeholders."""
    fields = [*t.requires, *t.requires_any[:1]]
    command = " ".join([f"dondoc advance {ref} {t.trigger}", *(f"--field {f}=..." for f in fields)])
    return {"command": command, "label": t.label(lang), "alternatives": list(t.requires_any[1:])}
