"""The audit's findings in words: where an occurrence's history stops adding up."""

from __future__ import annotations

from engine.history import AuditProblem
from notifiers.i18n import Words

# Findings about the occurrence's sealed state rather than one event (engine.seal).
STATE_PROBLEMS = ("unsealed", "seal_edited", "state_changed")


def audit_problem_text(problem: AuditProblem, w: Words) -> str:
    """One sentence: the occurrence, the event (or its whole history) and what is wrong."""
    if problem.problem in STATE_PROBLEMS:
        where = w("audit.recorded_state")
    elif problem.seq is not None:
        where = w("audit.event", seq=problem.seq, id=problem.event_id or "—")
    else:
        where = w("audit.whole_history")
    if problem.problem == "state_changed":
        changed = ", ".join(w(f"audit.fact.{key}") for key in problem.facts["changed"])
        what = w("audit.state_changed", changed=changed)
    else:
        what = w(f"audit.{problem.problem}", **problem.facts)
    return w("audit.sentence", ref=problem.ref, where=where, what=what)
