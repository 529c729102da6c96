"""Text that can be stored: no NUL, no lone surrogate, and a safe excerpt for messages.

PostgreSQL refuses a NUL in a string and no database can encode a lone
surrogate (``"\\ud800"`` in JSON, or a byte that is not UTF-8 in an argument,
which Python keeps as ``\\udcff``); both used to surface as a database error
deep inside a command. Every entry point (CLI arguments, API parameters and
bodies, sign-in names) checks with ``storable`` first and refuses with a
sentence, quoting the value through ``excerpt``.
"""

from __future__ import annotations

import re

_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
EXCERPT = 60


def storable(value: str) -> bool:
    """Whether ``value`` holds neither a NUL nor a lone surrogate."""
    return _UNSTORABLE.search(value) is None


def excerpt(value: str, limit: int = EXCERPT) -> str:
    """At most ``limit`` characters of ``value`` with control characters shown as escapes.

    What a person is shown of a refused value: a terminal escape typed into
    a field must not be replayed by the sentence that refuses it.
    """
    short = value[:limit]
    shown = _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), short)
    return shown + ("…" if len(value) > limit else "")
