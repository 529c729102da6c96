"""Files dondoc derives from its own shipped data and keeps between commands.

Compiling the message catalog or reading the workflow definitions costs tens
of milliseconds on every command; what they give is kept in the user's cache
folder under the hash of what it was made from, so a changed source is
compiled anew and a stale file is never read. Losing the folder only costs
the time again: nothing here may fail a command.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path


def cache_file(kind: str, name: str, sources: Iterable[bytes], suffix: str) -> Path | None:
    """Where what was made from ``sources`` is kept (``kind/name-<hash><suffix>``), if it can be."""
    digest = hashlib.sha256()
    for source in sources:
        # Each source's length first, so that two splits of the same bytes differ.
        digest.update(len(source).to_bytes(8, "big"))
        digest.update(source)
    try:
        import platformdirs

        folder = Path(platformdirs.user_cache_dir("dondoc")) / kind
    except Exception:  # noqa: BLE001 - no cache folder: compute every time
        return None
    return folder / f"{name}-{digest.hexdigest()[:24]}{suffix}"


def keep(path: Path, data: bytes) -> None:
    """Write ``data`` through a temporary file and a rename (readers never see half a file)."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".keep-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        pass
