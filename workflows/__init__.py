"""Declarative workflows: one YAML definition per kind of task, checked on load.

``get(name)`` gives a validated ``WorkflowDef``; ``fire`` runs a trigger on
the workflow's cached state machine; ``to_dict`` gives a definition as data.
The errors every layer raises live here too (``workflows.errors``), on the
lowest floor, so that this package needs nothing from above.
"""

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
