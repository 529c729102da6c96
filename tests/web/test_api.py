"""The REST API on both databases: listing, showing, advancing and every refusal."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine import db, views
from engine.models import Escalation, Event, Occurrence

REF = "kon-tum-2013:2.1"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_without_a_token_every_endpoint_answers_401(client: TestClient) -> None:
    for path in ("/api/v1/plans", "/api/v1/tasks", f"/api/v1/tasks/{REF}"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert "Bearer" in response.json()["error"]
    bad = client.get("/api/v1/plans", headers=bearer("ddk_not-a-token"))
    assert bad.status_code == 401


def test_the_task_list_is_exactly_the_cli_json(
    client: TestClient, tokens: dict[str, str], kon_tum: sessionmaker[Session]
) -> None:
    response = client.get(
        "/api/v1/tasks",
        params={"plan": "kon-tum-2013", "agency": "kon-tum/stnmt", "as_of": "2016-01-04"},
        headers=bearer(tokens["an"]),
    )
    assert response.status_code == 200
    with db.transaction(kon_tum) as s:
        expected = views.task_rows(
            s, plan_id="kon-tum-2013", agency="kon-tum/stnmt", as_of=views.dt.date(2016, 1, 4)
        )
    assert response.json()["items"] == expected
    assert response.json()["total"] == len(expected) and response.json()["next"] is None
    assert {r["role"] for r in expected} <= {"owner", "lead", "co"} and expected


def test_plans_list_counts_by_status(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.get(
        "/api/v1/plans", params={"as_of": "2016-01-04"}, headers=bearer(tokens["an"])
    )
    assert response.status_code == 200
    (plan,) = response.json()["items"]
    assert plan["id"] == "kon-tum-2013"
    assert sum(plan["by_status"].values()) == plan["occurrences"] > 0


def test_show_gives_the_record_and_its_version_as_etag(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = client.get(f"/api/v1/tasks/{REF}", headers=bearer(tokens["an"]))
    assert response.status_code == 200
    body = response.json()
    assert body["ref"] == REF and body["state"] == "drafting"
    assert response.headers["etag"] == f'"{body["version"]}"'


def test_unknown_task_is_404_and_bad_filters_are_422(
    client: TestClient, tokens: dict[str, str]
) -> None:
    missing = client.get("/api/v1/tasks/kon-tum-2013:9.9", headers=bearer(tokens["an"]))
    assert missing.status_code == 404
    assert "has no task '9.9'" in missing.json()["error"]
    nowhere = client.get("/api/v1/tasks?agency=kon-tum/nowhere", headers=bearer(tokens["an"]))
    assert nowhere.status_code == 404
    assert "'kon-tum/nowhere'" in nowhere.json()["error"]
    typo = client.get("/api/v1/tasks?agency=kon-tum/stmnt", headers=bearer(tokens["an"]))
    assert typo.status_code == 404 and typo.json()["suggestions"][0] == "kon-tum/stnmt"
    assert (
        "closest: Kon Tum Department of Natural Resources and Environment (kon-tum/stnmt), "
        in typo.json()["error"]
    )
    status = client.get("/api/v1/tasks?status=late", headers=bearer(tokens["an"]))
    assert status.status_code == 422
    day = client.get("/api/v1/tasks?as_of=31/12/2014", headers=bearer(tokens["an"]))
    assert day.status_code == 422
    assert client.get("/api/v1/nothing", headers=bearer(tokens["an"])).status_code == 404


def _advance(client: TestClient, token: str, version: int | str | None, body: object):  # type: ignore[no-untyped-def]
    headers = bearer(token)
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return client.post(f"/api/v1/tasks/{REF}/advance", json=body, headers=headers)


def test_advancing_2_1_to_issued_records_each_step(
    client: TestClient, tokens: dict[str, str], kon_tum: sessionmaker[Session]
) -> None:
    version = client.get(f"/api/v1/tasks/{REF}", headers=bearer(tokens["lan"])).json()["version"]
    for trigger in ("consult", "appraise", "submit"):
        response = _advance(client, tokens["lan"], version, {"trigger": trigger})
        assert response.status_code == 200, response.text
        version = response.json()["version"]
        assert response.headers["etag"] == f'"{version}"'
    done = _advance(
        client,
        tokens["hung"],
        version,
        {
            "trigger": "issue",
            "fields": {"document_number": "05/CT-UBND", "document_date": "2014-06-10"},
            "note": "Ký ban hành",
        },
    )
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "issued"
    last = done.json()["history"][-1]
    assert (last["actor"], last["trigger"], last["from"], last["to"]) == (
        "hung",
        "issue",
        "submitted",
        "issued",
    )
    assert last["fields"]["document_number"] == "05/CT-UBND"
    with db.transaction(kon_tum) as s:
        occ = s.scalar(select(Occurrence).where(Occurrence.ref == REF))
        assert occ is not None and occ.state == "issued"
        actors = list(s.scalars(select(Event.actor).where(Event.occurrence_id == occ.id)))
    assert actors[-4:] == ["lan", "lan", "lan", "hung"]


def test_a_stale_version_is_409_and_changes_nothing(
    client: TestClient, tokens: dict[str, str]
) -> None:
    version = client.get(f"/api/v1/tasks/{REF}", headers=bearer(tokens["lan"])).json()["version"]
    assert _advance(client, tokens["lan"], version, {"trigger": "consult"}).status_code == 200
    stale = _advance(client, tokens["hung"], version, {"trigger": "appraise"})
    assert stale.status_code == 409
    assert "changed since you read it" in stale.json()["error"]
    after = client.get(f"/api/v1/tasks/{REF}", headers=bearer(tokens["lan"])).json()
    assert after["state"] == "consulting"


def test_an_officer_of_another_agency_is_403(client: TestClient, tokens: dict[str, str]) -> None:
    refused = _advance(client, tokens["minh"], 1, {"trigger": "consult"})
    assert refused.status_code == 403
    assert "not a lead agency" in refused.json()["error"]
    after = client.get(f"/api/v1/tasks/{REF}", headers=bearer(tokens["minh"])).json()
    assert after["state"] == "drafting" and len(after["history"]) == 1


def test_issuing_without_a_document_number_is_422_naming_it(
    client: TestClient, tokens: dict[str, str]
) -> None:
    version = client.get(f"/api/v1/tasks/{REF}", headers=bearer(tokens["lan"])).json()["version"]
    for trigger in ("consult", "appraise", "submit"):
        version = _advance(client, tokens["lan"], version, {"trigger": trigger}).json()["version"]
    missing = _advance(
        client,
        tokens["lan"],
        version,
        {"trigger": "issue", "fields": {"document_date": "2014-06-10"}},
    )
    assert missing.status_code == 422
    assert missing.json()["missing"] == ["document_number"]
    assert "document_number" in missing.json()["error"]


def test_a_trigger_the_state_does_not_allow_is_409(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = _advance(client, tokens["lan"], 1, {"trigger": "issue"})
    assert response.status_code == 409
    assert "Can't issue when in drafting" in response.json()["error"]


def test_advance_needs_if_match_and_a_json_object(
    client: TestClient, tokens: dict[str, str]
) -> None:
    assert _advance(client, tokens["lan"], None, {"trigger": "consult"}).status_code == 428
    assert _advance(client, tokens["lan"], "v1", {"trigger": "consult"}).status_code == 422
    assert _advance(client, tokens["lan"], 1, ["consult"]).status_code == 422
    assert _advance(client, tokens["lan"], 1, {"fields": {}}).status_code == 422
    assert _advance(client, "ddk_nope", None, {"trigger": "consult"}).status_code == 401


def test_the_openapi_document_describes_every_endpoint(client: TestClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {
        "/plans",
        "/tasks",
        "/stats",
        "/tasks/{ref}",
        "/tasks/{ref}/advance",
        "/tasks/{ref}/files/{sha256}",
        "/escalations",
        "/digest",
        "/audit",
        "/search",
        "/openapi.json",
    }
    advance = doc["paths"]["/tasks/{ref}/advance"]["post"]
    assert {"200", "401", "403", "409", "422", "428"} <= set(advance["responses"])


def test_escalations_show_what_a_sweep_would_record_without_writing(
    client: TestClient, tokens: dict[str, str], kon_tum: sessionmaker[Session]
) -> None:
    response = client.get(
        "/api/v1/escalations", params={"as_of": "2015-03-16"}, headers=bearer(tokens["an"])
    )
    assert response.status_code == 200, response.text
    rows = response.json()["items"]
    assert rows and all(r["ref"].startswith("kon-tum-2013:") for r in rows)
    assert {r["kind"] for r in rows} <= {"overdue", "state_limit"}
    with db.transaction(kon_tum) as s:
        assert s.scalar(select(func.count()).select_from(Escalation)) == 0


def test_the_digest_data_counts_every_occurrence_of_the_plan(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = client.get(
        "/api/v1/digest",
        params={"plan": "kon-tum-2013", "as_of": "2015-03-16"},
        headers=bearer(tokens["an"]),
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["total"] == sum(data["counts"].values()) > 0
    assert data["counts"]["overdue"] == len(data["overdue"]) > 0


def test_an_error_is_worded_in_the_language_the_client_accepts(
    client: TestClient, tokens: dict[str, str]
) -> None:
    def missing(accept: str) -> dict[str, object]:
        headers = {**bearer(tokens["lan"]), "Accept-Language": accept}
        response = client.get("/api/v1/tasks/kon-tum-2013:9.9", headers=headers)
        assert response.status_code == 404
        return response.json()

    vietnamese = missing("")  # no preference: Vietnamese, dondoc's own language
    assert str(vietnamese["detail"]).startswith("Kế hoạch kon-tum-2013 không có nhiệm vụ '9.9'")
    english = missing("fr-FR, en;q=0.8, vi;q=0.5")
    assert str(english["detail"]).startswith("Plan kon-tum-2013 has no task '9.9'")
    assert missing("vi-VN")["detail"] == vietnamese["detail"]
    # The code and the facts scripts read do not change with the language.
    assert vietnamese["code"] == english["code"] == "no_task"
    assert vietnamese["error"] == vietnamese["detail"]


def test_a_refusal_lists_a_few_names_never_a_whole_catalog(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = client.get("/api/v1/tasks/kon-tum-2013:4.9", headers=bearer(tokens["lan"]))
    # Kon Tum has 13 tasks: the refusal names at most five close to what was
    # typed (difflib), enough to spot a typo, and how many there are.
    body = response.json()
    assert body["suggestions"] == ["4.3", "4.2", "4.1"]
    assert "(closest: 4.3, 4.2, 4.1;" in body["detail"]
    assert "the plan has 13 tasks)" in body["detail"]


def test_lists_answer_a_page_with_the_total_and_the_next_page(
    client: TestClient, tokens: dict[str, str]
) -> None:
    first = client.get("/api/v1/tasks", params={"limit": 5}, headers=bearer(tokens["an"]))
    body = first.json()
    assert len(body["items"]) == 5 and body["total"] > 5 and body["offset"] == 0
    second = client.get(body["next"], headers=bearer(tokens["an"])).json()
    assert second["offset"] == 5 and second["items"][0] != body["items"][0]
    everything = client.get("/api/v1/tasks", headers=bearer(tokens["an"])).json()
    # The default page (100 rows) holds Kon Tum whole.
    assert everything["total"] == len(everything["items"]) == body["total"]
    assert everything["next"] is None
    refused = client.get("/api/v1/tasks", params={"limit": "0"}, headers=bearer(tokens["an"]))
    assert refused.status_code == 422 and refused.json()["code"] == "bad_page_limit"
    refused = client.get("/api/v1/plans", params={"offset": "x"}, headers=bearer(tokens["an"]))
    assert refused.status_code == 422 and refused.json()["code"] == "bad_page_offset"
    # Past the databases' integers (schemathesis found a 500 here): a refusal, not a fault.
    huge = {"offset": str(2**63)}
    refused = client.get("/api/v1/tasks", params=huge, headers=bearer(tokens["an"]))
    assert refused.status_code == 422 and refused.json()["code"] == "bad_page_offset"
