"""Where notifications go: the ``[notify]`` settings from the config file and environment.

The file is ``config.toml`` in the user's config directory (or the path in
``DONDOC_CONFIG``); environment variables override it:

    [notify]
    smtp_url = "smtp://user:pass@mail.example.vn:587?starttls=1"
    smtp_from = "Sở Công Thương <sxsh@example.vn>"
    webhook_secret = "..."
    outbox_dir = "~/dondoc-outbox"   # relative paths are relative to this file
    timeout = 10                     # seconds, for SMTP and webhooks

    [web]
    base_url = "https://dondoc.sct.example.gov.vn"   # the board's public address

With ``base_url`` (or ``DONDOC_BASE_URL``) every task a mail names links to
its page on the board.

The SMTP password and the webhook secret never appear in ``repr()``,
``describe()`` or an error message.
"""

from __future__ import annotations

import email.utils
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote, urlsplit

import platformdirs

from engine.config_file import config_path, read_section
from engine.errors import InvalidInput

Security = Literal["plain", "starttls", "ssl"]

ENV_SMTP_URL = "DONDOC_SMTP_URL"
ENV_SMTP_FROM = "DONDOC_SMTP_FROM"
ENV_WEBHOOK_SECRET = "DONDOC_WEBHOOK_SECRET"
ENV_OUTBOX_DIR = "DONDOC_OUTBOX_DIR"
ENV_BASE_URL = "DONDOC_BASE_URL"

