"""Reading workflow definitions from YAML, checking them, and adding the common triggers.

A definition file holds one workflow; its keys are the field names of
``WorkflowDef``, ``StateDef`` and ``TransitionDef``::

    name: directive
    title_vi: Chỉ thị
    title_en: Directive
    states:
      drafting:   {label_vi: Dự thảo, label_en: Drafting, initial: true}
      consulting: {label_vi: Lấy ý kiến, label_en: Consultation, time_limit_days: 30}
      issued:     {label_vi: Đã ban hành, label_en: Issued, final: true, completed: true}
    transitions:
      - trigger: issue
        label_vi: Ban hành
        label_en: Issue
        sources: [submitted]          # one name or a list
        dest: issued
        requires: [document_number, document_date]   # all of these
        requires_any: [a, b]          # at least one of these
        evidence: true                # shorthand: requires_any = the evidence fields

``suspend``, ``resume`` and ``cancel`` and the states ``suspended`` and
``cancelled`` are added here to every workflow, so files never declare them.
Every problem found is reported at once, naming the file and the states.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import yaml

from engine.errors import InvalidDefinition
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

_TOP_KEYS = {"name", "title_vi", "title_en", "states", "transitions"}
_STATE_KEYS = {"label_vi", "label_en", "initial", "final", "completed", "time_limit_days"}
_TRANSITION_KEYS = {
    "trigger",
    "label_vi",
    "label_en",
    "sources",
    "dest",
    "requires",
    "requires_any",
    "evidence",
}
# libyaml's loader gives the same data as the pure-Python safe loader about
# ten times faster; every command that lists tasks parses all the definitions.
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESERVED_STATES = {SUSPENDED, CANCELLED, PRIOR_STATE}
_RESERVED_TRIGGERS = {SUSPEND, RESUME, CANCEL}


class _Readable(Protocol):
    """A file path or an ``importlib.resources`` traversable."""

    def read_text(self, encoding: str | None = ...) -> str: ...


def load_file(path: str | Path | _Readable) -> WorkflowDef:
    """Read, check and complete the workflow defined in ``path``."""
    source = str(path)
    readable = Path(path) if isinstance(path, str) else path
    try:
        text = readable.read_text(encoding="utf-8")
    except OSError as err:
        raise InvalidDefinition(f"Cannot read workflow definition {source}: {err}.") from None
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as err:
        raise InvalidDefinition(
            f"Workflow definition {source} is not valid YAML: {err}".rstrip(".") + "."
        ) from None
    return parse(data, source)


def parse(data: Any, source: str = "<data>") -> WorkflowDef:
    """Check a definition already read into Python data and complete it."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise InvalidDefinition(f"Workflow definition {source} must be a mapping of keys.")
    name = data.get("name")
    where = f"{source} ({name})" if isinstance(name, str) else source
    _check_keys(
        data,
        _TOP_KEYS,
        {"name", "title_vi", "title_en", "states", "transitions"},
        "the workflow",
        problems,
    )
    states, initials = _parse_states(data.get("states"), problems)
    transitions = _parse_transitions(data.get("transitions"), problems)
    if not problems:
        _check_graph(states, initials, transitions, problems)
    if problems:
        raise InvalidDefinition(f"Workflow definition {where} is invalid: {'; '.join(problems)}.")
    return _with_common(
        WorkflowDef(
            name=str(name),
            title_vi=str(data["title_vi"]),
            title_en=str(data["title_en"]),
            initial=initials[0],
            states=states,
            transitions=tuple(transitions),
            source=source,
        )
    )


def _parse_states(raw: Any, problems: list[str]) -> tuple[dict[str, StateDef], list[str]]:
    """The declared states, and the names of those marked ``initial: true``.

    StateDef has no initial flag: a workflow has one initial state, kept on
    WorkflowDef, but a broken file may mark several and each must be named.
    """
    if not isinstance(raw, dict) or not raw:
        problems.append("'states' must be a non-empty mapping of state name to its labels")
        return {}, []
    states: dict[str, StateDef] = {}
    initials: list[str] = []
    for name, spec in raw.items():
        what = f"state {name}"
        if not isinstance(name, str) or not name:
            problems.append(f"state name {name!r} must be a non-empty string")
            continue
        if name in _RESERVED_STATES:
            problems.append(f"{what} is added to every workflow and must not be declared")
            continue
        if not isinstance(spec, dict):
            problems.append(f"{what} must be a mapping with label_vi and label_en")
            continue
        _check_keys(spec, _STATE_KEYS, {"label_vi", "label_en"}, what, problems)
        limit = spec.get("time_limit_days")
        if limit is not None and (type(limit) is not int or limit <= 0):
            problems.append(f"{what}: time_limit_days must be a positive whole number")
            limit = None
        states[name] = StateDef(
            name=name,
            label_vi=_text(spec, "label_vi", what, problems),
            label_en=_text(spec, "label_en", what, problems),
            final=_flag(spec, "final", what, problems),
            completed=_flag(spec, "completed", what, problems),
            time_limit_days=limit,
        )
        if _flag(spec, "initial", what, problems):
            initials.append(name)
    return states, initials


