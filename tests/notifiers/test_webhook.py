"""The webhook channel against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from notifiers.message import DeliveryFailed, Message
from notifiers.webhook import WebhookChannel, sign, verify_signature
from tests.notifiers.conftest import free_port
from tests.words import english

SECRET = "bi-mat-chung-7f3a"


def event(url: str, key: str = "kon-tum-2013:4.3@2016/level-1") -> Message:
    return Message(
        key=key,
        to=(url,),
        subject="Nhiệm vụ quá hạn — Sở Công Thương",
        text="Nhiệm vụ 4.3 đã quá hạn.",
        payload={"task": "kon-tum-2013:4.3", "level": 1, "due": dt.date(2016, 12, 31)},
    )


def test_body_is_the_json_message_and_the_signature_verifies(http_server):
    WebhookChannel(SECRET, timeout=5).send(event(http_server.url))

    [request] = http_server.behaviour.requests
    assert json.loads(request.body.decode("utf-8")) == {
        "key": "kon-tum-2013:4.3@2016/level-1",
        "subject": "Nhiệm vụ quá hạn — Sở Công Thương",
        "text": "Nhiệm vụ 4.3 đã quá hạn.",
        "payload": {"task": "kon-tum-2013:4.3", "level": 1, "due": "2016-12-31"},
    }
    # ensure_ascii=False: Vietnamese travels as UTF-8, not \\u escapes.
    assert "Sở Công Thương".encode() in request.body
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.headers["X-Dondoc-Key"] == "kon-tum-2013:4.3@2016/level-1"
    assert verify_signature(SECRET, request.body, request.headers["X-Dondoc-Signature"])


def test_tampered_body_or_wrong_secret_fails_verification(http_server):
    WebhookChannel(SECRET, timeout=5).send(event(http_server.url))

    [request] = http_server.behaviour.requests
    signature = request.headers["X-Dondoc-Signature"]
    tampered = request.body.replace(b'"level": 1', b'"level": 3')
    assert tampered != request.body
    assert not verify_signature(SECRET, tampered, signature)
    assert not verify_signature("another-secret", request.body, signature)
    assert not verify_signature(SECRET, request.body, None)
    assert not verify_signature(SECRET, request.body, "sha256=đ")


def test_signature_is_hmac_sha256_of_the_exact_body():
    # Known answer computed independently: printf 'body' | openssl dgst -sha256 -hmac key
    assert sign("key", b"body") == (
        "sha256=515aae133b435d4000956731f68ae5cf5eb85d4f0dc6a546d2bfcd3595ec1ae1"
    )


def test_without_a_secret_requests_go_out_unsigned(http_server):
    channel = WebhookChannel(None, timeout=5)
    channel.send(event(http_server.url))

    [request] = http_server.behaviour.requests
    assert "X-Dondoc-Signature" not in request.headers
    assert "unsigned" in channel.describe()


def test_server_error_is_a_temporary_failure(http_server):
    http_server.behaviour.status = 500
    http_server.behaviour.body = b"database down"
    with pytest.raises(DeliveryFailed) as failure:
        WebhookChannel(SECRET, timeout=5).send(event(http_server.url))

    assert failure.value.permanent is False
    assert "HTTP 500 (database down)" in english(failure.value)


def test_bad_request_is_a_permanent_failure(http_server):
    http_server.behaviour.status = 400
    with pytest.raises(DeliveryFailed) as failure:
        WebhookChannel(SECRET, timeout=5).send(event(http_server.url))

    assert failure.value.permanent is True
    assert "HTTP 400" in english(failure.value)


@pytest.mark.parametrize("status", [408, 429])
def test_come_back_later_statuses_are_temporary(http_server, status):
    http_server.behaviour.status = status
    with pytest.raises(DeliveryFailed) as failure:
        WebhookChannel(SECRET, timeout=5).send(event(http_server.url))

    assert failure.value.permanent is False


def test_redirect_is_not_followed_and_is_permanent(http_server):
    http_server.behaviour.status = 302
    with pytest.raises(DeliveryFailed) as failure:
        WebhookChannel(SECRET, timeout=5).send(event(http_server.url))

    assert failure.value.permanent is True
    assert len(http_server.behaviour.requests) == 1


def test_receiver_slower_than_the_timeout_is_a_temporary_failure(http_server):
    http_server.behaviour.delay = 2.0
    with pytest.raises(DeliveryFailed) as failure:
        WebhookChannel(SECRET, timeout=0.2).send(event(http_server.url))

    assert failure.value.permanent is False
    assert "did not answer in time" in english(failure.value)


def test_receiver_down_is_temporary_and_the_error_hides_secret_and_url_token():
    url = f"http://127.0.0.1:{free_port()}/hooks/token-ABC123?sig=xyz"
    with pytest.raises(DeliveryFailed) as failure:
        WebhookChannel(SECRET, timeout=5).send(event(url))

    assert failure.value.permanent is False
    assert SECRET not in english(failure.value)
    assert "token-ABC123" not in english(failure.value)
    assert "connection was refused" in english(failure.value)


def test_non_http_url_is_refused_permanently_without_being_opened(tmp_path):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("private")
    with pytest.raises(DeliveryFailed) as failure:
        WebhookChannel(SECRET, timeout=5).send(event(secret_file.as_uri()))

    assert failure.value.permanent is True
    assert "not an http:// or https:// URL" in english(failure.value)


def test_every_url_is_tried_and_a_failure_stays_temporary_if_one_may_recover(http_server):
    down = f"http://127.0.0.1:{free_port()}/hook"
    message = Message(key="k-1", to=(down, http_server.url), subject="s", text="t")
    with pytest.raises(DeliveryFailed) as failure:
        WebhookChannel(SECRET, timeout=5).send(message)

    assert failure.value.permanent is False
    assert len(http_server.behaviour.requests) == 1


def test_payload_that_json_cannot_hold_is_a_permanent_failure(http_server):
    message = Message(
        key="k-2", to=(http_server.url,), subject="s", text="t", payload={"blob": object()}
    )
    with pytest.raises(DeliveryFailed) as failure:
        WebhookChannel(SECRET, timeout=5).send(message)

    assert failure.value.permanent is True
    assert http_server.behaviour.requests == []