DEFAULT_TIMEOUT = 10.0
DEFAULT_SENDER = "dondoc@localhost"
_KEYS = {"smtp_url", "smtp_from", "webhook_secret", "outbox_dir", "timeout"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
MASK = "***"


@dataclass(frozen=True)
class SmtpServer:
    """An SMTP server to send through, parsed from an ``smtp://`` or ``smtps://`` URL."""

    host: str
    port: int
    security: Security
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def describe(self) -> str:
        """Show the server as a URL with the password masked."""
        scheme = "smtps" if self.security == "ssl" else "smtp"
        user = ""
        if self.username is not None:
            user = f"{self.username}:{MASK}@" if self.password else f"{self.username}@"
        query = "?starttls=1" if self.security == "starttls" else ""
        return f"{scheme}://{user}{self.host}:{self.port}{query}"

    def __repr__(self) -> str:
        return f"SmtpServer({self.describe()!r})"


@dataclass(frozen=True)
class NotifyConfig:
    """The settings the delivery channels need, already validated."""

    smtp: SmtpServer | None
    sender: str
    outbox_dir: Path
    webhook_secret: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    #: The board's public address; mails link their tasks to it when set.
    base_url: str | None = None

    def describe(self) -> str:
        """Say where each kind of notification goes, with secrets masked."""
        if self.smtp is None:
            email_line = (
                f"email: no {ENV_SMTP_URL} configured, written as .eml files to {self.outbox_dir}"
            )
        else:
            email_line = f"email: via {self.smtp.describe()} from {self.sender}"
            if self.smtp.security == "plain" and self.smtp.username:
                email_line += " (the login is sent unencrypted)"
        secret = MASK if self.webhook_secret else f"none, unsigned (set {ENV_WEBHOOK_SECRET})"
        return "\n".join(
            [
                email_line,
                f"webhook: JSON POST, signing secret {secret}",
                f"file: {self.outbox_dir}",
                f"timeout: {self.timeout:g} s",
            ]
        )

    def __repr__(self) -> str:
        secret = MASK if self.webhook_secret else None
        return (
            f"NotifyConfig(smtp={self.smtp!r}, sender={self.sender!r}, "
            f"outbox_dir={str(self.outbox_dir)!r}, webhook_secret={secret!r}, "
            f"timeout={self.timeout!r})"
        )


def default_outbox_dir() -> Path:
    """Where the file channel writes when no outbox directory is configured."""
    return Path(platformdirs.user_data_dir("dondoc")) / "outbox"


def load_config(
    env: Mapping[str, str] = os.environ, path: Path | str | None = None
) -> NotifyConfig:
    """Read ``[notify]`` from the config file, let the environment override it, validate.

    ``path`` (or ``DONDOC_CONFIG``) must exist when given; the default file may
    be absent, which leaves every setting at its default.
    """
    file_path, explicit = config_path(env, path)
    settings = _read_file(file_path, required=explicit)
    origin = {key: f"{file_path} [notify] {key}" for key in settings}

    for key, var in (
        ("smtp_url", ENV_SMTP_URL),
        ("smtp_from", ENV_SMTP_FROM),
        ("webhook_secret", ENV_WEBHOOK_SECRET),
        ("outbox_dir", ENV_OUTBOX_DIR),
    ):
        # An empty variable counts as unset, as shells make it easy to leave one.
        if env.get(var):
            settings[key] = env[var]
            origin[key] = var

    smtp_url = _string(settings, "smtp_url", origin)
    smtp = parse_smtp_url(smtp_url, origin["smtp_url"]) if smtp_url else None
    sender = _string(settings, "smtp_from", origin)
    if sender is None:
        if smtp is not None:
            raise InvalidInput("no_sender", variable=ENV_SMTP_FROM)
        sender = DEFAULT_SENDER
    _check_sender(sender, origin.get("smtp_from", ENV_SMTP_FROM))

    outbox = _string(settings, "outbox_dir", origin)
    if outbox is None:
        outbox_dir = default_outbox_dir()
    else:
        outbox_dir = Path(outbox).expanduser()
        if not outbox_dir.is_absolute() and origin["outbox_dir"] != ENV_OUTBOX_DIR:
            outbox_dir = file_path.parent / outbox_dir

    return NotifyConfig(
        base_url=_base_url(env, file_path),
        smtp=smtp,
        sender=sender,
        outbox_dir=outbox_dir,
        webhook_secret=_string(settings, "webhook_secret", origin),
        timeout=_timeout(settings, origin),
    )


def parse_smtp_url(url: str, source: str = ENV_SMTP_URL) -> SmtpServer:
    """Parse ``smtp://[user:pass@]host[:port][?starttls=1]`` or ``smtps://...``.

    Default ports are 25 (plain), 587 (STARTTLS) and 465 (implicit TLS).
    ``source`` names where the URL came from, for the error message, which
    never repeats the URL since it may hold the password.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise InvalidInput("smtp_url_malformed", source=source) from None
    if parts.scheme not in ("smtp", "smtps"):
        raise InvalidInput("smtp_url_scheme", source=source, scheme=parts.scheme or "—")
    if not parts.hostname:
        raise InvalidInput("smtp_url_no_host", source=source)
    if parts.path not in ("", "/"):
        raise InvalidInput("smtp_url_path", source=source)

    starttls = False
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name != "starttls":
            raise InvalidInput("smtp_url_option", source=source, option=name[:40])
        if value.lower() not in _TRUE | _FALSE:
            raise InvalidInput("smtp_url_starttls", source=source)
        starttls = value.lower() in _TRUE
    if starttls and parts.scheme == "smtps":
        raise InvalidInput("smtp_url_double_tls", source=source)

    security: Security = "ssl" if parts.scheme == "smtps" else "starttls" if starttls else "plain"
    default_port = {"ssl": 465, "starttls": 587, "plain": 25}[security]
    return SmtpServer(
        host=parts.hostname,
        port=port or default_port,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def _read_file(path: Path, *, required: bool) -> dict[str, Any]:
    section = read_section(path, "notify", required=required)
    unknown = sorted(set(section) - _KEYS)
    if unknown:
        raise InvalidInput("notify_unknown_keys", path=str(path), keys=unknown, known=sorted(_KEYS))
    return dict(section)


def _string(settings: Mapping[str, Any], key: str, origin: Mapping[str, str]) -> str | None:
    value = settings.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidInput("setting_not_text", setting=origin[key])
    return value


def _timeout(settings: Mapping[str, Any], origin: Mapping[str, str]) -> float:
    value = settings.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise InvalidInput("setting_timeout", setting=origin["timeout"])
    return float(value)


def _check_sender(sender: str, source: str) -> None:
    _, address = email.utils.parseaddr(sender)
    if "\r" in sender or "\n" in sender or "@" not in address:
        raise InvalidInput("bad_sender", source=source)


def _base_url(env: Mapping[str, str], file_path: Path) -> str | None:
    """``DONDOC_BASE_URL``, else ``[web] base_url`` of the config file: an http(s) address."""
    value = env.get(ENV_BASE_URL) or read_section(file_path, "web", required=False).get("base_url")
    origin = ENV_BASE_URL if env.get(ENV_BASE_URL) else f"{file_path} [web] base_url"
    if not value:
        return None
    if not isinstance(value, str):
        raise InvalidInput("bad_base_url", value=str(value)[:80], origin=origin)
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise InvalidInput("bad_base_url", value=value[:80], origin=origin)
    return value.strip().rstrip("/")
