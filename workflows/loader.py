"""Reading workflow definitions from YAML, checking them, and adding the common triggers.

A definition file holds one workflow; its keys are the field names of
``WorkflowDef``, ``StateDef`` and ``TransitionDef``::

    name: directive
    states:
      drafting:   {initial: true}
      consulting: {time_limit_days: 30}
      issued:     {final: true, completed: true}
    transitions:
      - trigger: issue
        sources: [submitted]          # one name or a list
        dest: issued
        requires: [document_number, document_date]   # all of these
        requires_any: [a, b]          # at least one of these
        evidence: true                # shorthand: requires_any = the evidence fields

``suspend``, ``resume`` and ``cancel`` and the states ``suspended`` and
``cancelled`` are added here to every workflow, so files never declare them.
Every problem found is reported at once as a ``Problem`` naming the file, the
state or transition and what is wrong. Labels are not part of a definition:
they live in the message catalog (``state.<workflow>.<state>``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

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
from workflows.errors import InvalidDefinition, Problem

_TOP_KEYS = {"name", "states", "transitions"}
_STATE_KEYS = {"initial", "final", "completed", "time_limit_days"}
_TRANSITION_KEYS = {"trigger", "sources", "dest", "requires", "requires_any", "evidence"}
_RESERVED_STATES = {SUSPENDED, CANCELLED, PRIOR_STATE}
_RESERVED_TRIGGERS = {SUSPEND, RESUME, CANCEL}

Where = tuple[str, str] | None


class _Readable(Protocol):
    """A file path or an ``importlib.resources`` traversable."""

    def read_text(self, encoding: str | None = ...) -> str: ...


class _Problems(list[Problem]):
    """The problems of one definition, each placed in its source."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def found(self, code: str, where: Where = None, field: str = "", **facts: Any) -> None:
        self.append(Problem(code, facts, source=self.source, where=where, field=field))


def load_file(path: str | Path | _Readable) -> WorkflowDef:
    """Read, check and complete the workflow defined in ``path``."""
    return parse(read_file(path), str(path))


def read_file(path: str | Path | _Readable) -> Any:
    """The data of the YAML file ``path``, not yet checked (``parse`` checks it)."""
    # Imported here: the shipped definitions are read from their cache
    # (``workflows.registry``) by every command that lists tasks, without YAML.
    import yaml

    source = str(path)
    readable = Path(path) if isinstance(path, str) else path
    try:
        text = readable.read_text(encoding="utf-8")
    except OSError as err:
        raise InvalidDefinition("workflow_unreadable", file=source, reason=err.strerror) from None
    try:
        # libyaml's loader gives the same data as the pure-Python safe loader
        # about ten times faster.
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise InvalidDefinition(
            "workflow_not_yaml",
            file=source,
            line=mark.line + 1 if mark else None,
            reason=getattr(err, "problem", None) or str(err),
        ) from None


def parse(data: Any, source: str = "<data>") -> WorkflowDef:
    """Check a definition already read into Python data and complete it."""
    problems = _Problems(source)
    if not isinstance(data, dict):
        raise InvalidDefinition("workflow_not_mapping", file=source)
    name = data.get("name")
    _check_keys(data, _TOP_KEYS, _TOP_KEYS, None, problems)
    states, initials = _parse_states(data.get("states"), problems)
    transitions = _parse_transitions(data.get("transitions"), problems)
    if not problems:
        _check_graph(states, initials, transitions, problems)
    if problems:
        raise InvalidDefinition(
            "workflow_invalid",
            problems=problems,
            file=source,
            workflow=name if isinstance(name, str) else None,
        )
    return _with_common(
        WorkflowDef(
            name=str(name),
            initial=initials[0],
            states=states,
            transitions=tuple(transitions),
            source=source,
        )
    )


def _parse_states(raw: Any, problems: _Problems) -> tuple[dict[str, StateDef], list[str]]:
    """The declared states, and the names of those marked ``initial: true``.

    StateDef has no initial flag: a workflow has one initial state, kept on
    WorkflowDef, but a broken file may mark several and each must be named.
    """
    if not isinstance(raw, dict) or not raw:
        problems.found("states_empty", field="states")
        return {}, []
    states: dict[str, StateDef] = {}
    initials: list[str] = []
    for name, spec in raw.items():
        if not isinstance(name, str) or not name:
            problems.found("state_name", field="states", name=repr(name))
            continue
        where: Where = ("state", name)
        if name in _RESERVED_STATES:
            problems.found("reserved_state", where)
            continue
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            problems.found("state_not_mapping", where)
            continue
        _check_keys(spec, _STATE_KEYS, set(), where, problems)
        limit = spec.get("time_limit_days")
        if limit is not None and (type(limit) is not int or limit <= 0):
            problems.found("not_positive_whole_number", where, "time_limit_days", value=repr(limit))
            limit = None
        states[name] = StateDef(
            name=name,
            final=_flag(spec, "final", where, problems),
            completed=_flag(spec, "completed", where, problems),
            time_limit_days=limit,
        )
        if _flag(spec, "initial", where, problems):
            initials.append(name)
    return states, initials


