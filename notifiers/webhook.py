"""The webhook channel: a signed JSON POST of each message to each recipient URL.

The body is ``{"key", "subject", "text", "payload"}`` as UTF-8 JSON. With a
shared secret, ``X-Dondoc-Signature: sha256=<hex>`` carries the HMAC-SHA256
of the exact body bytes; receivers check it with ``verify_signature``.
``X-Dondoc-Key`` repeats the idempotency key so receivers can drop repeats.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import urllib.error
import urllib.request
from decimal import Decimal
from typing import Any, NoReturn
from urllib.parse import urlsplit

from engine.addresses import usable_host
from notifiers.message import DeliveryFailed, Message, masked
from workflows.errors import Phrase

SIGNATURE_HEADER = "X-Dondoc-Signature"
KEY_HEADER = "X-Dondoc-Key"
_PREFIX = "sha256="
# 408 and 429 tell the client to come back later; other 4xx will not change.
_RETRYABLE_4XX = {408, 429}
_MAX_ERROR_BODY = 200


def webhook_body(message: Message) -> bytes:
    """The exact bytes POSTed for ``message``; raises ``TypeError`` for data JSON cannot hold."""
    document = {
        "key": message.key,
        "subject": message.subject,
        "text": message.text,
        "payload": message.payload,
    }
    return json.dumps(document, ensure_ascii=False, default=_json_default).encode("utf-8")


def sign(secret: str | bytes, body: bytes) -> str:
    """The ``X-Dondoc-Signature`` value for ``body``: ``sha256=<hex HMAC>``."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return _PREFIX + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify_signature(secret: str | bytes, body: bytes, header: str | None) -> bool:
    """Tell whether ``header`` is the signature of ``body`` under ``secret``.

    The comparison takes the same time wherever the strings differ, so a
    receiver using it does not leak the signature byte by byte.
    """
    if not header:
        return False
    # compare_digest refuses non-ASCII str; compare bytes so a hostile header
    # gives False instead of an exception.
    return hmac.compare_digest(sign(secret, body).encode("ascii"), header.strip().encode("utf-8"))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirected POST would lose its body or go to a host the secret was not
    # meant for; a 3xx is reported as a failure instead.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class WebhookChannel:
    """POSTs messages as signed JSON to the webhook URLs they are addressed to."""

    name = "webhook"

    def __init__(self, secret: str | None, *, timeout: float = 10.0) -> None:
        """Without ``secret`` the requests go out unsigned."""
        self._secret = secret
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirect)

    def __repr__(self) -> str:
        return f"WebhookChannel(signed={self._secret is not None}, timeout={self.timeout!r})"

    def describe(self) -> str:
        signing = "signed with the shared secret" if self._secret else "unsigned (no secret set)"
        return f"webhook: JSON POST to each recipient URL, {signing}"

    def send(self, message: Message) -> None:
        """POST ``message`` to every recipient URL, or raise ``DeliveryFailed``.

        Every URL is tried. If any fails, the error names each failure and is
        temporary when any of them may recover; the retry then reaches the
        URLs that did accept again, and ``X-Dondoc-Key`` lets them notice.
        """
        try:
            body = webhook_body(message)
        except (TypeError, ValueError) as error:
            raise DeliveryFailed(
                "webhook_not_json",
                key=message.key,
                reason=str(error),
                permanent=True,
                channel=self.name,
            ) from None
        failures: list[DeliveryFailed] = []
        for url in message.recipients:
            try:
                self._post(url, body, message.key)
            except DeliveryFailed as failure:
                failures.append(failure)
        if len(failures) == 1 and len(message.recipients) == 1:
            raise failures[0]
        if failures:
            raise DeliveryFailed(
                "several_failed",
                parts=[Phrase(f.code, f.facts) for f in failures],
                permanent=all(f.permanent for f in failures),
                channel=self.name,
            )

    def _post(self, url: str, body: bytes, key: str) -> None:
        parts = urlsplit(url)
        # Only the scheme, host and port are shown: the path or query of a
        # webhook URL often holds an access token.
        target = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
        if parts.scheme not in ("http", "https") or not parts.hostname:
            # urllib would also open file:// and ftp:// URLs; a webhook is HTTP.
            self._fail(key, target, Phrase("not_http_url"), True)
        if not usable_host(parts):
            # An address stored before addresses were checked (``hook..example``,
            # a port past 65535) will never work: dead at once, the others go on.
            self._fail(key, target, Phrase("unusable_host"), True)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "dondoc-webhook",
            KEY_HEADER: key,
        }
        if self._secret is not None:
            headers[SIGNATURE_HEADER] = sign(self._secret, body)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            with error:
                status, detail = error.code, _short(error.read())
            reason = Phrase("http_status", {"status": status, "detail": detail})
            permanent = 300 <= status < 500 and status not in _RETRYABLE_4XX
            self._fail(key, target, reason, permanent)
        except urllib.error.URLError as error:
            self._fail(key, target, _reason(error.reason), False)
        except (OSError, http.client.HTTPException) as error:
            self._fail(key, target, _reason(error), False)

    def _fail(self, key: str, target: str, reason: Phrase, permanent: bool) -> NoReturn:
        raise DeliveryFailed(
            "webhook_failed",
            key=key,
            target=target,
            reason=masked(reason, self._secret),
            permanent=permanent,
            channel=self.name,
        )


def _json_default(value: Any) -> Any:
    # Payloads carry due dates and budget figures; anything else is a bug.
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _short(body: bytes) -> str:
    text = " ".join(body[:_MAX_ERROR_BODY].decode("utf-8", "replace").split())
    return f" ({text})" if text else ""


def _reason(error: object) -> Phrase:
    if isinstance(error, TimeoutError):
        return Phrase("no_answer_in_time")
    if isinstance(error, ConnectionRefusedError):
        return Phrase("connection_refused")
    return Phrase("as_reported", {"text": " ".join(str(error).split()) or type(error).__name__})
