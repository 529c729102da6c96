"""What a workflow is: its states, its transitions and the questions asked of them.

A ``WorkflowDef`` is plain, immutable data read from a YAML file by
``workflows.loader``; running a trigger through a state machine lives apart,
in ``workflows.machine``. Definitions hold no words: people read states and
triggers by their labels in the message catalog (``state.<workflow>.<state>``,
``trigger.<workflow>.<trigger>``, ``workflow.<name>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflows.errors import InvalidInput, MissingFields, TransitionNotAllowed

#: ``TransitionDef.dest`` of ``resume``: the state the task was suspended from,
#: which the engine remembers and passes in, since no definition can know it.
PRIOR_STATE = "@prior"

SUSPENDED = "suspended"
CANCELLED = "cancelled"
SUSPEND = "suspend"
RESUME = "resume"
CANCEL = "cancel"

#: Completing work records evidence: at least one of these fields.
EVIDENCE_FIELDS: tuple[str, ...] = ("evidence_document", "evidence_figure", "evidence_link")


@dataclass(frozen=True)
class StateDef:
    """One state a task of this kind can be in."""

    name: str
    final: bool = False
    #: A final state that counts as the work done (as opposed to cancelled).
    completed: bool = False
    #: Days the task may stay here before it is overdue for this state alone
    #: (e.g. 30 days of consultation); escalated like a missed due date.
    time_limit_days: int | None = None


@dataclass(frozen=True)
class TransitionDef:
    """One trigger that moves a task from any of ``sources`` to ``dest``."""

    trigger: str
    sources: tuple[str, ...]
    #: A state name, or ``PRIOR_STATE`` for ``resume``.
    dest: str
    #: Fields that must all be given.
    requires: tuple[str, ...] = ()
    #: Fields of which at least one must be given (e.g. evidence).
    requires_any: tuple[str, ...] = ()
    #: True when this transition completes work and so records evidence.
    evidence: bool = False

    @property
    def returns_to_prior(self) -> bool:
        """True for ``resume``, whose destination is the remembered state."""
        return self.dest == PRIOR_STATE

    def missing_fields(self, fields: Mapping[str, Any]) -> list[str]:
        """Required fields absent or blank in ``fields``, in declaration order.

        An unmet ``requires_any`` is reported as one entry joining the
        alternatives with ``|`` (``"evidence_document|evidence_figure|..."``),
        so a caller can both show it and split it.
        """
        missing = [name for name in self.requires if not _given(fields.get(name))]
        if self.requires_any and not any(_given(fields.get(n)) for n in self.requires_any):
            missing.append("|".join(self.requires_any))
        return missing


def _given(value: Any) -> bool:
    # A blank string typed on the command line is not an answer.
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


# eq compares the whole definition; the hash only the name, because ``states``
# is a dict and a frozen dataclass would otherwise be unhashable.  Hashing lets
# the runtime cache one machine per definition.
@dataclass(frozen=True)
class WorkflowDef:
    """A kind of task: its states and transitions, validated on load."""

    name: str
    initial: str
    states: dict[str, StateDef]
    transitions: tuple[TransitionDef, ...]
    #: Where the definition was read from, for error messages.
    source: str = ""

    def __hash__(self) -> int:
        return hash(("WorkflowDef", self.name))

    def state(self, name: str) -> StateDef:
        """The declared state ``name``; InvalidInput when there is none."""
        try:
            return self.states[name]
        except KeyError:
            raise InvalidInput(
                "unknown_state", state=name, workflow=self.name, states=list(self.states)
            ) from None

    def allowed(self, state: str) -> list[TransitionDef]:
        """The transitions that may fire from ``state``, in definition order."""
        self.state(state)
        return [t for t in self.transitions if state in t.sources]

    def triggers(self) -> list[str]:
        """Every trigger name of this workflow, once each, in definition order."""
        return list(dict.fromkeys(t.trigger for t in self.transitions))

    def transition(self, state: str, trigger: str, ref: str | None = None) -> TransitionDef:
        """The transition ``trigger`` fires from ``state``.

        Raises TransitionNotAllowed naming what is allowed there instead
        (``ref`` names the occurrence concerned, if any).
        """
        allowed = self.allowed(state)
        for t in allowed:
            if t.trigger == trigger:
                return t
        raise self.refusal(state, trigger, ref, allowed)

    def refusal(
        self,
        state: str,
        trigger: str,
        ref: str | None = None,
        allowed: list[TransitionDef] | None = None,
    ) -> TransitionNotAllowed:
        """The error that says ``trigger`` cannot fire from ``state``, with what may."""
        if allowed is None:
            allowed = self.allowed(state)
        return TransitionNotAllowed(
            ref,
            state,
            trigger,
            list(dict.fromkeys(t.trigger for t in allowed)),
            workflow=self.name,
            known_trigger=trigger in self.triggers(),
        )

    def is_final(self, state: str) -> bool:
        """True when nothing more can happen from ``state``."""
        return self.state(state).final

    def is_completed(self, state: str) -> bool:
        """True when ``state`` is final and counts as the work done."""
        return self.state(state).completed

    def is_cancelled(self, state: str) -> bool:
        """True when ``state`` is final without the work done (cancelled)."""
        s = self.state(state)
        return s.final and not s.completed

    def resumable_states(self) -> list[str]:
        """States a task may be suspended from, and so resumed to."""
        for t in self.transitions:
            if t.trigger == SUSPEND:
                return list(t.sources)
        return []

    def require_fields(
        self, t: TransitionDef, fields: Mapping[str, Any], ref: str | None = None
    ) -> None:
        """Raise MissingFields, naming what to give, unless ``t`` has all it needs."""
        missing = t.missing_fields(fields)
        if missing:
            raise MissingFields(ref, t.trigger, missing, workflow=self.name)