def _parse_transitions(raw: Any, problems: _Problems) -> list[TransitionDef]:
    if not isinstance(raw, list) or not raw:
        problems.found("transitions_empty", field="transitions")
        return []
    transitions: list[TransitionDef] = []
    for index, spec in enumerate(raw, start=1):
        if not isinstance(spec, dict):
            problems.found("transition_not_mapping", ("transition", f"#{index}"))
            continue
        trigger = spec.get("trigger")
        where: Where = ("transition", trigger if isinstance(trigger, str) else f"#{index}")
        _check_keys(spec, _TRANSITION_KEYS, {"trigger", "sources", "dest"}, where, problems)
        if trigger in _RESERVED_TRIGGERS:
            problems.found("reserved_trigger", where)
            continue
        requires_any = _names(spec, "requires_any", where, problems)
        evidence = _flag(spec, "evidence", where, problems)
        if evidence and requires_any:
            problems.found("evidence_and_requires_any", where)
        transitions.append(
            TransitionDef(
                trigger=_text(spec, "trigger", where, problems),
                sources=_names(spec, "sources", where, problems, allow_one=True),
                dest=_text(spec, "dest", where, problems),
                requires=_names(spec, "requires", where, problems),
                requires_any=EVIDENCE_FIELDS if evidence else requires_any,
                evidence=evidence,
            )
        )
    return transitions


def _check_graph(
    states: dict[str, StateDef],
    initials: list[str],
    transitions: list[TransitionDef],
    problems: _Problems,
) -> None:
    """The structural rules: one start, all reachable, no dead ends, finals stay final."""

    def report(code: str, names: list[str]) -> None:
        if names:
            problems.found(code, names=names)

    if len(initials) != 1:
        problems.found("initial_count", found=initials)
    report("completed_not_final", [n for n, s in states.items() if s.completed and not s.final])
    if not any(s.completed for s in states.values()):
        problems.found("no_completed_state", names=list(states))

    report(
        "undeclared_sources",
        [f"{s} ({t.trigger})" for t in transitions for s in t.sources if s not in states],
    )
    report(
        "undeclared_destinations",
        [f"{t.dest} ({t.trigger})" for t in transitions if t.dest not in states],
    )

    seen: set[tuple[str, str]] = set()
    duplicates: list[str] = []
    for t in transitions:
        for s in t.sources:
            if (s, t.trigger) in seen:
                duplicates.append(f"{t.trigger} ({s})")
            seen.add((s, t.trigger))
    report("duplicate_trigger", duplicates)
    if not problems:  # the graph checks assume declared states and one start
        _check_paths(states, initials[0], transitions, problems)


def _check_paths(
    states: dict[str, StateDef], start: str, transitions: list[TransitionDef], problems: _Problems
) -> None:
    """Every state reachable from ``start``, none a dead end, every one with a way to a final."""

    def report(code: str, names: list[str]) -> None:
        if names:
            problems.found(code, names=names)

    outgoing = {n: [t for t in transitions if n in t.sources] for n in states}
    report("final_has_exits", [n for n, s in states.items() if s.final and outgoing[n]])
    report("dead_ends", [n for n, s in states.items() if not s.final and not outgoing[n]])
    if states[start].final:
        problems.found("initial_is_final", state=start)
    reachable = _closure({start}, lambda n: {t.dest for t in outgoing[n]})
    if unreachable := [n for n in states if n not in reachable]:
        problems.found("unreachable_states", names=unreachable, initial=start)
    finals = {n for n, s in states.items() if s.final}
    leads_to_final = _closure(
        finals, lambda n: {s for t in transitions if t.dest == n for s in t.sources}
    )
    report(
        "no_way_to_final", [n for n, s in states.items() if outgoing[n] and n not in leads_to_final]
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
    states[SUSPENDED] = StateDef(SUSPENDED)
    states[CANCELLED] = StateDef(CANCELLED, final=True)
    common = (
        TransitionDef(CANCEL, working + (SUSPENDED,), CANCELLED, requires=("reason",)),
        TransitionDef(SUSPEND, working, SUSPENDED, requires=("reason",)),
        TransitionDef(RESUME, (SUSPENDED,), PRIOR_STATE),
    )
    return WorkflowDef(
        name=wf.name,
        initial=wf.initial,
        states=states,
        transitions=wf.transitions + common,
        source=wf.source,
    )


def _check_keys(
    spec: Mapping[Any, Any],
    allowed: set[str],
    required: set[str],
    where: Where,
    problems: _Problems,
) -> None:
    unknown = sorted(str(k) for k in spec if k not in allowed)
    if unknown:
        problems.found("unknown_keys", where, keys=unknown, allowed=sorted(allowed))
    absent = sorted(k for k in required if k not in spec)
    if absent:
        problems.found("missing_keys", where, keys=absent)


def _text(spec: Mapping[str, Any], key: str, where: Where, problems: _Problems) -> str:
    value = spec.get(key)
    if value is None:
        return ""  # reported by _check_keys as a missing key
    if not isinstance(value, str) or not value.strip():
        problems.found("not_text", where, key)
        return ""
    return value


def _flag(spec: Mapping[str, Any], key: str, where: Where, problems: _Problems) -> bool:
    value = spec.get(key, False)
    if not isinstance(value, bool):
        problems.found("not_true_or_false", where, key, value=repr(value))
        return False
    return value


def _names(
    spec: Mapping[str, Any], key: str, where: Where, problems: _Problems, allow_one: bool = False
) -> tuple[str, ...]:
    value = spec.get(key, [])
    if allow_one and isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.found("not_names", where, key)
        return ()
    return tuple(value)
