"""The shipped workflows: walks to completion, refusals, required fields, suspend and cancel."""

from __future__ import annotations

import pytest

import workflows
from engine.errors import InvalidInput, MissingFields, NotFound, TransitionNotAllowed
from tests.words import english, refused
from workflows.machine import machine_for

ALL = [
    "demo_model",
    "directive",
    "generic",
    "recurring_activity",
    "support_team",
    "survey",
    "system_build",
]

WALKS = [
    ("directive", ["consult", "appraise", "submit", "issue"], "issued"),
    (
        "support_team",
        ["submit_proposal", "request_decision", "establish", "start_operating"],
        "operating",
    ),
    ("demo_model", ["select", "fund", "evaluate", "replicate", "complete"], "done"),
    ("recurring_activity", ["start", "report"], "reported"),
    ("recurring_activity", ["start", "complete"], "done"),
    ("survey", ["start_fieldwork", "analyse", "report"], "reported"),
    ("system_build", ["build", "operate"], "operating"),
    ("system_build", ["build", "launch"], "launched"),
    ("generic", ["start", "complete"], "done"),
]


def walk(name: str, triggers: list[str]) -> str:
    wf = workflows.get(name)
    state = wf.initial
    for trigger in triggers:
        state = workflows.fire(wf, state, trigger)
    return state


def test_the_seven_kinds_are_shipped() -> None:
    assert workflows.names() == ALL


@pytest.mark.parametrize(("name", "triggers", "end"), WALKS)
def test_each_workflow_walks_from_its_initial_state_to_a_completed_end(
    name: str, triggers: list[str], end: str
) -> None:
    wf = workflows.get(name)
    assert walk(name, triggers) == end
    assert wf.is_final(end)
    assert wf.is_completed(end)
    assert not wf.is_cancelled(end)


@pytest.mark.parametrize("name", ALL)
def test_every_completed_state_is_reachable_through_fire(name: str) -> None:
    wf = workflows.get(name)
    seen = {wf.initial}
    todo = [wf.initial]
    while todo:
        state = todo.pop()
        for t in wf.allowed(state):
            if t.returns_to_prior:
                continue  # resume only goes back to states already seen
            dest = workflows.fire(wf, state, t.trigger)
            if dest not in seen:
                seen.add(dest)
                todo.append(dest)
    completed = {n for n, s in wf.states.items() if s.completed}
    assert completed and completed <= seen
    assert seen == set(wf.states)


def test_directive_initial_state_is_drafting_and_consulting_has_thirty_days() -> None:
    wf = workflows.get("directive")
    assert wf.initial == "drafting"
    assert wf.states["consulting"].time_limit_days == 30
    assert wf.states["drafting"].time_limit_days is None


@pytest.mark.parametrize("source", ["consulting", "appraisal", "submitted"])
def test_a_directive_can_be_returned_for_revision_to_drafting(source: str) -> None:
    wf = workflows.get("directive")
    assert workflows.fire(wf, source, "return_for_revision") == "drafting"


def test_issuing_a_draft_is_refused_with_what_is_allowed_instead() -> None:
    wf = workflows.get("directive")
    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.fire(wf, "drafting", "issue")
    assert english(refused.value) == (
        "Can't issue when in drafting; allowed here: consult, cancel, suspend."
    )


def test_the_definition_refuses_with_the_same_sentence_as_the_machine() -> None:
    wf = workflows.get("directive")
    with pytest.raises(TransitionNotAllowed) as refused:
        wf.transition("drafting", "issue")
    assert english(refused.value) == (
        "Can't issue when in drafting; allowed here: consult, cancel, suspend."
    )


def test_an_unknown_trigger_is_refused_as_unknown() -> None:
    wf = workflows.get("generic")
    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.fire(wf, "not_started", "approve")
    assert english(refused.value) == (
        "There is no trigger approve in workflow generic; allowed here: start, cancel, suspend."
    )


@pytest.mark.parametrize(("name", "end"), [("directive", "issued"), ("generic", "cancelled")])
@pytest.mark.parametrize("trigger", ["cancel", "suspend", "return_for_revision", "start"])
def test_nothing_leaves_a_final_state(name: str, end: str, trigger: str) -> None:
    wf = workflows.get(name)
    with refused(TransitionNotAllowed, f"{end} is final, nothing is allowed here"):
        workflows.fire(wf, end, trigger)
    assert wf.allowed(end) == []


def test_a_state_the_workflow_does_not_have_is_reported() -> None:
    wf = workflows.get("generic")
    with refused(InvalidInput, "'issued' is not a state of workflow generic"):
        workflows.fire(wf, "issued", "complete")


def test_an_unknown_workflow_lists_the_known_ones() -> None:
    with pytest.raises(NotFound) as missing:
        workflows.get("decree")
    assert english(missing.value) == (
        "There is no workflow decree; known workflows: " + ", ".join(ALL) + "."
    )


