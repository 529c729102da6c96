"""Figures on the board and through the API, and the periodic report's Word export."""

from __future__ import annotations

import io
import json

from docx import Document
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from tests.conftest import Run
from tests.web.test_pages import sign_in


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_api_answers_as_the_cli_json(
    client: TestClient, tokens: dict[str, str], kon_tum: sessionmaker[Session], run: Run
) -> None:
    response = client.get(
        "/api/v1/stats",
        params={"plan": "kon-tum-2013", "period": "2015"},
        headers=bearer(tokens["an"]),
    )
    assert response.status_code == 200, response.text
    cli = run("stats", "--plan", "kon-tum-2013", "--period", "2015", "--json")
    assert response.json() == json.loads(cli.stdout)
    total = response.json()["total"]
    assert response.json()["as_of"] == "2015-12-14"
    assert total["total"] == sum(
        total[k]
        for k in (
            "completed_on_time",
            "completed_late",
            "within_deadline",
            "overdue",
            "suspended",
            "cancelled",
        )
    )


def test_the_api_refuses_a_bad_period_with_a_code(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = client.get(
        "/api/v1/stats", params={"period": "2015-H2"}, headers=bearer(tokens["an"])
    )
    assert response.status_code == 422
    assert response.json()["code"] == "bad_period"


def test_the_board_page_shows_rates_and_offers_the_word_report(
    client: TestClient, passwords: str
) -> None:
    sign_in(client, "lan")
    page = client.get("/stats", params={"plan": "kon-tum-2013", "period": "2015"})
    assert page.status_code == 200
    assert "Tỷ lệ cập nhật" in page.text and "Quyết định 835/QĐ-UBND" in page.text
    assert 'href="/plans/kon-tum-2013/report?period=2015"' in page.text
    got = client.get("/plans/kon-tum-2013/report", params={"period": "2015"})
    assert got.status_code == 200
    assert got.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert 'filename="bao-cao-kon-tum-2013-2015.docx"' in got.headers["content-disposition"]
    doc = Document(io.BytesIO(got.content))
    assert "BÁO CÁO" in [p.text for p in doc.paragraphs]
    bad = client.get("/plans/kon-tum-2013/report", params={"period": "hai nghìn"})
    assert bad.status_code == 422 and "hai nghìn" in bad.text
