"""Hostile requests get a 4xx and a sentence, never a 500 (issue 18).

Each case is one the issue reproduced as a 500: a superscript digit in
``If-Match``, JSON nested 30,000 deep, a lone surrogate in a note, days
outside 1900–2999, ``?plan=%00`` (PostgreSQL), a body far over the limit
read whole before authentication, a NUL in a sign-in name, and SQLite's
"database is locked".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine import auth, db
from tests.web.conftest import SECRET
from web.app import create_app
from web.limits import API_BODY

REF = "kon-tum-2013:2.1"


def _bearer(tokens: dict[str, str], version: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {tokens['lan']}"}
    if version is not None:
        headers["If-Match"] = version
    return headers


def test_if_match_takes_ascii_digits_only(client: TestClient, tokens: dict[str, str]) -> None:
    # Header bytes are read as Latin-1: b"\xb2" arrives as "²", which str.isdigit() accepts.
    for version in (b'"\xb2"', b'"1\xb2"', b'"\xb9\xb2"'):
        answer = client.post(
            f"/api/v1/tasks/{REF}/advance",
            json={"trigger": "comment", "note": "x"},
            headers={**_bearer(tokens), "If-Match": version},  # type: ignore[dict-item]
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == "if_match_bad"


def test_json_nested_thirty_thousand_deep_is_refused_before_parsing(
    client: TestClient, tokens: dict[str, str]
) -> None:
    body = "[" * 30_000 + "]" * 30_000
    answer = client.post(
        f"/api/v1/tasks/{REF}/advance",
        content=body,
        headers={**_bearer(tokens, '"1"'), "Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert answer.json()["error"] == "The request body nests deeper than 32 levels."


def test_a_lone_surrogate_or_nul_in_a_note_or_field_is_an_input_error(
    client: TestClient, tokens: dict[str, str]
) -> None:
    for body in (
        b'{"trigger": "comment", "note": "a\\ud800b"}',
        b'{"trigger": "comment", "note": "a\\u0000b"}',
        b'{"trigger": "comment", "fields": {"k\\udc00": "v"}}',
    ):
        answer = client.post(
            f"/api/v1/tasks/{REF}/advance",
            content=body,
            headers={**_bearer(tokens, '"1"'), "Content-Type": "application/json"},
        )
        assert answer.status_code == 422, answer.text
        # The engine's own check, the same for the CLI and the board.
        assert answer.json()["code"] in ("control_characters", "field_name_control_characters")


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_days_outside_the_supported_years_are_refused_with_a_sentence(
    client: TestClient, tokens: dict[str, str], day: str
) -> None:
    for path in ("/api/v1/tasks", "/api/v1/plans", "/api/v1/digest", f"/api/v1/tasks/{REF}"):
        answer = client.get(path, params={"as_of": day}, headers=_bearer(tokens))
        assert answer.status_code == 422, (path, answer.text)
        assert "outside the years dondoc handles (1900 to 2999)" in answer.json()["error"]
    answer = client.post(
        f"/api/v1/tasks/{REF}/advance",
        json={"trigger": "comment", "note": "x", "at": day},
        headers=_bearer(tokens, '"1"'),
    )
    assert answer.status_code == 422 and answer.json()["code"] == "at_out_of_range"


def test_a_nul_in_the_address_is_a_400_on_the_api_and_the_board(
    client: TestClient, tokens: dict[str, str]
) -> None:
    for path in ("/api/v1/tasks?plan=%00", "/api/v1/tasks?agency=a%00b", "/api/v1/tasks/a%00b"):
        answer = client.get(path, headers=_bearer(tokens))
        assert answer.status_code == 400, (path, answer.text)
        assert answer.json()["code"] == "nul_in_address"
    page = client.get("/?plan=%00")
    assert page.status_code == 400
    assert "NUL" in page.text


def test_a_body_over_the_limit_is_refused_before_authentication_and_while_streaming(
    client: TestClient,
) -> None:
    # No token at all: the size is refused first, without reading the body.
    declared = client.post(
        f"/api/v1/tasks/{REF}/advance", content=b"x" * (API_BODY + 1), headers={"If-Match": '"1"'}
    )
    assert declared.status_code == 413
    assert declared.json()["code"] == "body_too_large"

    def chunks() -> Iterator[bytes]:
        # No Content-Length: counted while it streams, and refused there.
        for _ in range(400):
            yield b"x" * 16_384

    streamed = client.post(
        f"/api/v1/tasks/{REF}/advance", content=chunks(), headers={"If-Match": '"1"'}
    )
    assert streamed.status_code == 413
    form = client.post("/signin", content=b"name=" + b"x" * 400_000)
    assert form.status_code == 413


def test_a_nul_in_a_sign_in_name_is_a_wrong_password(kon_tum: sessionmaker[Session]) -> None:
    with db.transaction(kon_tum) as s, pytest.raises(auth.AuthenticationFailed):
        auth.check_password(s, "l\x00an", "any password at all")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_locked_past_the_timeout_is_a_503_with_retry_after(
    kon_tum: sessionmaker[Session],
    db_url: str,
    tokens: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DONDOC_SQLITE_BUSY_TIMEOUT_MS", "100")
    app = create_app(db_url, secret=SECRET)
    holder = sqlite3.connect(str(make_url(db_url).database), isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        with TestClient(app, headers={"Accept-Language": "en"}) as client:
            answer = client.post(
                f"/api/v1/tasks/{REF}/advance",
                json={"trigger": "comment", "note": "x"},
                headers=_bearer(tokens, '"1"'),
            )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "5"
    assert answer.json()["code"] == "database_busy"
