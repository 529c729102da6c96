"""Serving many users: real ``dondoc serve`` processes over one database, real HTTP.

Board A runs two uvicorn workers and trusts the proxy at 127.0.0.1; board B
is a separate process (another host behind a load balancer) trusting no
proxy. Both sign cookies with the same key (read from the same data folder).
A session made on one is valid on the other, a sign-out on one ends it on
both, failed sign-ins count across them, and a cookie is marked Secure only
when a trusted proxy says the request came over HTTPS.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.web.conftest import PASSWORD, _free_port

DONDOC = str(Path(sys.executable).with_name("dondoc"))
COOKIE = "dondoc_session"


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: str

    def cookies(self) -> list[str]:
        return [v for k, v in self.headers if k.lower() == "set-cookie"]

    def location(self) -> str:
        return next((v for k, v in self.headers if k.lower() == "location"), "")


@dataclass
class Browser:
    """One person's browser: keeps the session cookie, opens a new connection per request."""

    cookie: str | None = None
    seen: list[int] = field(default_factory=list)

    def request(
        self,
        port: int,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        sent = {"Accept-Language": "en", **(headers or {})}
        if self.cookie:
            sent["Cookie"] = f"{COOKIE}={self.cookie}"
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            answer = Answer(raw.status, raw.getheaders(), raw.read().decode("utf-8"))
        finally:
            conn.close()
        for value in answer.cookies():
            name, _, rest = value.partition("=")
            if name == COOKIE:
                self.cookie = rest.split(";", 1)[0] or None
        return answer

    def csrf(self, port: int) -> str:
        page = self.request(port, "GET", "/signin?lang=en")
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.body)
        assert found, page.body[:300]
        return found.group(1)

    def sign_in(self, port: int, name: str, password: str) -> Answer:
        form = {"csrf_token": self.csrf(port), "name": name, "password": password, "next": "/"}
        return self.request(port, "POST", "/signin", form)


def _serve(db_url: str, env: dict[str, str], *options: str) -> tuple[subprocess.Popen[str], int]:
    port = _free_port()
    proc = subprocess.Popen(
        [DONDOC, "--db", db_url, "serve", "--port", str(port), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    return proc, port


def _wait_until_up(proc: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, "dondoc serve exited"
        # A first request may wait past the timeout (a worker still starting).
        # Closed either way (no socket left to the GC).
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/signin")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
        finally:
            conn.close()
    pytest.fail("dondoc serve did not answer within 120 s")


@pytest.fixture
def boards(
    kon_tum: sessionmaker[Session], passwords: str, db_url: str, tmp_path: Path
) -> Iterator[tuple[int, int]]:
    """Board A (two workers, trusts 127.0.0.1 as its proxy) and board B, both up."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")}
    # The cookie key is made once in this data folder and read by every process.
    env.update({"XDG_DATA_HOME": str(tmp_path / "data"), "DONDOC_LANG": "en"})
    a, port_a = _serve(db_url, env, "--workers", "2", "--forwarded-allow-ips", "127.0.0.1")
    b, port_b = _serve(db_url, env)
    try:
        _wait_until_up(a, port_a)
        _wait_until_up(b, port_b)
        yield port_a, port_b
    finally:
        for proc in (a, b):
            proc.terminate()
        for proc in (a, b):
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)


def test_boards_share_sessions_sign_outs_and_throttling_and_trust_only_their_proxy(
    boards: tuple[int, int],
) -> None:
    a, b = boards

    lan = Browser()
    assert lan.sign_in(a, "lan", PASSWORD).status == 303
    # Each request on a new connection: A's two workers and board B take turns.
    for port in (a, b) * 6:
        page = lan.request(port, "GET", "/?lang=en")
        assert page.status == 200, (port, page.status, page.location())
    form = {"csrf_token": lan.csrf(b)}
    copied = Browser(cookie=lan.cookie)  # the cookie as it was while signed in
    assert lan.request(b, "POST", "/signout", form).status == 303
    revoked = copied
    for port in (a, a, b):
        gone = revoked.request(port, "GET", "/?lang=en")
        assert gone.status in (302, 303, 307) and "/signin" in gone.location()

    # Five failures for hung, spread over both boards, lock the name on both.
    guesser = Browser()
    for port in (a, b, a, b, a):
        assert guesser.sign_in(port, "hung", "wrong password 123").status == 401
    for port in (b, a):
        refused = guesser.sign_in(port, "hung", PASSWORD)
        assert refused.status == 429
        assert "Đăng nhập sai quá nhiều lần với tên &#39;hung&#39;" in refused.body

    # https as the trusted proxy says: Secure cookies on A; B trusts no proxy.
    over_tls = Browser().request(a, "GET", "/signin", headers={"X-Forwarded-Proto": "https"})
    assert over_tls.cookies() and all("Secure" in c for c in over_tls.cookies())
    plain = Browser().request(a, "GET", "/signin")
    assert plain.cookies() and not any("Secure" in c for c in plain.cookies())
    spoofed = Browser().request(b, "GET", "/signin", headers={"X-Forwarded-Proto": "https"})
    assert spoofed.cookies() and not any("Secure" in c for c in spoofed.cookies())
