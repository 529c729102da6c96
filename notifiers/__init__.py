"""Delivery channels for notifications: e-mail, webhook, outbox file and console.

The outbox dispatcher builds a ``Message``, asks ``channel_for(kind, config)``
for a channel and calls ``send``; a ``DeliveryFailed`` says whether to retry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workflows.lazy import lazy_attributes

if TYPE_CHECKING:
    from notifiers.channels import KINDS, channel_for
    from notifiers.config import NotifyConfig, SmtpServer, load_config, parse_smtp_url
    from notifiers.message import Channel, DeliveryFailed, Message
    from notifiers.webhook import verify_signature

# Each name is imported on first use: ``notifiers.i18n`` (every command's words)
# must not pay for the mail, webhook and TLS modules of the channels.
_WHERE = {
    "Channel": "notifiers.message",
    "DeliveryFailed": "notifiers.message",
    "KINDS": "notifiers.channels",
    "Message": "notifiers.message",
    "NotifyConfig": "notifiers.config",
    "SmtpServer": "notifiers.config",
    "channel_for": "notifiers.channels",
    "load_config": "notifiers.config",
    "parse_smtp_url": "notifiers.config",
    "verify_signature": "notifiers.webhook",
}


__getattr__ = lazy_attributes(__name__, _WHERE)

__all__ = [
    "KINDS",
    "Channel",
    "DeliveryFailed",
    "Message",
    "NotifyConfig",
    "SmtpServer",
    "channel_for",
    "load_config",
    "parse_smtp_url",
    "verify_signature",
]
