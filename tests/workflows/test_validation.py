"""Broken definitions are rejected on load, naming the file and the offending states."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import workflows
from engine.errors import InvalidDefinition
from tests.words import english, refused

Write = Callable[[dict[str, Any]], Path]


def rejection(write: Write, data: dict[str, Any]) -> str:
    path = write(data)
    with pytest.raises(InvalidDefinition) as rejected:
        workflows.load_file(path)
    message = english(rejected.value)
    assert message.startswith(f"Workflow definition {path} (small) is invalid (")
    return message


def test_a_valid_small_definition_loads_with_the_common_triggers(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    wf = workflows.load_file(write_definition(small_definition))
    assert wf.initial == "start"
    assert list(wf.states) == ["start", "middle", "end", "suspended", "cancelled"]
    assert [t.trigger for t in wf.transitions] == ["go", "finish", "cancel", "suspend", "resume"]
    assert wf.transition("start", "suspend").dest == "suspended"
    assert wf.transition("suspended", "cancel").dest == "cancelled"
    assert wf.resumable_states() == ["start", "middle"]
    assert wf.transition("middle", "finish").requires_any == workflows.EVIDENCE_FIELDS


def test_two_initial_states_are_rejected(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    small_definition["states"]["middle"]["initial"] = True
    assert "exactly one state must be initial: true (found: start, middle)" in rejection(
        write_definition, small_definition
    )


def test_no_initial_state_is_rejected(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    del small_definition["states"]["start"]["initial"]
    assert "exactly one state must be initial: true (found: none)" in rejection(
        write_definition, small_definition
    )


def test_an_unreachable_state_is_rejected(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    small_definition["states"]["orphan"] = {}
    small_definition["transitions"].append(
        {"trigger": "rescue", "sources": "orphan", "dest": "end"}
    )
    assert "states unreachable from start: orphan" in rejection(write_definition, small_definition)


def test_a_dead_end_state_is_rejected(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    small_definition["states"]["stuck"] = {}
    small_definition["transitions"].append(
        {"trigger": "wander", "sources": "start", "dest": "stuck"}
    )
    assert "dead-end states (not final, no transition out): stuck" in rejection(
        write_definition, small_definition
    )


def test_a_loop_with_no_way_to_a_final_state_is_rejected(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    small_definition["states"]["ping"] = {}
    small_definition["states"]["pong"] = {}
    small_definition["transitions"] += [
        {"trigger": "serve", "sources": "start", "dest": "ping"},
        {"trigger": "hit", "sources": "ping", "dest": "pong"},
        {"trigger": "back", "sources": "pong", "dest": "ping"},
    ]
    assert "states from which no final state can be reached: ping, pong" in rejection(
        write_definition, small_definition
    )


def test_a_transition_to_an_undeclared_state_is_rejected(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    small_definition["transitions"][0]["dest"] = "nowhere"
    small_definition["transitions"][1]["sources"] = ["limbo"]
    message = rejection(write_definition, small_definition)
    assert "transitions lead to undeclared states: nowhere (go)" in message
    assert "transitions leave undeclared states: limbo (finish)" in message


@pytest.mark.parametrize(
    ("where", "key", "expected"),
    [
        ("top", "initial_state", "small.yaml: has unknown keys: initial_state"),
        ("state", "colour", "state middle: has unknown keys: colour"),
        ("transition", "require", "transition go: has unknown keys: require"),
    ],
)
def test_unknown_keys_are_rejected(
    write_definition: Write,
    small_definition: dict[str, Any],
    where: str,
    key: str,
    expected: str,
) -> None:
    target = {
        "top": small_definition,
        "state": small_definition["states"]["middle"],
        "transition": small_definition["transitions"][0],
    }[where]
    target[key] = "x"
    assert expected in rejection(write_definition, small_definition)


def test_a_label_in_a_definition_is_rejected_as_the_catalogs_business(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    # People read states by their labels in the message catalog; a definition holds none.
    small_definition["states"]["end"]["label_vi"] = "Xong"
    assert "state end: has unknown keys: label_vi" in rejection(write_definition, small_definition)


def test_a_transition_without_its_destination_is_rejected(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    del small_definition["transitions"][0]["dest"]
    assert "transition go: lacks required keys: dest" in rejection(
        write_definition, small_definition
    )


def test_a_trigger_leaving_the_same_state_twice_is_rejected(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    small_definition["transitions"].append({"trigger": "go", "sources": "start", "dest": "end"})
    assert "a trigger may leave a state only once: go (start)" in rejection(
        write_definition, small_definition
    )


def test_a_final_state_with_a_way_out_is_rejected(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    small_definition["transitions"].append(
        {"trigger": "reopen", "sources": "end", "dest": "middle"}
    )
    assert "final states must have no outgoing transitions: end" in rejection(
        write_definition, small_definition
    )


def test_completed_without_final_is_rejected(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    small_definition["states"]["middle"]["completed"] = True
    assert "states marked completed must also be final: middle" in rejection(
        write_definition, small_definition
    )


def test_a_workflow_without_a_completed_end_is_rejected(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    small_definition["states"]["end"]["completed"] = False
    assert "a workflow needs a final state that is completed: true" in rejection(
        write_definition, small_definition
    )


@pytest.mark.parametrize("reserved", ["suspended", "cancelled"])
def test_declaring_a_common_state_is_rejected(
    write_definition: Write, small_definition: dict[str, Any], reserved: str
) -> None:
    small_definition["states"][reserved] = {"final": True}
    assert f"state {reserved}: is added to every workflow and must not be declared" in rejection(
        write_definition, small_definition
    )


@pytest.mark.parametrize("reserved", ["suspend", "resume", "cancel"])
def test_declaring_a_common_trigger_is_rejected(
    write_definition: Write, small_definition: dict[str, Any], reserved: str
) -> None:
    small_definition["transitions"][0]["trigger"] = reserved
    assert f"transition {reserved}: is added to every workflow" in rejection(
        write_definition, small_definition
    )


def test_a_time_limit_must_be_a_positive_number_of_days(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    small_definition["states"]["middle"]["time_limit_days"] = -3
    assert "state middle, field 'time_limit_days': must be a positive whole number" in rejection(
        write_definition, small_definition
    )


def test_evidence_and_requires_any_together_are_rejected(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    small_definition["transitions"][1]["requires_any"] = ["photo"]
    assert "transition finish: give either evidence: true or requires_any, not both" in rejection(
        write_definition, small_definition
    )


def test_explicit_requires_any_is_kept(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    del small_definition["transitions"][1]["evidence"]
    small_definition["transitions"][1]["requires_any"] = ["photo", "minutes"]
    wf = workflows.load_file(write_definition(small_definition))
    finish = wf.transition("middle", "finish")
    assert finish.requires_any == ("photo", "minutes")
    assert not finish.evidence
    assert finish.missing_fields({}) == ["photo|minutes"]


def test_a_file_that_is_not_yaml_is_rejected_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("states: [unclosed\n", encoding="utf-8")
    with refused(InvalidDefinition, f"Workflow definition {path} is not valid YAML"):
        workflows.load_file(path)


def test_a_missing_file_is_rejected_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with refused(InvalidDefinition, f"Cannot read workflow definition {path}"):
        workflows.load_file(path)


def test_every_problem_is_reported_at_once(
    write_definition: Write, small_definition: dict[str, Any]
) -> None:
    small_definition["states"]["middle"]["colour"] = "red"
    small_definition["transitions"][0]["require"] = ["x"]
    message = rejection(write_definition, small_definition)
    assert "state middle: has unknown keys: colour" in message
    assert "transition go: has unknown keys: require" in message