def test_definitions_and_their_machine_are_loaded_once() -> None:
    wf = workflows.get("directive")
    assert workflows.get("directive") is wf
    assert machine_for(wf) is machine_for(wf)


def test_firing_does_not_register_tasks_with_the_shared_machine() -> None:
    wf = workflows.get("survey")
    for _ in range(3):
        workflows.fire(wf, "planning", "start_fieldwork")
    assert machine_for(wf).models == []


# -- required fields ---------------------------------------------------------


def test_issue_requires_document_number_and_document_date() -> None:
    wf = workflows.get("directive")
    issue = wf.transition("submitted", "issue")
    assert issue.missing_fields({}) == ["document_number", "document_date"]
    assert issue.missing_fields({"document_number": "12/CT-UBND"}) == ["document_date"]
    assert (
        issue.missing_fields({"document_number": "12/CT-UBND", "document_date": "2014-03-05"}) == []
    )


def test_a_blank_field_counts_as_missing() -> None:
    wf = workflows.get("directive")
    issue = wf.transition("submitted", "issue")
    assert issue.missing_fields({"document_number": "  ", "document_date": None}) == [
        "document_number",
        "document_date",
    ]


def test_establish_requires_decision_number() -> None:
    wf = workflows.get("support_team")
    establish = wf.transition("decision_pending", "establish")
    assert establish.missing_fields({}) == ["decision_number"]
    assert establish.missing_fields({"decision_number": "1043/QĐ-UBND"}) == []


@pytest.mark.parametrize("trigger", ["suspend", "cancel"])
@pytest.mark.parametrize("name", ALL)
def test_suspend_and_cancel_require_a_reason(name: str, trigger: str) -> None:
    wf = workflows.get(name)
    t = wf.transition(wf.initial, trigger)
    assert t.missing_fields({}) == ["reason"]
    assert t.missing_fields({"reason": "no budget this year"}) == []


def test_completion_requires_one_piece_of_evidence() -> None:
    wf = workflows.get("generic")
    complete = wf.transition("in_progress", "complete")
    assert complete.evidence
    assert complete.missing_fields({}) == ["evidence_document|evidence_figure|evidence_link"]
    assert complete.missing_fields({"evidence_link": "https://sct.example/bc"}) == []
    assert complete.missing_fields({"evidence_figure": 0}) == []


def test_require_fields_raises_a_sentence_listing_what_to_give() -> None:
    wf = workflows.get("recurring_activity")
    with pytest.raises(MissingFields) as missing:
        wf.require_fields(wf.transition("in_progress", "report"), {"note": "done"})
    assert english(missing.value) == (
        "report needs one of evidence_document or evidence_figure or evidence_link."
    )
    assert missing.value.missing == ["evidence_document|evidence_figure|evidence_link"]


def test_require_fields_is_silent_when_everything_is_given() -> None:
    wf = workflows.get("directive")
    issue = wf.transition("submitted", "issue")
    wf.require_fields(issue, {"document_number": "5/CT-UBND", "document_date": "2014-01-02"})


# -- suspend, resume, cancel --------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_suspend_then_resume_returns_to_the_state_it_was_suspended_from(name: str) -> None:
    wf = workflows.get(name)
    for state in wf.resumable_states():
        assert workflows.fire(wf, state, "suspend") == "suspended"
        assert workflows.fire(wf, "suspended", "resume", resume_to=state) == state


def test_resume_knows_it_returns_to_the_prior_state() -> None:
    wf = workflows.get("directive")
    resume = wf.transition("suspended", "resume")
    assert resume.returns_to_prior
    assert resume.dest == workflows.PRIOR_STATE


def test_resume_without_the_remembered_state_is_refused() -> None:
    wf = workflows.get("directive")
    with refused(InvalidInput, "suspended from, one of: drafting, consulting"):
        workflows.fire(wf, "suspended", "resume")


def test_resume_to_a_final_state_is_refused() -> None:
    wf = workflows.get("directive")
    with refused(InvalidInput, r"\(got issued\)"):
        workflows.fire(wf, "suspended", "resume", resume_to="issued")


def test_a_suspended_task_cannot_be_suspended_again() -> None:
    wf = workflows.get("directive")
    with pytest.raises(TransitionNotAllowed) as refused:
        workflows.fire(wf, "suspended", "suspend")
    assert english(refused.value) == (
        "Can't suspend when in suspended; allowed here: cancel, resume."
    )


@pytest.mark.parametrize("name", ALL)
def test_cancel_works_from_every_non_terminal_state(name: str) -> None:
    wf = workflows.get(name)
    working = [n for n, s in wf.states.items() if not s.final]
    assert "suspended" in working
    for state in working:
        assert workflows.fire(wf, state, "cancel") == "cancelled"
    assert wf.is_final("cancelled")
    assert wf.is_cancelled("cancelled")
    assert not wf.is_completed("cancelled")
