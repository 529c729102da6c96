"""The ``dondoc`` command line: parse, call one engine function, print.

No business rule lives here. One module per group of commands (setup,
people, agencies, catalog, tasks, follow-up, reports); ``context`` holds the
global options and the error boundary, ``output`` the tables and parsers.
Engine errors become one sentence on stderr with the error's exit code;
usage errors exit 2; nothing prints a traceback (set ``DONDOC_DEBUG=1`` to
see one for an unexpected failure).
"""

from __future__ import annotations

import gc
import sys
from typing import TextIO

from cli import (
    agencies,
    catalog,
    cycle,
    followup,
    people,
    reports,
    search,
    setup,
    stats,
    succession,
    tasks,
)
from cli.context import quiet_after_broken_pipe
from cli.root import cli

for _module in (
    setup,
    people,
    agencies,
    succession,
    catalog,
    tasks,
    search,
    followup,
    cycle,
    reports,
    stats,
):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


class _PipeSafeStdout:
    """stdout that goes quiet when its reader leaves, so the command still finishes its work.

    ``dondoc users add … | true``: the reader is gone before the first line,
    but the user must still be added and the exit status must still be the
    command's own (3 for a failed check, 1 for a refusal), not a broken pipe's.
    What is left to print goes to /dev/null.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def _guarded(self, method: str, *args: object) -> object:
        try:
            return getattr(self._stream, method)(*args)
        except BrokenPipeError:
            quiet_after_broken_pipe()
            try:
                return getattr(self._stream, method)(*args)
            except (BrokenPipeError, ValueError):
                return None

    def write(self, text: str) -> object:
        return self._guarded("write", text)

    def flush(self) -> object:
        return self._guarded("flush")

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    # A short command makes some 75,000 objects while it imports SQLAlchemy
    # and the models, and keeps nearly all of them to the end; the default
    # (a collection every 700 new ones) walked them in 166 collections
    # during ``dondoc show``, about 90 ms of CPU at load 4. Every 50,000
    # (once ``cli`` is imported) leaves about 55 ms, and still bounds what
    # a long command's garbage cycles can hold (bench/NOTES.md, "Start-up").
    gc.set_threshold(50_000, 10, 10)
    sys.stdout = _PipeSafeStdout(sys.stdout)
    try:
        cli.main(args=argv, prog_name="dondoc")
    except SystemExit as done:
        code = done.code
    else:  # pragma: no cover - click's main always exits in standalone mode
        code = 0
    # Output still buffered is written at exit; a reader that left early
    # (``dondoc tasks | head -1``) must not turn that into an error.
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_after_broken_pipe()
        code = 0
    # Only the exit is left. The interpreter's last garbage collection would
    # walk every object still alive (SQLAlchemy's and the models' are many)
    # to free memory the process is about to give back: about a fifth of
    # the CPU of ``dondoc show`` (bench/NOTES.md, "Start-up"). Frozen
    # objects are left out of it. atexit handlers still run, and what
    # reference counting frees (an open file among it) is still finalised;
    # only objects in reference cycles are left to the operating system, as
    # Python never promised to finalise everything at exit.
    gc.freeze()
    sys.exit(code)


__all__ = ["cli", "main"]
