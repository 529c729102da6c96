"""Declarative workflows: one YAML definition per kind of task, checked on load.

``get(name)`` gives a validated ``WorkflowDef``; ``fire`` runs a trigger on
the workflow's cached state machine; ``render_mermaid``/``render_text``/
``to_dict`` show a definition to people and scripts.
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
from workflows.render import render_mermaid, render_text, to_dict

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
    "render_mermaid",
    "render_text",
    "to_dict",
]
