"""Real servers on 127.0.0.1 for the channel tests: SMTP (aiosmtpd) and HTTP."""

from __future__ import annotations

import email
import email.message
import email.policy
import os
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

SMTP_USER = "sct-kontum"
SMTP_PASSWORD = "m4t-khau-Bi-Mat"


def free_port() -> int:
    """A port nobody listens on right now (aiosmtpd cannot bind port 0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Recorder:
    """aiosmtpd handler that keeps every envelope and refuses chosen recipients."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def received(self) -> list[email.message.EmailMessage]:
        """The received messages, parsed as a mail client would."""
        parsed = []
        for envelope in self.envelopes:
            assert isinstance(envelope.content, bytes)
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            assert isinstance(message, email.message.EmailMessage)
            parsed.append(message)
        return parsed


def check_password(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == SMTP_USER.encode()
        and auth_data.password == SMTP_PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


@dataclass
class SmtpServerHandle:
    port: int
    recorder: Recorder


@pytest.fixture
def smtp_server() -> Iterator[Callable[..., SmtpServerHandle]]:
    """Start aiosmtpd servers with the given SMTP parameters; stop them afterwards."""
    controllers: list[Controller] = []

    def start(**params: Any) -> SmtpServerHandle:
        recorder = Recorder()
        port = free_port()
        controller = Controller(recorder, hostname="127.0.0.1", port=port, **params)
        controller.start()
        controllers.append(controller)
        return SmtpServerHandle(port, recorder)

    yield start
    for controller in controllers:
        controller.stop()


@dataclass
class TlsFiles:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        # As for PostgreSQL and the browser: in CI a missing tool fails, never skips.
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("the openssl command is needed in CI to make a test certificate")
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    files = TlsFiles(folder / "cert.pem", folder / "key.pem")
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(files.key),
            "-out",
            str(files.cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return files


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpBehaviour:
    """What the test HTTP server answers; changed by tests before they send."""

    status: int = 204
    body: bytes = b""
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


class _QuietServer(ThreadingHTTPServer):
    # Join handler threads on close, so nothing outlives the test.
    daemon_threads = False
    block_on_close = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The timeout test's client hangs up before the answer; that is expected.
        pass


@dataclass
class HttpServerHandle:
    url: str
    behaviour: HttpBehaviour


@pytest.fixture
def http_server() -> Iterator[HttpServerHandle]:
    """A real HTTP server on 127.0.0.1 that records POSTs and answers as told."""
    behaviour = HttpBehaviour()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            behaviour.requests.append(Received(dict(self.headers.items()), body))
            if behaviour.delay:
                behaviour.release.wait(behaviour.delay)
            self.send_response(behaviour.status)
            self.send_header("Content-Length", str(len(behaviour.body)))
            self.end_headers()
            self.wfile.write(behaviour.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = _QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield HttpServerHandle(f"http://127.0.0.1:{server.server_address[1]}/hook", behaviour)
    finally:
        behaviour.release.set()
        server.shutdown()
        server.server_close()
        thread.join()
