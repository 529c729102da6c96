"""The follow-up cycle over the REST API: the same engine calls as the CLI, refusals as JSON."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine import auth, db
from tests.cycle.conftest import PLAN
from web.app import create_app


@pytest.fixture
def api(nghe_an: sessionmaker[Session], db_url: str) -> Iterator[tuple[TestClient, dict]]:
    with db.transaction(nghe_an) as s:
        tokens = {n: auth.issue_token(s, n).secret for n in ("ha", "khoa", "thao", "vy")}
    app = create_app(db_url, secret="test-secret-key-for-signing-cookies")
    with TestClient(app, headers={"Accept-Language": "en"}) as client:
        yield client, {n: {"Authorization": f"Bearer {t}"} for n, t in tokens.items()}


def test_reports_and_extensions_over_the_api(api: tuple[TestClient, dict]) -> None:
    client, who = api
    ref = f"{PLAN}:1.5"
    body = {"period": "2018", "status_text": "Đang tổng hợp", "percent": 60}
    made = client.post(f"/api/v1/tasks/{ref}/reports", json=body, headers=who["khoa"])
    assert made.status_code == 201, made.text
    assert (made.json()["version"], made.json()["agency"]) == (1, "nghe-an/skhcn")
    refused = client.post(f"/api/v1/tasks/{ref}/reports", json=body, headers=who["vy"])
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed.viewer"
    bad = client.post(
        f"/api/v1/tasks/{ref}/reports", json={**body, "period": "2018-Q7"}, headers=who["khoa"]
    )
    assert bad.status_code == 422 and bad.json()["code"] == "bad_period"
    listed = client.get(f"/api/v1/plans/{PLAN}/periods/2018/reports", headers=who["vy"])
    mine = next(r for r in listed.json()["occurrences"] if r["ref"] == ref)
    assert mine["reported"] and mine["report"]["percent"] == 60
    asked = client.post(
        f"/api/v1/tasks/{ref}/extensions",
        json={"until": "2019-06-30", "reason": "Chờ kinh phí"},
        headers=who["khoa"],
    )
    assert asked.status_code == 201, asked.text
    twice = client.post(
        f"/api/v1/tasks/{ref}/extensions",
        json={"until": "2019-06-30", "reason": "Lần hai"},
        headers=who["khoa"],
    )
    assert twice.status_code == 409 and twice.json()["code"] == "extension_pending"
    decided = client.post(
        f"/api/v1/tasks/{ref}/extensions/decision",
        json={"decision": "refuse", "reason": "Đã quá thời gian thực hiện kế hoạch"},
        headers=who["ha"],
    )
    assert decided.status_code == 200 and decided.json()["status"] == "refused"
    shown = client.get("/api/v1/extensions", params={"plan": PLAN}, headers=who["vy"]).json()
    assert [r["status"] for r in shown] == ["refused"]
    closed = client.post(f"/api/v1/plans/{PLAN}/periods/2018/close", headers=who["ha"])
    assert closed.status_code == 200 and closed.json()["period"] == "2018"
    nothing = client.post(f"/api/v1/tasks/{ref}/reports", content=b"[1]", headers=who["khoa"])
    assert nothing.status_code == 422
