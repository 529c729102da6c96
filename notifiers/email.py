"""The e-mail channel: builds a MIME message from a ``Message`` and sends it over SMTP.

Plain SMTP, STARTTLS and implicit TLS are supported, with an optional login.
The Message-ID is derived from the idempotency key, so a message the
dispatcher sends twice (after a lost acknowledgement) can be recognised by
the receiving mail system as the same one.
"""

from __future__ import annotations

import email.policy
import email.utils
import re
import smtplib
import ssl
from email.message import EmailMessage

from engine.errors import Phrase
from notifiers.config import SmtpServer
from notifiers.message import DeliveryFailed, Message, key_token, masked

# Any line break, including the Unicode ones the email package also treats as
# breaks, would end a header line; folding them to one space keeps a subject
# or name a single header however it was typed.
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
_SMTP_POLICY = email.policy.SMTP


def one_line(value: str) -> str:
    """Fold every line break in a header value into a single space."""
    return _LINE_BREAKS.sub(" ", value).strip()


def message_id(key: str) -> str:
    """The Message-ID for an idempotency key: ``<token@dondoc>``."""
    return f"<{key_token(key)}@dondoc>"


def build_email(message: Message, sender: str, *, channel: str = "email") -> EmailMessage:
    """Build the MIME message: text alone, or multipart/alternative text and HTML.

    A recipient that is not an e-mail address (or hides a line break) raises
    a permanent ``DeliveryFailed`` for ``channel``.
    """
    mail = EmailMessage(policy=_SMTP_POLICY)
    mail["From"] = one_line(sender)
    mail["To"] = _address_list(message.to, message.key, channel)
    if message.cc:
        mail["Cc"] = _address_list(message.cc, message.key, channel)
    mail["Subject"] = one_line(message.subject)
    mail["Date"] = email.utils.formatdate(localtime=False)
    mail["Message-ID"] = message_id(message.key)
    mail["X-Dondoc-Key"] = message.key
    mail["Content-Language"] = one_line(message.lang)
    # RFC 3834: tells vacation responders not to answer automatic follow-ups.
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.text)
    if message.html is not None:
        mail.add_alternative(message.html, subtype="html")
    return mail


class EmailChannel:
    """Sends messages through one SMTP server."""

    name = "email"

    def __init__(
        self,
        server: SmtpServer,
        sender: str,
        *,
        timeout: float = 10.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """``ssl_context`` defaults to the system's trusted CAs with host checking."""
        self.server = server
        self.sender = sender
        self.timeout = timeout
        self.ssl_context = ssl_context or ssl.create_default_context()

    def describe(self) -> str:
        return f"e-mail via {self.server.describe()} from {self.sender}"

    def send(self, message: Message) -> None:
        """Send ``message`` to its ``to`` and ``cc`` addresses, or raise ``DeliveryFailed``.

        Recipients the server refuses with 5xx make the failure permanent, with
        4xx temporary. If some recipients were accepted, a temporary failure
        means the retry reaches them again, which the stable Message-ID lets
        their mail system deduplicate.
        """
        _, envelope_from = email.utils.parseaddr(self.sender)
        mail = build_email(message, self.sender)
        try:
            with self._connect() as smtp:
                if self.server.security == "starttls":
                    smtp.starttls(context=self.ssl_context)
                if self.server.username is not None:
                    smtp.login(self.server.username, self.server.password or "")
                try:
                    refused = smtp.send_message(
                        mail, from_addr=envelope_from, to_addrs=list(message.recipients)
                    )
                except smtplib.SMTPNotSupportedError:
                    # Raised here only for non-ASCII addresses on a server
                    # without SMTPUTF8: this message can never go through it.
                    raise self._failure(
                        message, Phrase("smtputf8_needed"), permanent=True
                    ) from None
        except smtplib.SMTPRecipientsRefused as error:
            raise self._refused(message, error.recipients) from None
        except smtplib.SMTPDataError as error:
            # The server read the message and refused its content (size, spam
            # filter): with 5xx the same message will never be accepted.
            reply = _reply_text(error.smtp_code, error.smtp_error)
            raise self._failure(
                message,
                Phrase("refused_message", {"reply": reply}),
                permanent=error.smtp_code >= 500,
            ) from None
        except smtplib.SMTPResponseException as error:
            # Login, sender, greeting or STARTTLS refused: the channel is
            # misconfigured or unwell, not the message. Dead-lettering would
            # lose every notification until someone notices, so the dispatcher
            # keeps retrying instead and they go out once the setting is fixed.
            reply = _reply_text(error.smtp_code, error.smtp_error)
            code = (
                "refused_login" if isinstance(error, smtplib.SMTPAuthenticationError) else "refused"
            )
            raise self._failure(message, Phrase(code, {"reply": reply}), permanent=False) from None
        except (smtplib.SMTPException, OSError) as error:
            # Refused or dropped connections, timeouts, TLS handshake and
            # certificate errors, missing STARTTLS or AUTH support: the server,
            # the network or the setting may recover.
            raise self._failure(message, _os_reason(error), permanent=False) from None
        if refused:
            raise self._refused(message, refused)

    def _connect(self) -> smtplib.SMTP:
        host, port = self.server.host, self.server.port
        if self.server.security == "ssl":
            return smtplib.SMTP_SSL(host, port, timeout=self.timeout, context=self.ssl_context)
        return smtplib.SMTP(host, port, timeout=self.timeout)

    def _refused(self, message: Message, refused: dict[str, tuple[int, bytes]]) -> DeliveryFailed:
        permanent = all(code >= 500 for code, _ in refused.values())
        details = "; ".join(
            f"{address}: {_reply_text(code, reply)}" for address, (code, reply) in refused.items()
        )
        accepted = [a for a in message.recipients if a not in refused]
        reason = Phrase(
            "refused_recipients_some_accepted" if accepted else "refused_recipients",
            {"details": details, "accepted": accepted},
        )
        return self._failure(message, reason, permanent=permanent)

    def _failure(self, message: Message, reason: Phrase, *, permanent: bool) -> DeliveryFailed:
        return DeliveryFailed(
            "email_failed",
            key=message.key,
            recipients=list(message.recipients),
            server=f"{self.server.host}:{self.server.port}",
            reason=masked(reason, self.server.password),
            permanent=permanent,
            channel=self.name,
        )


def _address_list(addresses: tuple[str, ...], key: str, channel: str) -> str:
    for address in addresses:
        _check_address(address, key, channel)
    return ", ".join(addresses)


def _check_address(address: str, key: str, channel: str) -> None:
    # A line break in an address would inject headers or SMTP commands; such a
    # recipient can never be delivered to, so the failure is permanent.
    _, addr_spec = email.utils.parseaddr(address)
    if _LINE_BREAKS.search(address) or "@" not in addr_spec:
        raise DeliveryFailed(
            "not_an_email_address",
            key=key,
            address=one_line(address),
            permanent=True,
            channel=channel,
        )


def _reply_text(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return f"{code} {one_line(text)}".strip()


def _os_reason(error: BaseException) -> Phrase:
    if isinstance(error, TimeoutError):
        return Phrase("no_answer_in_time")
    if isinstance(error, ConnectionRefusedError):
        return Phrase("connection_refused")
    if isinstance(error, ssl.SSLError):
        return Phrase("tls_failed", {"reason": str(error.reason or error)})
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return Phrase("server_closed")
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return Phrase("not_offered", {"reason": one_line(str(error))})
    return Phrase("as_reported", {"text": one_line(str(error)) or type(error).__name__})
