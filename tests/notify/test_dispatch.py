"""The outbox dispatcher against real servers: once-only delivery, back-off, dead letters."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import db
from engine.directory import set_contacts
from engine.models import OutboxMessage
from notifiers import load_config, verify_signature
from notifiers.dispatch import BACKOFF_BASE, LEASE, dispatch_pending
from tests.notifiers.conftest import HttpServerHandle
from tests.notify.conftest import SmtpAt
from tests.notify.worded import queue_worded

T0 = dt.datetime(2015, 3, 16, 1, 0, tzinfo=dt.UTC)


def _queue(factory: sessionmaker[Session], key: str = "k1", agency: str = "kon-tum/sct") -> None:
    with db.transaction(factory) as s:
        queue_worded(
            s,
            key=key,
            agency_code=agency,
            subject="Nhắc việc: Kế hoạch SXSH",
            text="Đôn đốc thực hiện nhiệm vụ 1.1.",
            html="<p>Đôn đốc thực hiện nhiệm vụ 1.1.</p>",
            now=T0,
        )


def _rows(factory: sessionmaker[Session]) -> list[OutboxMessage]:
    with factory() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _set_email(factory: sessionmaker[Session], code: str, address: str) -> None:
    with db.transaction(factory) as s:
        set_contacts(s, code, email=address)


def test_enqueue_is_idempotent_on_the_key(kon_tum: sessionmaker[Session], mail_env: Path) -> None:
    _queue(kon_tum)
    _queue(kon_tum)
    rows = _rows(kon_tum)
    assert len(rows) == 1
    assert rows[0].channel == "file"
    assert rows[0].recipients == ["sct.kon-tum@agencies.invalid"]


def test_an_agency_with_an_email_address_is_sent_mail_once(
    kon_tum: sessionmaker[Session], mail_env: Path, smtp: SmtpAt, monkeypatch
) -> None:
    smtp.start()
    monkeypatch.setenv("DONDOC_SMTP_URL", smtp.url)
    monkeypatch.setenv("DONDOC_SMTP_FROM", "sxsh@kontum.example.vn")
    _set_email(kon_tum, "kon-tum/sct", "sct@kontum.example.vn")
    _queue(kon_tum)
    first = dispatch_pending(kon_tum, config=load_config(), now=T0)
    second = dispatch_pending(kon_tum, config=load_config(), now=T0 + dt.timedelta(hours=1))
    assert (first.sent, first.failed, first.dead) == (1, 0, 0)
    assert (second.sent, second.failed, second.dead) == (0, 0, 0)
    [mail] = smtp.recorder.received()
    assert mail["Subject"] == "Nhắc việc: Kế hoạch SXSH"
    assert "k1" in mail["Message-ID"]
    [row] = _rows(kon_tum)
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1


def test_mail_waits_while_the_server_is_down_and_goes_once_when_it_returns(
    kon_tum: sessionmaker[Session], mail_env: Path, smtp: SmtpAt, monkeypatch
) -> None:
    monkeypatch.setenv("DONDOC_SMTP_URL", smtp.url)
    monkeypatch.setenv("DONDOC_SMTP_FROM", "sxsh@kontum.example.vn")
    _set_email(kon_tum, "kon-tum/sct", "sct@kontum.example.vn")
    _queue(kon_tum)

    down = dispatch_pending(kon_tum, config=load_config(), now=T0)
    assert (down.sent, down.failed) == (0, 1)
    [row] = _rows(kon_tum)
    assert row.status == "pending" and row.attempts == 1
    assert row.next_attempt_at == T0 + BACKOFF_BASE
    assert row.last_error

    # Not yet due: nothing is tried.
    early = dispatch_pending(kon_tum, config=load_config(), now=T0 + dt.timedelta(seconds=30))
    assert (early.sent, early.failed) == (0, 0)

    down_again = dispatch_pending(kon_tum, config=load_config(), now=T0 + BACKOFF_BASE)
    assert down_again.failed == 1
    [row] = _rows(kon_tum)
    assert row.attempts == 2 and row.next_attempt_at == T0 + 3 * BACKOFF_BASE

    smtp.start()
    later = T0 + dt.timedelta(hours=1)
    back = dispatch_pending(kon_tum, config=load_config(), now=later)
    again = dispatch_pending(kon_tum, config=load_config(), now=later + dt.timedelta(days=1))
    assert (back.sent, again.sent) == (1, 0)
    assert len(smtp.recorder.received()) == 1
    [row] = _rows(kon_tum)
    assert row.status == "sent" and row.attempts == 3 and row.last_error is None


def test_a_claim_whose_dispatcher_died_is_sent_after_the_lease(
    kon_tum: sessionmaker[Session], mail_env: Path
) -> None:
    _queue(kon_tum)
    with db.transaction(kon_tum) as s:
        row = s.scalars(select(OutboxMessage)).one()
        row.status = "sending"
        row.next_attempt_at = T0 + LEASE
    assert dispatch_pending(kon_tum, config=load_config(), now=T0).sent == 0
    assert dispatch_pending(kon_tum, config=load_config(), now=T0 + LEASE).sent == 1
    assert (mail_env / "k1.eml").exists()


def test_a_webhook_arrives_signed_with_the_key(
    kon_tum: sessionmaker[Session], mail_env: Path, http_server: HttpServerHandle, monkeypatch
) -> None:
    monkeypatch.setenv("DONDOC_WEBHOOK_SECRET", "bi-mat")
    with db.transaction(kon_tum) as s:
        set_contacts(s, "kon-tum/stnmt", webhook=http_server.url)
    _queue(kon_tum, agency="kon-tum/stnmt")
    assert dispatch_pending(kon_tum, config=load_config(), now=T0).sent == 1
    [request] = http_server.behaviour.requests
    assert verify_signature("bi-mat", request.body, request.headers["X-Dondoc-Signature"])
    assert request.headers["X-Dondoc-Key"] == "k1"
    assert json.loads(request.body)["text"] == "Đôn đốc thực hiện nhiệm vụ 1.1."


def test_a_message_is_dead_after_the_last_attempt_and_retry_requeues_it(
    kon_tum: sessionmaker[Session],
    mail_env: Path,
    http_server: HttpServerHandle,
    run: Callable[..., Result],
) -> None:
    http_server.behaviour.status = 503
    with db.transaction(kon_tum) as s:
        set_contacts(s, "kon-tum/stnmt", webhook=http_server.url)
    _queue(kon_tum, agency="kon-tum/stnmt")
    now = T0
    for _ in range(3):
        dispatch_pending(kon_tum, config=load_config(), now=now, max_attempts=3)
        now += dt.timedelta(days=1)
    [row] = _rows(kon_tum)
    assert row.status == "dead" and row.attempts == 3 and "503" in (row.last_error or "")
    assert len(http_server.behaviour.requests) == 3

    listed = json.loads(run("notify", "list", "--status", "dead", "--json").output)
    assert [m["id"] for m in listed] == [row.id]
    assert "Requeued 1 message." in run("notify", "retry", "--all-dead").output
    http_server.behaviour.status = 204
    out = json.loads(run("notify", "dispatch", "--json").output)
    assert out["sent"] == 1
    assert _rows(kon_tum)[0].status == "sent"


def test_a_refused_message_is_dead_at_once(
    kon_tum: sessionmaker[Session], mail_env: Path, http_server: HttpServerHandle
) -> None:
    http_server.behaviour.status = 400
    with db.transaction(kon_tum) as s:
        set_contacts(s, "kon-tum/stnmt", webhook=http_server.url)
    _queue(kon_tum, agency="kon-tum/stnmt")
    result = dispatch_pending(kon_tum, config=load_config(), now=T0)
    assert result.dead == 1
    assert _rows(kon_tum)[0].attempts == 1


def test_retry_of_a_message_that_is_not_dead_is_refused(
    kon_tum: sessionmaker[Session], run: Callable[..., Result]
) -> None:
    _queue(kon_tum)
    result = run("notify", "retry", "1", ok=False)
    assert result.exit_code == 1
    assert "Error: Outbox message 1 is pending, not dead" in result.output


def test_a_digest_reaches_a_webhook_with_overdue_as_references(
    kon_tum: sessionmaker[Session], mail_env: Path, http_server: HttpServerHandle
) -> None:
    """Receivers were promised ``payload.overdue`` as a list of refs; the rows come beside it."""
    from engine.digest_job import queue_digests

    with db.transaction(kon_tum) as s:
        set_contacts(s, "kon-tum/sct", webhook=http_server.url)
        queued = queue_digests(s, as_of=dt.date(2015, 3, 16), agency="kon-tum/sct")
    assert queued.queued == 1
    assert dispatch_pending(kon_tum, config=load_config()).sent == 1
    [request] = http_server.behaviour.requests
    payload = json.loads(request.body)["payload"]
    assert payload["overdue"] and all(isinstance(r, str) for r in payload["overdue"])
    assert [i["ref"] for i in payload["overdue_items"]] == payload["overdue"]
    assert payload["overdue"][0].startswith("kon-tum-2013:")
