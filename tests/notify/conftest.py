"""Fixtures for the outbox, digest and report tests: real SMTP and HTTP servers, a CLI runner."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner, Result

from cli import cli
from tests.notifiers.conftest import (  # noqa: F401 - fixtures re-exported for this folder
    Recorder,
    free_port,
    http_server,
)


class SmtpAt:
    """An aiosmtpd server on a fixed port that a test can stop and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.recorder = Recorder()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpAt]:
    """An SMTP server on 127.0.0.1, not yet started (so a test can begin with it down)."""
    server = SmtpAt()
    yield server
    server.stop()


@pytest.fixture
def mail_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No config file, outbox folder under tmp_path, no SMTP unless a test sets one."""
    outbox = tmp_path / "outbox"
    monkeypatch.setenv("DONDOC_CONFIG", str(tmp_path / "absent.toml"))
    (tmp_path / "absent.toml").write_text("")
    monkeypatch.setenv("DONDOC_OUTBOX_DIR", str(outbox))
    for var in ("DONDOC_SMTP_URL", "DONDOC_SMTP_FROM", "DONDOC_WEBHOOK_SECRET"):
        monkeypatch.delenv(var, raising=False)
    return outbox


@pytest.fixture
def run(db_url: str, mail_env: Path) -> Callable[..., Result]:
    """Run ``dondoc --db <url> ARGS``; fail loudly on an unexpected traceback."""
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True) -> Result:
        result = runner.invoke(cli, ["--db", db_url, *args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return invoke
