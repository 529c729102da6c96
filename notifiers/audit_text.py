"""The audit's findings in words: where an occurrence's history stops adding up."""

from __future__ import annotations

from engine.history import AuditProblem
from notifiers.i18n import Words


def audit_problem_text(problem: AuditProblem, w: Words) -> str:
    """One sentence: the occurrence, the event (or its whole history) and what is wrong."""
    if problem.seq is not None:
        where = w("audit.event", seq=problem.seq, id=problem.event_id or "—")
    else:
        where = w("audit.whole_history")
    what = w(f"audit.{problem.problem}", **problem.facts)
    return w("audit.sentence", ref=problem.ref, where=where, what=what)
