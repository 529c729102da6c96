"""The ``dondoc`` command line: parse, call one engine function, print.

No business rule lives here. One module per group of commands (setup,
people, agencies, catalog, tasks, follow-up, reports); ``context`` holds the
global options and the error boundary, ``output`` the tables and parsers.
Engine errors become one sentence on stderr with the error's exit code;
usage errors exit 2; nothing prints a traceback (set ``DONDOC_DEBUG=1`` to
see one for an unexpected failure).
"""

from __future__ import annotations

import sys

from cli import agencies, catalog, followup, people, reports, setup, tasks
from cli.context import quiet_after_broken_pipe
from cli.root import cli

for _module in (setup, people, agencies, catalog, tasks, followup, reports):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
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
    sys.exit(code)


__all__ = ["cli", "main"]
