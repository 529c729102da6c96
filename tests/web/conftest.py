"""Fixtures for the web tests: the Kon Tum database behind a running app, and credentials."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine import auth, db
from web.app import create_app

PASSWORD = "mật khẩu đủ dài 2014"
SECRET = "test-secret-key-for-signing-cookies"


@pytest.fixture
def client(kon_tum: sessionmaker[Session], db_url: str) -> Iterator[TestClient]:
    """A client of the app over the Kon Tum database; the API answers it in English.

    ``Accept-Language: en`` chooses the API's language (the board's pages take
    theirs from ``?lang=`` and the ``lang`` cookie, Vietnamese by default).
    """
    app = create_app(db_url, secret=SECRET)
    english = {"Accept-Language": "en"}
    with TestClient(app, base_url="http://testserver", headers=english) as test_client:
        yield test_client


@pytest.fixture
def tokens(kon_tum: sessionmaker[Session]) -> dict[str, str]:
    """An API token per Kon Tum user."""
    with db.transaction(kon_tum) as s:
        return {n: auth.issue_token(s, n).secret for n in ("lan", "hung", "minh", "thu", "an")}


@pytest.fixture
def passwords(kon_tum: sessionmaker[Session]) -> str:
    """Gives lan, hung and minh the password PASSWORD (hashing is slow: only where needed)."""
    with db.transaction(kon_tum) as s:
        for name in ("lan", "hung", "minh"):
            auth.set_password(s, name, PASSWORD)
    return PASSWORD


# The browser tests (test_browser.py, test_crawl.py): Debian's chromium and its driver.
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
HAVE_BROWSER = bool(shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(kon_tum: sessionmaker[Session], passwords: str, db_url: str) -> Iterator[str]:
    """uvicorn serving the app over the Kon Tum database, in a thread, on a free port."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(db_url, secret=SECRET), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start within 20 seconds")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=20)


@pytest.fixture
def browser() -> Iterator[object]:
    if not HAVE_BROWSER:
        pytest.fail("CI=true but chromium or chromedriver is missing; .ci/run should install them")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"):
        options.add_argument(flag)
    options.add_argument("--window-size=1280,1600")
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()
