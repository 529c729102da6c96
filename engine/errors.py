"""The errors the engine raises: those of ``workflows.errors``, the lowest floor, under the engine's name.

Each carries a code and facts, never a sentence; the faces word it from the
message catalog. See ``workflows.errors`` for the kinds and when to use them.
"""

from __future__ import annotations

# The same names as workflows.errors, re-exported whole (its __all__).
from workflows.errors import *  # noqa: F403
from workflows.errors import __all__ as __all__
