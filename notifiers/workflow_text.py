"""Showing a workflow to people: a Mermaid state diagram and a text summary, in either language."""

from __future__ import annotations

from typing import Any

from notifiers.i18n import words
from workflows.definition import CANCEL, CANCELLED, RESUME, SUSPEND, SUSPENDED, WorkflowDef

_COMMON = {SUSPEND, RESUME, CANCEL}


def render_mermaid(wf: WorkflowDef, lang: str = "vi", common: bool = True) -> str:
    """A Mermaid ``stateDiagram-v2`` of ``wf``, states labelled, edges labelled by trigger.

    ``common=False`` leaves out suspend/resume/cancel, which otherwise add an
    edge from every working state and can crowd a large diagram.
    """
    w = words(lang)
    lines = ["stateDiagram-v2"]
    shown = [s for s in wf.states.values() if common or s.name not in {SUSPENDED, CANCELLED}]
    for s in shown:
        lines.append(f"    {s.name}: {w.state(wf.name, s.name)}")
    lines.append(f"    [*] --> {wf.initial}")
    for t in wf.transitions:
        if t.trigger in _COMMON and not common:
            continue
        dests = wf.resumable_states() if t.returns_to_prior else [t.dest]
        for source in t.sources:
            for dest in dests:
                lines.append(f"    {source} --> {dest}: {t.trigger}")
    for s in shown:
        if s.final:
            lines.append(f"    {s.name} --> [*]")
    return "\n".join(lines) + "\n"


def render_text(wf: WorkflowDef, lang: str = "vi") -> str:
    """A plain summary of ``wf`` for ``dondoc workflows show``, in ``lang``."""
    w = words(lang)
    width = max(len(n) for n in wf.states)
    lines = [f"{wf.name}: {w.workflow(wf.name)}", "", f"{w('workflow_text.states')}:"]
    for s in wf.states.values():
        notes = []
        if s.name == wf.initial:
            notes.append(w("workflow_text.initial"))
        if s.final:
            notes.append(w("workflow_text.completed" if s.completed else "workflow_text.final"))
        if s.time_limit_days is not None:
            notes.append(w.plural("workflow_text.limit", s.time_limit_days))
        note = f"  ({'; '.join(notes)})" if notes else ""
        lines.append(f"  {s.name:<{width}}  {w.state(wf.name, s.name)}{note}")
    lines += ["", f"{w('workflow_text.transitions')}:"]
    for t in wf.transitions:
        dest = f"({w('workflow_text.prior')})" if t.returns_to_prior else t.dest
        label = w.trigger(wf.name, t.trigger)
        lines.append(f"  {t.trigger}: {', '.join(t.sources)} -> {dest}  [{label}]")
        # Field names as ``--field`` takes them: this summary is for administrators.
        if t.requires:
            lines.append(f"      {w('workflow_text.requires')}: {', '.join(t.requires)}")
        if t.requires_any:
            lines.append(f"      {w('workflow_text.requires_any')}: {', '.join(t.requires_any)}")
    return "\n".join(lines) + "\n"


def labelled(data: dict[str, object], wf: WorkflowDef) -> dict[str, object]:
    """``workflows.to_dict(wf)`` with the labels scripts read: ``title_vi``/``title_en``, ``label_vi``/``label_en``."""
    vi, en = words("vi"), words("en")
    states = [
        {**s, "label_vi": vi.state(wf.name, s["name"]), "label_en": en.state(wf.name, s["name"])}
        for s in data["states"]  # type: ignore[attr-defined]
    ]
    transitions = [
        {
            **t,
            "label_vi": vi.trigger(wf.name, t["trigger"]),
            "label_en": en.trigger(wf.name, t["trigger"]),
        }
        for t in data["transitions"]  # type: ignore[attr-defined]
    ]
    return {
        **data,
        "title_vi": vi.workflow(wf.name),
        "title_en": en.workflow(wf.name),
        "states": states,
        "transitions": transitions,
    }


def label_record(record: dict[str, Any]) -> dict[str, Any]:
    """An occurrence record (``engine.views.occurrence_record``) with the labels scripts read.

    ``state_label`` (Vietnamese) and each allowed trigger's ``label_vi`` and
    ``label_en``, as ``dondoc show --json`` and the API have always given them.
    """
    vi, en = words("vi"), words("en")
    workflow = str(record["workflow"])
    allowed = [
        {
            **t,
            "label_vi": vi.trigger(workflow, t["trigger"]),
            "label_en": en.trigger(workflow, t["trigger"]),
        }
        for t in record["allowed"]
    ]
    labelled_record: dict[str, Any] = {}
    for key, value in record.items():
        labelled_record[key] = allowed if key == "allowed" else value
        if key == "state":
            labelled_record["state_label"] = vi.state(workflow, str(value))
    return labelled_record
