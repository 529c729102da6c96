"""The errors dondoc raises: one base class, a few kinds a caller can act on, each carrying facts.

An error says *what* happened with a ``code`` and the facts that go with it
(which task, which state, which trigger, what is allowed instead); it never
holds a sentence. The faces choose the words: the command line, the board,
the API and the notifiers look ``error.<code>`` up in the message catalog
(``notifiers.i18n``) in the reader's language and fill it with the facts.

The kinds decide what a caller does: ``NotFound`` (404, check the name),
``NotAllowed`` (403, ask someone who may), ``Conflict`` (409, reload),
``InvalidInput`` (422, correct the input), ``InvalidDefinition`` (a file or
definition to fix, with every ``Problem`` found), ``StorageError`` (503, the
database). They live on the lowest floor, in ``workflows``, so that every
layer can raise them and ``workflows`` needs nothing from above.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class Phrase:
    """A worded part of an error's sentence, as a code and facts (``phrase.<code>`` in the catalog).

    For reasons that are sentences of their own: why an e-mail was not sent
    ("the server did not answer in time") inside the sentence that says it
    was not sent.
    """

    code: str
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Named:
    """A thing people know by name and scripts by code, as a fact of an error (an agency).

    Sentences show its name in the reader's language (``names[lang]``); ``str()``
    is the code, so logs and scripts keep what they match on.
    """

    code: str
    names: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.code


class DondocError(Exception):
    """Base of every error dondoc reports to a user: a code and its facts."""

    #: The command line's exit status for this kind of error.
    exit_code: ClassVar[int] = 1
    #: The code when a call site gives none.
    default_code: ClassVar[str] = "error"

    def __init__(self, code: str | None = None, /, **facts: Any) -> None:
        self.code = code or self.default_code
        self.facts: dict[str, Any] = facts
        super().__init__(self.code)

    @property
    def key(self) -> str:
        """The message catalog's key for this error's sentence."""
        return f"error.{self.code}"

    def __getattr__(self, name: str) -> Any:
        # Facts read as attributes (``error.ref``, ``error.allowed``); only
        # facts, never dunders, so copying and pickling behave.
        if name.startswith("__") or name == "facts":
            raise AttributeError(name)
        try:
            return self.__dict__["facts"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __str__(self) -> str:
        """The code and facts, for logs and tracebacks; people read the catalog's sentence."""
        if not self.facts:
            return self.code
        details = ", ".join(f"{k}={_short(v)}" for k, v in self.facts.items())
        return f"{self.code} ({details})"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


class NotFound(DondocError):
    """A plan, task, occurrence, agency, user, workflow or file does not exist."""

    default_code = "not_found"


class NotAllowed(DondocError):
    """The actor may not do this; ``reason`` names the rule that refused.

    Facts: ``reason`` and, where they apply, ``actor``, ``role`` and
    ``agency`` (who was refused), ``ref`` and ``trigger`` (what was refused)
    and ``responsible``/``owner`` (whom to ask instead). The code is
    ``not_allowed.<reason>``.
    """

    def __init__(self, reason: str, /, **facts: Any) -> None:
        super().__init__(f"not_allowed.{reason}", reason=reason, **facts)


class TransitionNotAllowed(NotAllowed):
    """The trigger cannot fire from the occurrence's current state.

    Facts: ``ref`` (None when no occurrence is concerned), ``workflow``,
    ``state``, ``trigger`` and ``allowed`` (the triggers that may fire there).
    The code says which case it is: ``unknown_trigger`` (the workflow has no
    such trigger; ``unknown_trigger_final`` when nothing may fire either),
    ``final_state`` (nothing may fire) or ``transition_not_allowed``.
    """

    def __init__(
        self,
        ref: str | None,
        state: str,
        trigger: str,
        allowed: Sequence[str],
        *,
        workflow: str,
        known_trigger: bool = True,
    ) -> None:
        if not known_trigger:
            code = "unknown_trigger" if allowed else "unknown_trigger_final"
        elif not allowed:
            code = "final_state"
        else:
            code = "transition_not_allowed"
        DondocError.__init__(
            self,
            code,
            ref=ref,
            state=state,
            trigger=trigger,
            allowed=list(allowed),
            workflow=workflow,
        )


class Conflict(DondocError):
    """Someone else changed the record first, or it already exists; reload and try again."""

    default_code = "conflict"


class InvalidInput(DondocError):
    """Input (a file, a field, a date, a reference) is malformed or incomplete."""

    default_code = "invalid_input"


class MissingFields(InvalidInput):
    """A transition needs fields that were not given.

    ``fields`` lists the missing names; an alternative ("one of these") is one
    entry joining the names with ``|``.
    """

    def __init__(self, ref: str | None, trigger: str, fields: Sequence[str], **facts: Any) -> None:
        code = "missing_fields" if ref else "missing_fields_no_ref"
        super().__init__(code, ref=ref, trigger=trigger, fields=list(fields), **facts)

    @property
    def missing(self) -> list[str]:
        """The missing field names (alternatives joined by ``|``), as the API reports them."""
        return list(self.facts["fields"])


class CheckFailed(DondocError):
    """A check ran and found a mismatch (a budget that does not add up): its own exit status."""

    exit_code = 3
    default_code = "check_failed"


class StorageError(DondocError):
    """The database cannot be reached, is locked, or is not initialised."""

    default_code = "storage"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file or a definition: where it is, and what (a code and its facts).

    ``where`` is a (kind, name) pair such as ``("task", "2.1")``,
    ``("agency", "kon-tum/sct")`` or ``("budget_line", "3")``; ``field`` the
    key of the file that is wrong. The faces render it as one line.
    """

    code: str
    facts: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""
    where: tuple[str, str] | None = None
    field: str = ""

    @property
    def key(self) -> str:
        """``problem.<code>``; a code with a dot is a key of its own (``error.<code>`` reuses
        an error's sentence for the same trouble found in a file)."""
        return self.code if "." in self.code else f"problem.{self.code}"

    def __str__(self) -> str:
        place = ": ".join(
            part
            for part in (
                self.source,
                " ".join(self.where) if self.where else "",
                f"field {self.field}" if self.field else "",
            )
            if part
        )
        details = ", ".join(f"{k}={_short(v)}" for k, v in self.facts.items())
        return f"{place}: {self.code}" + (f" ({details})" if details else "")


class InvalidDefinition(DondocError):
    """A workflow definition or catalog file is inconsistent; ``problems`` lists every problem."""

    default_code = "invalid_definition"

    def __init__(
        self, code: str | None = None, /, *, problems: Iterable[Problem] = (), **facts: Any
    ) -> None:
        super().__init__(code, **facts)
        self.problems: list[Problem] = list(problems)


__all__ = [
    "CheckFailed",
    "Conflict",
    "DondocError",
    "InvalidDefinition",
    "InvalidInput",
    "MissingFields",
    "Named",
    "NotAllowed",
    "NotFound",
    "Phrase",
    "Problem",
    "StorageError",
    "TransitionNotAllowed",
]
