"""Writing a file whole or not at all, and creating private files and folders.

An output (a report, an iCalendar file, a draft catalog) is written to a
temporary file beside it and renamed over it, so a killed or failing command
leaves the previous file as it was, never a half-written one. A path that
cannot be written is an ``InvalidInput("cannot_write")`` with the system's
reason, not an unexpected error.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from engine.errors import InvalidInput

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def write_atomically(path: str | Path, data: bytes | str, *, mode: int = 0o644) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename; the path written."""
    target = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    temporary: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".dondoc-", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        raise InvalidInput(
            "cannot_write", path=str(target)[:200], reason=exc.strerror or str(exc)
        ) from exc
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return target
