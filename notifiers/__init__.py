"""Delivery channels for notifications: e-mail, webhook, outbox file and console.

The outbox dispatcher builds a ``Message``, asks ``channel_for(kind, config)``
for a channel and calls ``send``; a ``DeliveryFailed`` says whether to retry.
"""

from notifiers.channels import KINDS, channel_for
from notifiers.config import NotifyConfig, SmtpServer, load_config, parse_smtp_url
from notifiers.message import Channel, DeliveryFailed, Message
from notifiers.webhook import verify_signature

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