def _parse_transitions(raw: Any, problems: list[str]) -> list[TransitionDef]:
    if not isinstance(raw, list) or not raw:
        problems.append("'transitions' must be a non-empty list")
        return []
    transitions: list[TransitionDef] = []
    for index, spec in enumerate(raw, start=1):
        if not isinstance(spec, dict):
            problems.append(f"transition #{index} must be a mapping")
            continue
        trigger = spec.get("trigger")
        what = f"transition {trigger}" if isinstance(trigger, str) else f"transition #{index}"
        _check_keys(
            spec,
            _TRANSITION_KEYS,
            {"trigger", "label_vi", "label_en", "sources", "dest"},
            what,
            problems,
        )
        if trigger in _RESERVED_TRIGGERS:
            problems.append(f"{what} is added to every workflow and must not be declared")
            continue
        requires_any = _names(spec, "requires_any", what, problems)
        evidence = _flag(spec, "evidence", what, problems)
        if evidence and requires_any:
            problems.append(f"{what}: give either evidence: true or requires_any, not both")
        transitions.append(
            TransitionDef(
                trigger=_text(spec, "trigger", what, problems),
                sources=_names(spec, "sources", what, problems, allow_one=True),
                dest=_text(spec, "dest", what, problems),
                label_vi=_text(spec, "label_vi", what, problems),
                label_en=_text(spec, "label_en", what, problems),
                requires=_names(spec, "requires", what, problems),
                requires_any=EVIDENCE_FIELDS if evidence else requires_any,
                evidence=evidence,
            )
        )
    return transitions


def _check_graph(
    states: dict[str, StateDef],
    initials: list[str],
    transitions: list[TransitionDef],
    problems: list[str],
) -> None:
    """The structural rules: one start, all reachable, no dead ends, finals stay final."""

    def report(message: str, names: list[str]) -> None:
        if names:
            problems.append(f"{message}: {', '.join(names)}")

    if len(initials) != 1:
        found = ", ".join(initials) if initials else "none"
        problems.append(f"exactly one state must be initial: true (found: {found})")
    report(
        "states marked completed must also be final",
        [n for n, s in states.items() if s.completed and not s.final],
    )
    report(
        "a workflow needs a final state that is completed: true; none among",
        [] if any(s.completed for s in states.values()) else list(states),
    )

    undeclared: list[str] = []
    for t in transitions:
        undeclared += [f"{s} (source of {t.trigger})" for s in t.sources if s not in states]
        if t.dest not in states:
            undeclared.append(f"{t.dest} (destination of {t.trigger})")
    report("transitions name undeclared states", undeclared)

    seen: set[tuple[str, str]] = set()
    duplicates: list[str] = []
    for t in transitions:
        for s in t.sources:
            if (s, t.trigger) in seen:
                duplicates.append(f"{t.trigger} from {s}")
            seen.add((s, t.trigger))
    report("a trigger may leave a state only once", duplicates)
    if problems:
        return  # the graph checks below assume declared states and one start

    outgoing = {n: [t for t in transitions if n in t.sources] for n in states}
    report(
        "final states must have no outgoing transitions",
        [n for n, s in states.items() if s.final and outgoing[n]],
    )
    report(
        "dead-end states (not final, no transition out)",
        [n for n, s in states.items() if not s.final and not outgoing[n]],
    )
    start = initials[0]
    if states[start].final:
        problems.append(f"the initial state {start} must not be final")
    reachable = _closure({start}, lambda n: {t.dest for t in outgoing[n]})
    report(f"states unreachable from {start}", [n for n in states if n not in reachable])
    finals = {n for n, s in states.items() if s.final}
    leads_to_final = _closure(
        finals, lambda n: {s for t in transitions if t.dest == n for s in t.sources}
    )
    report(
        "states from which no final state can be reached",
        [n for n, s in states.items() if outgoing[n] and n not in leads_to_final],
    )


def _closure(start: set[str], step: Callable[[str], set[str]]) -> set[str]:
    seen = set(start)
    todo = list(start)
    while todo:
        for nxt in step(todo.pop()) - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def _with_common(wf: WorkflowDef) -> WorkflowDef:
    """Add suspended/cancelled and suspend/resume/cancel to a checked workflow."""
    states = dict(wf.states)
    working = tuple(n for n, s in states.items() if not s.final)
    states[SUSPENDED] = StateDef(SUSPENDED, "Tạm dừng", "Suspended")
    states[CANCELLED] = StateDef(CANCELLED, "Đã hủy", "Cancelled", final=True)
    common = (
        TransitionDef(
            CANCEL, working + (SUSPENDED,), CANCELLED, "Hủy", "Cancel", requires=("reason",)
        ),
        TransitionDef(SUSPEND, working, SUSPENDED, "Tạm dừng", "Suspend", requires=("reason",)),
        TransitionDef(RESUME, (SUSPENDED,), PRIOR_STATE, "Tiếp tục", "Resume"),
    )
    return WorkflowDef(
        name=wf.name,
        title_vi=wf.title_vi,
        title_en=wf.title_en,
        initial=wf.initial,
        states=states,
        transitions=wf.transitions + common,
        source=wf.source,
    )


def _check_keys(
    spec: Mapping[Any, Any],
    allowed: set[str],
    required: set[str],
    what: str,
    problems: list[str],
) -> None:
    unknown = sorted(str(k) for k in spec if k not in allowed)
    if unknown:
        problems.append(
            f"{what} has unknown keys: {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})"
        )
    absent = sorted(k for k in required if k not in spec)
    if absent:
        problems.append(f"{what} lacks required keys: {', '.join(absent)}")


def _text(spec: Mapping[str, Any], key: str, what: str, problems: list[str]) -> str:
    value = spec.get(key)
    if value is None:
        return ""  # reported by _check_keys as a missing key
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{what}: {key} must be non-empty text")
        return ""
    return value


def _flag(spec: Mapping[str, Any], key: str, what: str, problems: list[str]) -> bool:
    value = spec.get(key, False)
    if not isinstance(value, bool):
        problems.append(f"{what}: {key} must be true or false")
        return False
    return value


def _names(
    spec: Mapping[str, Any], key: str, what: str, problems: list[str], allow_one: bool = False
) -> tuple[str, ...]:
    value = spec.get(key, [])
    if allow_one and isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(f"{what}: {key} must be a list of names")
        return ()
    return tuple(value)
