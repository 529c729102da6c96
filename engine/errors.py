"""The errors dondoc raises: one base class, a few kinds a caller can act on.

Every message is one plain sentence that says what is wrong and, where it
helps, what to do next. The command line prints it as ``Error: <message>``.
"""

from __future__ import annotations


class DondocError(Exception):
    """Base of every error dondoc reports to a user."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(DondocError):
    """A plan, task, occurrence, agency, user or workflow does not exist."""


class NotAllowed(DondocError):
    """The actor may not do this, or the workflow does not allow it now."""


class TransitionNotAllowed(NotAllowed):
    """The trigger is not allowed from the occurrence's current state."""


class Conflict(DondocError):
    """Someone else changed the record first; reload and try again."""


class InvalidInput(DondocError):
    """Input (a file, a field, a date, a reference) is malformed or incomplete."""


class MissingFields(InvalidInput):
    """A transition needs fields that were not given."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


class InvalidDefinition(DondocError):
    """A workflow definition or catalog file is inconsistent.

    ``problems`` lists each problem as its own sentence when there are several.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems) if problems else [message]


class StorageError(DondocError):
    """The database cannot be reached, is locked, or is not initialised."""
