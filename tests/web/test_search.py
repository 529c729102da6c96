"""Search on the board, in the API and on the command line: the same words find the same tasks."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from tests.web.test_api import bearer
from tests.web.test_pages import sign_in


def test_the_header_box_finds_the_kon_tum_directive_task_without_accents(
    client: TestClient, passwords: str
) -> None:
    sign_in(client, "hung")
    page = client.get("/", params={"lang": "vi"})
    assert 'action="/search"' in page.text
    found = client.get("/search", params={"q": "chi thi", "lang": "vi"})
    assert found.status_code == 200
    assert 'href="/tasks/kon-tum-2013:2.1"' in found.text
    assert "ban hành Chỉ thị áp dụng SXSH" in found.text
    # Named as the board names them: the legal reference, the province and agencies by name.
    assert "835/QĐ-UBND" in found.text and "Sở Công Thương" in found.text
    assert "kon-tum/sct" not in found.text


def test_a_search_that_finds_nothing_says_so_and_an_empty_one_shows_the_form(
    client: TestClient, passwords: str
) -> None:
    sign_in(client, "hung")
    nothing = client.get("/search", params={"q": "xyzzy khong co"})
    assert nothing.status_code == 200
    assert "Tìm thấy 0 kết quả cho «xyzzy khong co»." in nothing.text
    empty = client.get("/search", params={"q": "  "})
    assert empty.status_code == 200 and 'id="found"' not in empty.text


def test_search_needs_a_signed_in_user(client: TestClient, kon_tum: sessionmaker[Session]) -> None:
    response = client.get("/search", params={"q": "chi thi"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin")


def test_the_api_and_the_cli_find_the_same_rows(
    client: TestClient, tokens: dict[str, str], kon_tum: sessionmaker[Session], run
) -> None:
    response = client.get("/api/v1/search", params={"q": "chi thi"}, headers=bearer(tokens["an"]))
    assert response.status_code == 200
    refs = [r["ref"] for r in response.json()["items"]]
    assert "kon-tum-2013:2.1" in refs
    printed = run("search", "chi", "thi", "--json")
    assert printed.exit_code == 0
    assert [r["ref"] for r in json.loads(printed.output)] == refs
    empty = client.get("/api/v1/search", params={"q": ""}, headers=bearer(tokens["an"]))
    assert empty.status_code == 200
    assert empty.json()["total"] == 0
    assert client.get("/api/v1/search", params={"q": "chi thi"}).status_code == 401


def test_the_cli_says_when_nothing_is_found(run, kon_tum: sessionmaker[Session]) -> None:
    result = run("search", "xyzzy")
    assert result.exit_code == 0
    assert result.output.strip() == "No task found for “xyzzy”."
    refused = run("search", "--")
    assert refused.exit_code != 0
