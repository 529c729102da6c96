"""The history audit on the board and in the API: intact, or the first bad event named."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine import db
from engine.models import Event, Occurrence
from tests.web.test_pages import csrf_of, sign_in

REF = "kon-tum-2013:2.1"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def tamper_with_the_first_event_of_2_1(factory: sessionmaker[Session]) -> int:
    with db.transaction(factory) as s:
        occ_id = s.scalar(select(Occurrence.id).where(Occurrence.ref == REF))
        event_id = s.scalar(select(Event.id).where(Event.occurrence_id == occ_id, Event.seq == 1))
        assert event_id is not None
        s.execute(update(Event).where(Event.id == event_id).values(note="đã sửa"))
        return event_id


def test_the_api_audit_of_an_untouched_plan_is_ok_with_its_counts(
    client: TestClient, tokens: dict[str, str], kon_tum: sessionmaker[Session]
) -> None:
    response = client.get(
        "/api/v1/audit", params={"plan": "kon-tum-2013"}, headers=bearer(tokens["lan"])
    )
    assert response.status_code == 200
    with db.transaction(kon_tum) as s:
        events = s.scalar(select(func.count()).select_from(Event))
        occurrences = s.scalar(select(func.count()).select_from(Occurrence))
    assert response.json() == {
        "ok": True,
        "occurrences": occurrences,
        "events": events,
        "problems": [],
    }


def test_the_api_audit_names_the_edited_event(
    client: TestClient, tokens: dict[str, str], kon_tum: sessionmaker[Session]
) -> None:
    event_id = tamper_with_the_first_event_of_2_1(kon_tum)
    response = client.get(
        "/api/v1/audit", params={"plan": "kon-tum-2013"}, headers=bearer(tokens["lan"])
    )
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    assert body["problems"] == [
        {
            "ref": REF,
            "seq": 1,
            "event_id": event_id,
            "problem": "edited",
            "facts": {},
            "sentence": f"{REF}: event #1 (id {event_id}) was edited after it was recorded.",
        }
    ]


def test_the_api_audit_is_for_coordinators_and_known_plans(
    client: TestClient, tokens: dict[str, str]
) -> None:
    officer = client.get(
        "/api/v1/audit", params={"plan": "kon-tum-2013"}, headers=bearer(tokens["hung"])
    )
    assert officer.status_code == 403
    assert "only coordinators" in officer.json()["error"]
    unknown = client.get(
        "/api/v1/audit", params={"plan": "atlantis-2020"}, headers=bearer(tokens["lan"])
    )
    assert unknown.status_code == 404
    assert "atlantis-2020" in unknown.json()["error"]
    assert client.get("/api/v1/audit").status_code == 401


def test_the_audit_page_says_intact_then_names_the_first_bad_event(
    client: TestClient, passwords: str, kon_tum: sessionmaker[Session]
) -> None:
    sign_in(client, "lan")
    home = client.get("/")
    assert 'href="/audit"' in home.text
    intact = client.get("/audit?plan=kon-tum-2013&lang=en")
    assert intact.status_code == 200
    assert "Intact: no event was edited, deleted or reordered." in intact.text
    event_id = tamper_with_the_first_event_of_2_1(kon_tum)
    broken = client.get("/audit?plan=kon-tum-2013&lang=vi")
    assert "Lịch sử đã bị thay đổi" in broken.text
    assert f"{REF}: sự kiện #1 (id {event_id}) đã bị sửa sau khi được ghi." in broken.text


def test_the_audit_page_is_not_offered_to_an_officer_and_refuses_one(
    client: TestClient, passwords: str
) -> None:
    sign_in(client, "hung")
    home = client.get("/")
    assert 'href="/audit"' not in home.text
    csrf_of(home.text)  # still a signed-in page
    refused = client.get("/audit?plan=kon-tum-2013")
    assert refused.status_code == 403
    assert "chỉ cán bộ điều phối mới kiểm tra lịch sử" in refused.text
