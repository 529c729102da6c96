"""Helpers for the reliability suite: the dondoc script, subprocess runs, a quiet mail setup."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.notifiers.conftest import http_server  # noqa: F401 - fixture re-exported
from tests.notify.conftest import SmtpAt

# The console script installed next to the interpreter (.venv/bin/dondoc in CI).
DONDOC = str(Path(sys.executable).with_name("dondoc"))
WORKER = str(Path(__file__).with_name("worker_advance.py"))
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Ran:
    code: int
    out: str
    err: str


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a dondoc subprocess: no stray user, config or SMTP settings."""
    # The tests' language and strict wording (tests/conftest.py) reach the child too.
    keep = ("DONDOC_LANG", "DONDOC_STRICT_WORDS")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONDOC_") or k in keep}
    env.update(extra or {})
    return env


@pytest.fixture
def mail_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """An empty config file and an outbox folder, set here and for subprocesses."""
    config = tmp_path / "absent.toml"
    config.write_text("")
    env = {"DONDOC_CONFIG": str(config), "DONDOC_OUTBOX_DIR": str(tmp_path / "outbox")}
    for var in ("DONDOC_SMTP_URL", "DONDOC_SMTP_FROM", "DONDOC_WEBHOOK_SECRET"):
        monkeypatch.delenv(var, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def dondoc(db_url: str) -> Callable[..., Ran]:
    """Run the real ``dondoc --db <url> ARGS`` in a subprocess, bounded in time."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Ran:
        proc = subprocess.run(
            [DONDOC, "--db", db_url, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=child_env(env),
            cwd=ROOT,
        )
        return Ran(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def smtp() -> Iterator[SmtpAt]:
    """An SMTP server on 127.0.0.1, not yet started."""
    server = SmtpAt()
    yield server
    server.stop()
