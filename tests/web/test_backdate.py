"""The board and the API refuse an officer's earlier day with the engine's reason (``not_allowed.backdate``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine.workdays import VIETNAM_TZ
from tests.engine.test_backdate import EARLIER, REF, _history
from tests.web.test_pages import csrf_of, shown_after, sign_in


def test_the_board_refuses_an_officers_earlier_day_with_the_same_reason(
    client: TestClient, passwords: str, kon_tum: sessionmaker[Session]
) -> None:
    sign_in(client, "hung")
    page = client.get(f"/tasks/{REF}")
    assert 'name="at"' not in page.text  # not offered...
    posted = client.post(  # ...and refused when sent anyway
        f"/tasks/{REF}/advance",
        data={
            "csrf_token": csrf_of(page.text),
            "trigger": "consult",
            "version": "1",
            "at": EARLIER,
        },
        follow_redirects=False,
    )
    shown = shown_after(client, posted)
    assert (
        "chỉ cán bộ điều phối của Sở Công Thương tỉnh Kon Tum được điều chỉnh ngày ghi nhận"
        in shown.text
    )
    assert _history(kon_tum) == [("create", "catalog")]


def test_the_api_refuses_an_officers_earlier_day_with_the_same_reason(
    client: TestClient, tokens: dict[str, str], kon_tum: sessionmaker[Session]
) -> None:
    def post(name: str, lang: str):  # type: ignore[no-untyped-def]
        return client.post(
            f"/api/v1/tasks/{REF}/advance",
            json={"trigger": "consult", "at": EARLIER},
            headers={
                "Authorization": f"Bearer {tokens[name]}",
                "If-Match": '"1"',
                "Accept-Language": lang,
            },
        )

    refused = post("hung", "en")
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "not_allowed.backdate"
    assert body["detail"] == body["error"]
    assert (
        "only a coordinator of Kon Tum Department of Industry and Trade corrects the day a step is recorded on"
        in body["detail"]
    )
    assert "chỉ cán bộ điều phối" in post("hung", "vi").json()["detail"]
    assert _history(kon_tum) == [("create", "catalog")]

    done = post("lan", "en")
    assert done.status_code == 200, done.text
    recorded = dt.datetime.fromisoformat(done.json()["history"][-1]["at"])
    assert recorded == dt.datetime(2014, 1, 5, tzinfo=VIETNAM_TZ)  # midnight in Vietnam
