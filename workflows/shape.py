"""A workflow definition as JSON-ready data, for scripts (``dondoc workflows show --format json``)."""

from __future__ import annotations

from typing import Any

from workflows.definition import WorkflowDef


def to_dict(wf: WorkflowDef) -> dict[str, Any]:
    """``wf`` as data; states and transitions keep their order. Labels are the faces' to add."""
    return {
        "name": wf.name,
        "initial": wf.initial,
        "states": [
            {
                "name": s.name,
                "final": s.final,
                "completed": s.completed,
                "time_limit_days": s.time_limit_days,
            }
            for s in wf.states.values()
        ],
        "transitions": [
            {
                "trigger": t.trigger,
                "sources": list(t.sources),
                "dest": t.dest,
                "returns_to_prior": t.returns_to_prior,
                "requires": list(t.requires),
                "requires_any": list(t.requires_any),
                "evidence": t.evidence,
            }
            for t in wf.transitions
        ],
    }
