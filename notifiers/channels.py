"""The channel registry: turns a channel kind and the configuration into a channel."""

from __future__ import annotations

import ssl
from typing import TextIO

from engine.errors import InvalidInput
from notifiers.config import NotifyConfig
from notifiers.console import ConsoleChannel
from notifiers.email import EmailChannel
from notifiers.file import FileChannel
from notifiers.message import Channel
from notifiers.webhook import WebhookChannel

KINDS = ("email", "webhook", "file", "console")


def channel_for(
    kind: str,
    config: NotifyConfig,
    *,
    stream: TextIO | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> Channel:
    """The channel for ``kind`` (one of ``KINDS``) as ``config`` sets it up.

    ``email`` falls back to the file channel when no SMTP server is configured,
    so an offline set-up keeps its messages; ``describe()`` says so.
    ``stream`` is for the console channel, ``ssl_context`` for a private CA.
    """
    if kind == "email":
        if config.smtp is None:
            return FileChannel(config.outbox_dir, config.sender, standing_in_for="email")
        return EmailChannel(
            config.smtp, config.sender, timeout=config.timeout, ssl_context=ssl_context
        )
    if kind == "webhook":
        return WebhookChannel(config.webhook_secret, timeout=config.timeout)
    if kind == "file":
        return FileChannel(config.outbox_dir, config.sender)
    if kind == "console":
        return ConsoleChannel(stream)
    raise InvalidInput("unknown_channel", channel=kind, channels=list(KINDS))
