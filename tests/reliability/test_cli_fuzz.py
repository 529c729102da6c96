"""Hypothesis drives the command line with hostile arguments: never a traceback (issue 18).

Every command that returns (not ``serve``, ``scheduler run`` or
``quickstart``) is called with options and values drawn from a pool of
malformed and hostile ones: days outside the calendar, 25-digit numbers,
NUL and escape characters, bytes that are not UTF-8, unwritable paths, SQL
and template text. The test fails on "Unexpected internal error", on a
traceback, and on any exit status other than 0, 1 (a refusal), 2 (a usage
error) or 3 (a failed check).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from cli import cli

OUT = Path(tempfile.gettempdir()) / "dondoc-cli-fuzz"
# Each command with its positional arguments' count and its options, so that
# most examples reach the command's work rather than stopping at click's parser.
COMMANDS: dict[tuple[str, ...], tuple[int, list[str]]] = {
    ("tasks",): (0, ["--plan", "--agency", "--status", "--as-of", "--json"]),
    ("plans",): (0, ["--as-of", "--json"]),
    ("show",): (1, ["--as-of", "--json"]),
    ("advance",): (2, ["--field", "--note", "--at", "--expect-version", "--json"]),
    ("escalate", "--dry-run"): (0, ["--as-of", "--json"]),
    ("remind", "--dry-run"): (0, ["--as-of", "--json"]),
    ("digest",): (0, ["--plan", "--agency", "--as-of", "--format"]),
    ("audit", "verify"): (0, ["--plan", "--json"]),
    ("report", "annual"): (0, ["--plan", "--year", "--format", "--xlsx"]),
    ("export", "ics"): (0, ["--plan", "--agency", "--as-of", "-o"]),
    ("notify", "list"): (0, ["--status", "--json"]),
    ("notify", "retry"): (1, ["--all-dead"]),
    ("agencies", "list"): (0, ["--province", "--json"]),
    ("agencies", "set"): (1, ["--email", "--webhook"]),
    ("users", "add"): (1, ["--agency", "--role"]),
    ("users", "token"): (1, ["--revoke", "--list"]),
    ("catalog", "validate"): (1, []),
    ("catalog", "check-budget"): (1, ["--json"]),
}
FLAGS = {"--json", "--list", "--all-dead"}
VALUES = [
    "kon-tum-2013",
    "kon-tum-2013:2.1",
    "kon-tum-2013:1.3@2015",
    "kon-tum/sct",
    "lan",
    "comment",
    "consult",
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "2015-02-30",
    "2015-03-16",
    "2015-03-16T25:00",
    "9" * 25,
    "-1",
    "0",
    "",
    " ",
    "a\x00b",
    "k\x1b[2J=v",
    "a\udcffb",
    "\ud800",
    "x" * 5_000,
    "'; DROP TABLE events; --",
    "{{ 7*7 }}",
    '=HYPERLINK("http://evil.example")',
    "http://hook..example/x",
    "http://hook.example:99999/x",
    "file:///etc/passwd",
    "a@b..vn",
    "postgresql://x@[::1/db",
    "/proc/no-such-folder/out",
    str(OUT / ("a" * 300)),
    str(OUT / "out.ics"),
    "md",
    "html",
    "xlsx",
    "overdue",
    "viewer",
]
value = st.sampled_from(VALUES)


@st.composite
def invocation(draw: st.DrawFn) -> list[str]:
    """A command line: global options, a command, its arguments and some of its options."""
    head = draw(st.sampled_from([[], ["--as", "lan"], ["--as", "a\udcffb"], ["--lang", "en"]]))
    command = draw(st.sampled_from(sorted(COMMANDS)))
    count, options = COMMANDS[command]
    # Now and then one argument too many or too few: a usage error is fine too.
    positional = draw(
        st.lists(value, min_size=count, max_size=count + (draw(st.integers(0, 9)) == 0))
    )
    chosen = draw(st.lists(st.sampled_from(options), max_size=3)) if options else []
    tail: list[str] = []
    for name in chosen:
        tail += [name] if name in FLAGS else [name, draw(value)]
    return [*head, *command, *positional, *tail]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_hostile_command_lines_get_a_sentence_never_a_traceback(
    kon_tum: sessionmaker[Session],
    db_url: str,
    mail_dirs: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    OUT.mkdir(exist_ok=True)
    # A relative path drawn as a value ("consult", "k\x1b[2J=v") is a file the
    # command may write: in a folder of the test's own, never the checkout.
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    seen: dict[int, int] = {}

    @given(args=invocation())
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    def answers_cleanly(args: list[str]) -> None:
        result = runner.invoke(cli, ["--db", db_url, *args])
        shown = repr(args)[:300]
        assert result.exit_code in (0, 1, 2, 3), (shown, result.output[-500:])
        assert "Unexpected internal error" not in result.output, (shown, result.output[-500:])
        assert "Traceback" not in result.output, shown
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            shown,
            repr(result.exception),
        )
        seen[result.exit_code] = seen.get(result.exit_code, 0) + 1

    answers_cleanly()
    print(f"\ncli fuzz: exit statuses {dict(sorted(seen.items()))}")
