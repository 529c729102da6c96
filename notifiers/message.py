"""What a delivery channel is given, what it promises, and how it reports failure.

The outbox dispatcher builds one ``Message`` per notification and hands it to a
channel; the channel either delivers it or raises ``DeliveryFailed`` saying
whether trying again later can help.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from engine.errors import DondocError, InvalidInput, Phrase

# Control characters in a key would let it break out of a header line or a
# file name; the dispatcher makes keys, so refusing them costs nothing.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_UNSAFE_TOKEN = re.compile(r"[^A-Za-z0-9_.-]+")
_MAX_TOKEN = 100


class DeliveryFailed(DondocError):
    """A channel could not deliver a message: a code and facts, like every dondoc error.

    ``permanent`` is True when sending the same message again cannot succeed
    (the receiver refused it), so the dispatcher should dead-letter it rather
    than back off and retry. The facts never contain a password or secret.
    """

    def __init__(self, code: str, /, *, permanent: bool, channel: str, **facts: Any) -> None:
        super().__init__(code, **facts)
        self.permanent = permanent
        self.channel = channel


@dataclass(frozen=True)
class Message:
    """One notification ready to send: recipients, subject, bodies and data.

    ``key`` is the idempotency key, unique per notification: channels derive
    the e-mail Message-ID, the ``X-Dondoc-Key`` header and the outbox file name
    from it, so a message sent twice can be recognised as the same one.
    Recipients are addresses for the channel: e-mail addresses, or webhook URLs.
    """

    key: str
    to: tuple[str, ...]
    subject: str
    text: str
    cc: tuple[str, ...] = ()
    html: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    lang: str = "vi"

    def __post_init__(self) -> None:
        if not self.key.strip():
            raise InvalidInput("empty_notification_key")
        if _CONTROL.search(self.key):
            raise InvalidInput("notification_key_control", key=repr(self.key)[:100])
        # Callers naturally pass lists; the dataclass is frozen, so normalise
        # once here instead of trusting every caller.
        object.__setattr__(self, "to", tuple(self.to))
        object.__setattr__(self, "cc", tuple(self.cc))
        if not self.to:
            raise InvalidInput("no_recipient", key=self.key)

    @property
    def recipients(self) -> tuple[str, ...]:
        """Every address the message goes to, ``to`` first, without repeats."""
        return tuple(dict.fromkeys(self.to + self.cc))


class Channel(Protocol):
    """A way out for messages: e-mail, webhook, outbox file or console."""

    name: str

    def send(self, message: Message) -> None:
        """Deliver ``message`` or raise ``DeliveryFailed``."""
        ...

    def describe(self) -> str:
        """Say in one sentence where messages go, without any secret."""
        ...


def key_token(key: str) -> str:
    """Turn an idempotency key into a token safe in a file name and a Message-ID.

    Keys that are already safe stay as they are, so they remain readable. Any
    other key keeps a readable prefix plus a hash of the original, so two keys
    that differ only in unsafe characters still give different tokens.
    """
    token = _UNSAFE_TOKEN.sub("-", key)
    # A Message-ID local part may not start or end with a dot or hold "..";
    # a file name starting with a dot would be hidden.
    token = re.sub(r"\.{2,}", ".", token).strip(".-")
    if token == key and len(token) <= _MAX_TOKEN:
        return token
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    prefix = token[: _MAX_TOKEN - 17].rstrip(".-")
    return f"{prefix}-{digest}" if prefix else digest


def masked(phrase: Phrase, secret: str | None) -> Phrase:
    """``phrase`` with ``secret`` blotted out of every text it carries.

    Server replies and OS errors are not ours to trust: never let one echo a
    password or a webhook secret back into a log or the outbox.
    """
    if not secret:
        return phrase
    return Phrase(
        phrase.code,
        {k: v.replace(secret, "***") if isinstance(v, str) else v for k, v in phrase.facts.items()},
    )
