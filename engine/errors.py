"""The errors the engine raises: those of ``workflows.errors``, the lowest floor, under the engine's name.

Each carries a code and facts, never a sentence; the faces word it from the
message catalog. See ``workflows.errors`` for the kinds and when to use them.
"""

from __future__ import annotations

from workflows.errors import (
    CheckFailed,
    Conflict,
    DondocError,
    InvalidDefinition,
    InvalidInput,
    MissingFields,
    NotAllowed,
    NotFound,
    Phrase,
    Problem,
    StorageError,
    TransitionNotAllowed,
)

__all__ = [
    "CheckFailed",
    "Conflict",
    "DondocError",
    "InvalidDefinition",
    "InvalidInput",
    "MissingFields",
    "NotAllowed",
    "NotFound",
    "Phrase",
    "Problem",
    "StorageError",
    "TransitionNotAllowed",
]
