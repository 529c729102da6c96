"""Declarative workflows: one YAML definition per kind of task, checked on load.

``get(name)`` gives a validated ``WorkflowDef``; ``fire`` runs a trigger on
the workflow's cached state machine; ``to_dict`` gives a definition as data.
The errors every layer raises live here too (``workflows.errors``), on the
lowest floor, so that this package needs nothing from above.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workflows.lazy import lazy_attributes

if TYPE_CHECKING:
    from workflows.definition import (
        CANCEL,
        CANCELLED,
        EVIDENCE_FIELDS,
        PRIOR_STATE,
        RESUME,
        SUSPEND,
        SUSPENDED,
        StateDef,
        TransitionDef,
        WorkflowDef,
    )
    from workflows.loader import load_file, parse
    from workflows.machine import fire
    from workflows.registry import get, names
    from workflows.shape import to_dict

# Each name is imported on first use: ``workflows.errors`` (imported by every
# layer, and by ``dondoc --help``) must not pay for the YAML loader.
_WHERE = {
    "CANCEL": "workflows.definition",
    "CANCELLED": "workflows.definition",
    "EVIDENCE_FIELDS": "workflows.definition",
    "PRIOR_STATE": "workflows.definition",
    "RESUME": "workflows.definition",
    "SUSPEND": "workflows.definition",
    "SUSPENDED": "workflows.definition",
    "StateDef": "workflows.definition",
    "TransitionDef": "workflows.definition",
    "WorkflowDef": "workflows.definition",
    "fire": "workflows.machine",
    "get": "workflows.registry",
    "load_file": "workflows.loader",
    "names": "workflows.registry",
    "parse": "workflows.loader",
    "to_dict": "workflows.shape",
}


__getattr__ = lazy_attributes(__name__, _WHERE)

__all__ = [
    "CANCEL",
    "CANCELLED",
    "EVIDENCE_FIELDS",
    "PRIOR_STATE",
    "RESUME",
    "SUSPEND",
    "SUSPENDED",
    "StateDef",
    "TransitionDef",
    "WorkflowDef",
    "fire",
    "get",
    "load_file",
    "names",
    "parse",
    "to_dict",
]
