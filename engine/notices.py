"""The facts of escalation and reminder notices: what the recipient needs to act, as data.

The sweep decides who is pressed and when; this module gathers the facts a
notice names (the plan and its legal reference, the task, its state and the
triggers allowed there, the owner, the due day, who else was told, whom to
call) and the names of every agency it mentions, as they are on the day it
is queued. ``notifiers.messages`` turns them into a subject, a text and an
HTML body in the recipient's language when the message is sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import workflows
from engine.models import Occurrence, utcnow
from engine.outbox import AgencyBook
from engine.sweep_rows import Candidate
from engine.workdays import local_day


def notice_facts(
    occ: Occurrence | Candidate,
    *,
    told: Iterable[str],
    agencies: AgencyBook,
    mentions: Iterable[str] = (),
    day: dt.date | None = None,
) -> dict[str, Any]:
    """What every escalation or reminder names; ``mentions`` are further agencies it names."""
    task = occ.task
    plan = task.plan
    wf = workflows.get(task.workflow)
    # Who holds the task on the sweep's day (engine.succession), today by default.
    day = day or local_day(utcnow())
    leads = occ.leads_on(day)
    responsible = plan.responsible_on(day)
    owner = leads[0] if leads else responsible
    told = list(told)
    named = dict.fromkeys([owner, responsible, *told, *mentions])
    return {
        "plan": plan.facts(),
        "ref": occ.ref,
        "code": task.code,
        "year": occ.year,
        "title": task.title,
        "workflow": task.workflow,
        "state": occ.state,
        "allowed": [
            {
                "trigger": t.trigger,
                "requires": list(t.requires),
                "requires_any": list(t.requires_any),
            }
            for t in wf.allowed(occ.state)
        ],
        "owner": owner,
        "responsible": responsible,
        "told": told,
        "agencies": {code: agencies.names(code) for code in named},
    }
