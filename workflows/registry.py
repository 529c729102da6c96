"""The workflows shipped with dondoc, found beside this package and loaded once."""

from __future__ import annotations

import json
import threading
from importlib import resources
from typing import Any

from workflows.cache import cache_file, keep
from workflows.definition import WorkflowDef
from workflows.errors import InvalidDefinition, NotFound
from workflows.loader import parse, read_file

_lock = threading.Lock()
_loaded: dict[str, WorkflowDef] | None = None


def _all() -> dict[str, WorkflowDef]:
    global _loaded
    with _lock:
        if _loaded is None:
            found: dict[str, WorkflowDef] = {}
            folder = resources.files("workflows") / "definitions"
            entries = sorted(
                (e for e in folder.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name
            )
            for entry, data in zip(entries, _read_all(entries), strict=True):
                wf = parse(data, str(entry))
                stem = entry.name.removesuffix(".yaml")
                # The file name is how people find a definition; keep it honest.
                if wf.name != stem:
                    raise InvalidDefinition("workflow_file_name", file=entry.name, name=wf.name)
                found[wf.name] = wf
            _loaded = found
        return _loaded


def _read_all(entries: list[Any]) -> list[Any]:
    """The data of every definition file, from the cache when the files are unchanged.

    Importing and running the YAML parser cost about 20 ms on every command
    that lists tasks; the same data kept as JSON (under the hash of the files'
    names and bytes) is read in a fraction of a millisecond. Only the reading is
    cached: every definition is still checked (``parse``) as it loads.
    """
    sources = [part for e in entries for part in (e.name.encode(), e.read_bytes())]
    cached = cache_file("workflows", "definitions", sources, ".json")
    if cached is not None:
        try:
            data: list[Any] = json.loads(cached.read_bytes())
        except (OSError, ValueError):  # absent or damaged: read the files again
            pass
        else:
            if isinstance(data, list) and len(data) == len(entries):
                return data
    data = [read_file(e) for e in entries]
    text = json.dumps(data, ensure_ascii=False)
    # Kept only if JSON gives back the very same data (no dates, no number keys).
    if cached is not None and json.loads(text) == data:
        keep(cached, text.encode())
    return data


def names() -> list[str]:
    """The names of every shipped workflow, sorted."""
    return sorted(_all())


def get(name: str) -> WorkflowDef:
    """The shipped workflow ``name``; NotFound lists the known names."""
    try:
        return _all()[name]
    except KeyError:
        raise NotFound("no_workflow", workflow=name, known=names()) from None
