"""The workflows shipped with dondoc, found beside this package and loaded once."""

from __future__ import annotations

import threading
from importlib import resources

from workflows.definition import WorkflowDef
from workflows.errors import InvalidDefinition, NotFound
from workflows.loader import load_file

_lock = threading.Lock()
_loaded: dict[str, WorkflowDef] | None = None


def _all() -> dict[str, WorkflowDef]:
    global _loaded
    with _lock:
        if _loaded is None:
            found: dict[str, WorkflowDef] = {}
            folder = resources.files("workflows") / "definitions"
            for entry in sorted(folder.iterdir(), key=lambda e: e.name):
                if not entry.name.endswith(".yaml"):
                    continue
                wf = load_file(entry)
                stem = entry.name.removesuffix(".yaml")
                # The file name is how people find a definition; keep it honest.
                if wf.name != stem:
                    raise InvalidDefinition("workflow_file_name", file=entry.name, name=wf.name)
                found[wf.name] = wf
            _loaded = found
        return _loaded


def names() -> list[str]:
    """The names of every shipped workflow, sorted."""
    return sorted(_all())


def get(name: str) -> WorkflowDef:
    """The shipped workflow ``name``; NotFound lists the known names."""
    try:
        return _all()[name]
    except KeyError:
        raise NotFound("no_workflow", workflow=name, known=names()) from None
