"""Properties of firing: random trigger sequences stay in declared states and finals stay final."""

from __future__ import annotations

import threading

from hypothesis import given, settings
from hypothesis import strategies as st

import workflows
from engine.errors import TransitionNotAllowed

ALL_TRIGGERS = sorted({t for n in workflows.names() for t in workflows.get(n).triggers()})


# Each step is (any trigger?, index): mostly a trigger allowed where the task
# is, so that sequences get deep into the workflow, sometimes any trigger at
# all (including one no workflow has), so that refusals are exercised too.
STEPS = st.lists(st.tuples(st.booleans(), st.integers(min_value=0, max_value=99)), max_size=40)
ANY_TRIGGER = [*ALL_TRIGGERS, "approve"]


@settings(max_examples=300, database=None, deadline=None)
@given(name=st.sampled_from(workflows.names()), steps=STEPS)
def test_random_trigger_sequences_stay_in_declared_states_and_never_leave_a_final(
    name: str, steps: list[tuple[bool, int]]
) -> None:
    wf = workflows.get(name)
    state = wf.initial
    suspended_from: str | None = None
    for pick_any, index in steps:
        allowed = [t.trigger for t in wf.allowed(state)]
        choices = ANY_TRIGGER if pick_any or not allowed else allowed
        trigger = choices[index % len(choices)]
        was_final = wf.is_final(state)
        try:
            expected = wf.transition(state, trigger)
        except TransitionNotAllowed:
            expected = None
        try:
            new = workflows.fire(wf, state, trigger, resume_to=suspended_from)
        except TransitionNotAllowed:
            # The machine and the definition must agree on every refusal.
            assert expected is None
            continue
        assert not was_final, f"{trigger} left the final state {state}"
        assert expected is not None
        assert new in wf.states
        assert new == (suspended_from if expected.returns_to_prior else expected.dest)
        if new == workflows.SUSPENDED:
            suspended_from = state
        state = new


def test_firing_from_many_threads_at_once_gives_every_thread_its_own_answer() -> None:
    wf = workflows.get("directive")
    cases = [
        ("drafting", "consult", "consulting"),
        ("submitted", "issue", "issued"),
        ("appraisal", "return_for_revision", "drafting"),
        ("consulting", "cancel", "cancelled"),
    ]
    wrong: list[str] = []
    start = threading.Barrier(8)

    def work(offset: int) -> None:
        start.wait()
        for i in range(500):
            state, trigger, dest = cases[(i + offset) % len(cases)]
            got = workflows.fire(wf, state, trigger)
            if got != dest:
                wrong.append(f"{state} --{trigger}--> {got}, expected {dest}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
