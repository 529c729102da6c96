"""How tests read an error: as a person would, in the catalog's English sentence.

Errors carry a code and facts (``str(error)`` is only a fact dump for logs);
``english(error)`` is the sentence the command line prints with
``--lang en``, and ``refused(Kind, pattern)`` is ``pytest.raises`` that
matches the pattern against that sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from engine.errors import DondocError, InvalidDefinition
from notifiers.i18n import words


def english(error: BaseException) -> str:
    """The sentence of ``error`` in English (with a file's problems, one per line after it)."""
    assert isinstance(error, DondocError), f"not a dondoc error: {error!r}"
    w = words("en")
    text = w.error(error)
    if isinstance(error, InvalidDefinition) and error.problems:
        text += "\n" + "\n".join(w.problem(p) for p in error.problems)
    return text


def vietnamese(error: BaseException) -> str:
    """The sentence of ``error`` in Vietnamese, as the board and the default CLI show it."""
    assert isinstance(error, DondocError), f"not a dondoc error: {error!r}"
    return words("vi").error(error)


@contextmanager
def refused(kind: type[BaseException], match: str) -> Iterator[Any]:
    """``pytest.raises(kind)`` whose English sentence must match ``match`` (a regex)."""
    with pytest.raises(kind) as info:
        yield info
    sentence = english(info.value)
    assert re.search(match, sentence), f"{match!r} not in {sentence!r}"
