"""The task page's forms: labelled fields, what was typed kept on a refusal, the "recorded on" day."""

from __future__ import annotations

import datetime as dt
import re

from httpx2 import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from engine import db
from engine.models import Event, Occurrence
from engine.workdays import VIETNAM_TZ
from tests.web.test_pages import HOSTILE, REF, csrf_of, shown_after, sign_in, state_of


def test_issuing_without_a_document_number_shows_what_is_missing(
    client: TestClient, passwords: str, kon_tum: sessionmaker[Session]
) -> None:
    sign_in(client, "hung")
    for version, trigger in enumerate(("consult", "appraise", "submit"), start=1):
        page = client.get(f"/tasks/{REF}")
        client.post(
            f"/tasks/{REF}/advance",
            data={"csrf_token": csrf_of(page.text), "trigger": trigger, "version": str(version)},
        )
    page = client.get(f"/tasks/{REF}")
    assert 'name="field_document_number"' in page.text
    missing = client.post(
        f"/tasks/{REF}/advance",
        data={
            "csrf_token": csrf_of(page.text),
            "trigger": "issue",
            "version": "4",
            "field_document_date": "2014-06-10",
        },
        follow_redirects=False,
    )
    assert "Cần nhập: Số văn bản." in shown_after(client, missing).text
    assert state_of(kon_tum, REF) == "submitted"


def issue_form(html: str) -> str:
    found = re.search(r'<form[^>]*id="form-issue".*?</form>', html, re.S)
    assert found, "the page has no issue form"
    return found.group(0)


def test_the_issue_form_labels_its_fields_and_asks_for_the_date_as_people_write_it(
    client: TestClient, passwords: str
) -> None:
    sign_in(client, "hung")
    advance_to_submitted(client)
    form = issue_form(client.get(f"/tasks/{REF}").text)
    assert ">Số văn bản <span" in form and ">Ngày ban hành <span" in form
    # Typed as day/month/year whatever the browser's own locale would show.
    assert re.search(r'<input type="text" inputmode="numeric" name="field_document_date"', form)
    assert 'placeholder="ngày/tháng/năm"' in form
    assert "Ngày hoàn thành được tính theo «Ngày ban hành»" in form
    english = issue_form(client.get(f"/tasks/{REF}?lang=en").text)
    assert ">Document number <span" in english and ">Date issued <span" in english


def test_a_refused_form_comes_back_with_what_was_typed_escaped_and_one_sentence(
    client: TestClient, passwords: str, kon_tum: sessionmaker[Session]
) -> None:
    sign_in(client, "hung")
    advance_to_submitted(client)
    page = client.get(f"/tasks/{REF}?lang=en")
    refused = client.post(
        f"/tasks/{REF}/advance?lang=en",
        data={
            "csrf_token": csrf_of(page.text),
            "trigger": "issue",
            "version": "4",
            "field_document_date": "2014-06-10",
            "note": HOSTILE,
        },
        follow_redirects=False,
    )
    refused = shown_after(client, refused)
    form = issue_form(refused.text)
    assert '<p class="error" role="alert">Please fill in: Document number.</p>' in form
    assert 'name="field_document_date" id="issue-document_date" value="2014-06-10"' in form
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in form
    assert HOSTILE not in refused.text
    # The other forms stay empty.
    assert 'value="2014-06-10"' not in refused.text.replace(form, "")
    assert state_of(kon_tum, REF) == "submitted"


def test_a_stale_form_keeps_what_was_typed(client: TestClient, passwords: str) -> None:
    sign_in(client, "lan")
    page = client.get(f"/tasks/{REF}")
    token = csrf_of(page.text)
    client.post(
        f"/tasks/{REF}/advance", data={"csrf_token": token, "trigger": "consult", "version": "1"}
    )
    stale = client.post(
        f"/tasks/{REF}/advance",
        data={
            "csrf_token": token,
            "trigger": "suspend",
            "version": "1",
            "field_reason": "chờ ý kiến",
        },
        follow_redirects=False,
    )
    assert 'id="suspend-reason" value="chờ ý kiến"' in shown_after(client, stale).text


def advance_to_submitted(client: TestClient) -> None:
    for version, trigger in enumerate(("consult", "appraise", "submit"), start=1):
        page = client.get(f"/tasks/{REF}")
        done = client.post(
            f"/tasks/{REF}/advance",
            data={"csrf_token": csrf_of(page.text), "trigger": trigger, "version": str(version)},
            follow_redirects=False,
        )
        assert done.status_code == 303, done.text


def post_form(client: TestClient, trigger: str, version: int, **data: str) -> Response:
    page = client.get(f"/tasks/{REF}?lang=en")
    return client.post(
        f"/tasks/{REF}/advance",
        data={
            "csrf_token": csrf_of(page.text),
            "trigger": trigger,
            "version": str(version),
            **data,
        },
        follow_redirects=False,
    )


def test_only_a_coordinator_is_offered_the_recorded_on_date(
    client: TestClient, passwords: str
) -> None:
    sign_in(client, "lan")
    assert 'name="at" id="consult-at"' in client.get(f"/tasks/{REF}").text
    client.post("/signout", data={"csrf_token": csrf_of(client.get("/").text)})
    sign_in(client, "hung")
    assert 'name="at"' not in client.get(f"/tasks/{REF}").text


def test_a_step_recorded_on_an_earlier_day_is_dated_that_day_in_vietnam(
    client: TestClient, passwords: str, kon_tum: sessionmaker[Session]
) -> None:
    sign_in(client, "lan")
    done = post_form(client, "consult", 1, at="2014-03-03")
    assert done.status_code == 303
    with db.transaction(kon_tum) as s:
        occ = s.scalar(select(Occurrence).where(Occurrence.ref == REF))
        assert occ is not None
        event = s.scalar(
            select(Event).where(Event.occurrence_id == occ.id, Event.seq == occ.head_seq)
        )
        assert event is not None and event.trigger == "consult"
        assert event.at == dt.datetime(2014, 3, 3, tzinfo=VIETNAM_TZ)


def test_a_future_or_out_of_order_recorded_on_date_is_refused_with_the_engines_sentence(
    client: TestClient, passwords: str, kon_tum: sessionmaker[Session]
) -> None:
    sign_in(client, "lan")
    tomorrow = (dt.datetime.now(VIETNAM_TZ).date() + dt.timedelta(days=2)).isoformat()
    future = shown_after(client, post_form(client, "consult", 1, at=tomorrow, note="sớm quá"))
    assert "is in the future" in future.text
    assert f'id="consult-at" value="{tomorrow}"' in future.text
    assert state_of(kon_tum, REF) == "drafting"
    assert post_form(client, "consult", 1, at="2014-03-03").status_code == 303
    earlier = shown_after(client, post_form(client, "appraise", 2, at="2014-03-02"))
    assert "before the last recorded change of kon-tum-2013:2.1" in earlier.text
    assert state_of(kon_tum, REF) == "consulting"
