"""Showing a workflow: a Mermaid state diagram, a text summary, JSON-ready data."""

from __future__ import annotations

from typing import Any

from workflows.definition import CANCEL, RESUME, SUSPEND, WorkflowDef

_COMMON = {SUSPEND, RESUME, CANCEL}

_WORDS = {
    "vi": {
        "states": "Trạng thái",
        "transitions": "Chuyển trạng thái",
        "initial": "bắt đầu",
        "completed": "kết thúc, hoàn thành",
        "final": "kết thúc",
        "limit": "thời hạn {days} ngày",
        "requires": "cần",
        "requires_any": "cần ít nhất một trong",
        "prior": "trạng thái trước khi tạm dừng",
    },
    "en": {
        "states": "States",
        "transitions": "Transitions",
        "initial": "start",
        "completed": "final, completed",
        "final": "final",
        "limit": "time limit {days} days",
        "requires": "requires",
        "requires_any": "requires one of",
        "prior": "the state before suspension",
    },
}


def render_mermaid(wf: WorkflowDef, lang: str = "vi", common: bool = True) -> str:
    """A Mermaid ``stateDiagram-v2`` of ``wf``, edges labelled by trigger.

    ``common=False`` leaves out suspend/resume/cancel, which otherwise add an
    edge from every working state and can crowd a large diagram.
    """
    lines = ["stateDiagram-v2"]
    shown = [s for s in wf.states.values() if common or s.name not in {"suspended", "cancelled"}]
    for s in shown:
        lines.append(f"    {s.name}: {s.label(lang)}")
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
    words = _WORDS["en" if lang == "en" else "vi"]
    width = max(len(n) for n in wf.states)
    lines = [f"{wf.name}: {wf.title(lang)}", "", f"{words['states']}:"]
    for s in wf.states.values():
        notes = []
        if s.name == wf.initial:
            notes.append(words["initial"])
        if s.final:
            notes.append(words["completed"] if s.completed else words["final"])
        if s.time_limit_days is not None:
            notes.append(words["limit"].format(days=s.time_limit_days))
        note = f"  ({'; '.join(notes)})" if notes else ""
        lines.append(f"  {s.name:<{width}}  {s.label(lang)}{note}")
    lines += ["", f"{words['transitions']}:"]
    for t in wf.transitions:
        dest = f"({words['prior']})" if t.returns_to_prior else t.dest
        lines.append(f"  {t.trigger}: {', '.join(t.sources)} -> {dest}  [{t.label(lang)}]")
        if t.requires:
            lines.append(f"      {words['requires']}: {', '.join(t.requires)}")
        if t.requires_any:
            lines.append(f"      {words['requires_any']}: {', '.join(t.requires_any)}")
    return "\n".join(lines) + "\n"


def to_dict(wf: WorkflowDef) -> dict[str, Any]:
    """``wf`` as JSON-ready data; states and transitions keep their order."""
    return {
        "name": wf.name,
        "title_vi": wf.title_vi,
        "title_en": wf.title_en,
        "initial": wf.initial,
        "states": [
            {
                "name": s.name,
                "label_vi": s.label_vi,
                "label_en": s.label_en,
                "final": s.final,
                "completed": s.completed,
                "time_limit_days": s.time_limit_days,
            }
            for s in wf.states.values()
        ],
        "transitions": [
            {
                "trigger": t.trigger,
                "label_vi": t.label_vi,
                "label_en": t.label_en,
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
