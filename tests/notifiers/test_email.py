"""The e-mail channel against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import pytest

from notifiers.config import SmtpServer, parse_smtp_url
from notifiers.email import EmailChannel, build_email, message_id
from notifiers.message import DeliveryFailed, Message
from tests.notifiers.conftest import SMTP_PASSWORD, SMTP_USER, check_password, free_port
from tests.words import english

SUBJECT = "Nhiệm vụ quá hạn — Sở Công Thương"
TEXT = "Nhiệm vụ 1.2 (kon-tum-2013) đã quá hạn 10 ngày làm việc.\nĐề nghị báo cáo tiến độ."
HTML = "<p>Nhiệm vụ <b>1.2</b> đã quá hạn — Sở Công Thương</p>"
SENDER = "Sở Công Thương Kon Tum <sxsh@congthuong.kontum.gov.vn>"


def overdue(key: str = "kon-tum-2013:1.2@2015/level-2", **changes: object) -> Message:
    fields: dict[str, object] = {
        "key": key,
        "to": ("lead@stnmt.example.vn",),
        "cc": ("copy@skhcn.example.vn",),
        "subject": SUBJECT,
        "text": TEXT,
        "html": HTML,
    }
    fields.update(changes)
    return Message(**fields)  # type: ignore[arg-type]


def lines(part: object) -> str:
    """A text part's content with MIME's canonical CRLF line ends made plain."""
    return "\n".join(part.get_content().splitlines())  # type: ignore[attr-defined]


def plain(port: int, **kwargs: object) -> EmailChannel:
    return EmailChannel(SmtpServer("127.0.0.1", port, "plain"), SENDER, timeout=5, **kwargs)  # type: ignore[arg-type]


def test_vietnamese_multipart_message_arrives_intact(smtp_server):
    server = smtp_server()
    plain(server.port).send(overdue())

    [received] = server.recorder.received()
    [envelope] = server.recorder.envelopes
    assert envelope.rcpt_tos == ["lead@stnmt.example.vn", "copy@skhcn.example.vn"]
    assert envelope.mail_from == "sxsh@congthuong.kontum.gov.vn"
    assert received["Subject"] == SUBJECT
    assert received["From"] == SENDER
    assert received["Cc"] == "copy@skhcn.example.vn"
    assert received.get_content_type() == "multipart/alternative"
    assert lines(received.get_body(("plain",))) == TEXT
    assert lines(received.get_body(("html",))) == HTML
    assert received["Auto-Submitted"] == "auto-generated"


def test_message_id_and_key_header_come_from_the_idempotency_key(smtp_server):
    server = smtp_server()
    plain(server.port).send(overdue(key="nghe-an-2017:2.1@2018/reminder-3"))

    [received] = server.recorder.received()
    assert received["X-Dondoc-Key"] == "nghe-an-2017:2.1@2018/reminder-3"
    assert received["Message-ID"] == message_id("nghe-an-2017:2.1@2018/reminder-3")
    assert received["Message-ID"].startswith("<nghe-an-2017-2.1-2018-reminder-3-")
    assert received["Message-ID"].endswith("@dondoc>")


def test_same_key_gives_same_message_id_and_different_keys_differ():
    assert message_id("a:b") == message_id("a:b")
    # Both keys sanitise to "a-b"; the hash suffix keeps them apart.
    assert message_id("a:b") != message_id("a/b")
    assert message_id("plain-key.1") == "<plain-key.1@dondoc>"


def test_text_only_message_is_not_multipart(smtp_server):
    server = smtp_server()
    plain(server.port).send(overdue(html=None))

    [received] = server.recorder.received()
    assert received.get_content_type() == "text/plain"
    assert lines(received) == TEXT


def test_line_break_in_subject_cannot_inject_a_header(smtp_server):
    server = smtp_server()
    attack = "Quá hạn\r\nBcc: spy@evil.example\r\nX-Injected: yes"
    plain(server.port).send(overdue(subject=attack, cc=()))

    [received] = server.recorder.received()
    [envelope] = server.recorder.envelopes
    assert received["Bcc"] is None
    assert received["X-Injected"] is None
    assert received["Subject"] == "Quá hạn Bcc: spy@evil.example X-Injected: yes"
    assert envelope.rcpt_tos == ["lead@stnmt.example.vn"]


def test_line_break_in_sender_name_cannot_inject_a_header(smtp_server):
    server = smtp_server()
    channel = EmailChannel(
        SmtpServer("127.0.0.1", server.port, "plain"),
        "SCT\nBcc: spy@evil.example <sxsh@example.vn>",
        timeout=5,
    )
    channel.send(overdue(cc=()))

    [received] = server.recorder.received()
    assert received["Bcc"] is None
    assert server.recorder.envelopes[0].rcpt_tos == ["lead@stnmt.example.vn"]


def test_recipient_with_a_line_break_is_refused_permanently():
    with pytest.raises(DeliveryFailed) as failure:
        build_email(overdue(to=("a@example.vn\r\nBcc: spy@evil.example",)), SENDER)
    assert failure.value.permanent is True
    assert "is not an e-mail address" in english(failure.value)


def test_login_with_the_right_password_delivers(smtp_server):
    server = smtp_server(authenticator=check_password, auth_require_tls=False)
    url = f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{server.port}"
    EmailChannel(parse_smtp_url(url), SENDER, timeout=5).send(overdue())

    assert len(server.recorder.envelopes) == 1


def test_refused_login_is_temporary_and_does_not_reveal_the_password(smtp_server):
    server = smtp_server(authenticator=check_password, auth_require_tls=False)
    wrong = SmtpServer("127.0.0.1", server.port, "plain", SMTP_USER, "Sai-Mat-Khau-42")
    with pytest.raises(DeliveryFailed) as failure:
        EmailChannel(wrong, SENDER, timeout=5).send(overdue())

    assert failure.value.permanent is False
    assert "refused the login" in english(failure.value)
    assert "Sai-Mat-Khau-42" not in english(failure.value)
    assert server.recorder.envelopes == []


def test_server_down_is_a_temporary_failure_without_the_password():
    port = free_port()
    server = SmtpServer("127.0.0.1", port, "plain", SMTP_USER, SMTP_PASSWORD)
    with pytest.raises(DeliveryFailed) as failure:
        EmailChannel(server, SENDER, timeout=5).send(overdue())

    assert failure.value.permanent is False
    assert failure.value.channel == "email"
    assert "connection was refused" in english(failure.value)
    assert f"127.0.0.1:{port}" in english(failure.value)
    assert SMTP_PASSWORD not in str(failure.value)


def test_recipient_refused_with_5xx_is_permanent(smtp_server):
    server = smtp_server()
    server.recorder.refuse["lead@stnmt.example.vn"] = "550 5.1.1 No such mailbox"
    server.recorder.refuse["copy@skhcn.example.vn"] = "550 5.1.1 No such mailbox"
    with pytest.raises(DeliveryFailed) as failure:
        plain(server.port).send(overdue())

    assert failure.value.permanent is True
    assert "lead@stnmt.example.vn: 550 5.1.1 No such mailbox" in english(failure.value)


def test_recipient_refused_with_4xx_is_temporary(smtp_server):
    server = smtp_server()
    server.recorder.refuse["lead@stnmt.example.vn"] = "450 4.2.1 Mailbox busy"
    server.recorder.refuse["copy@skhcn.example.vn"] = "550 5.1.1 No such mailbox"
    with pytest.raises(DeliveryFailed) as failure:
        plain(server.port).send(overdue())

    assert failure.value.permanent is False


def test_partly_refused_recipients_fail_and_name_who_got_it(smtp_server):
    server = smtp_server()
    server.recorder.refuse["copy@skhcn.example.vn"] = "550 5.1.1 No such mailbox"
    with pytest.raises(DeliveryFailed) as failure:
        plain(server.port).send(overdue())

    assert failure.value.permanent is True
    assert "accepted for lead@stnmt.example.vn" in english(failure.value)
    assert server.recorder.envelopes[0].rcpt_tos == ["lead@stnmt.example.vn"]


def test_starttls_with_login_delivers(smtp_server, tls_files):
    server = smtp_server(
        tls_context=tls_files.server_context(),
        require_starttls=True,
        authenticator=check_password,
    )
    url = f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{server.port}?starttls=1"
    channel = EmailChannel(
        parse_smtp_url(url), SENDER, timeout=5, ssl_context=tls_files.client_context()
    )
    channel.send(overdue())

    [received] = server.recorder.received()
    assert received["Subject"] == SUBJECT


def test_starttls_against_an_untrusted_certificate_is_temporary(smtp_server, tls_files):
    server = smtp_server(tls_context=tls_files.server_context(), require_starttls=True)
    channel = EmailChannel(SmtpServer("127.0.0.1", server.port, "starttls"), SENDER, timeout=5)
    with pytest.raises(DeliveryFailed) as failure:
        channel.send(overdue())

    assert failure.value.permanent is False
    assert "TLS handshake failed" in english(failure.value)
    assert server.recorder.envelopes == []


def test_implicit_tls_delivers(smtp_server, tls_files):
    server = smtp_server(ssl_context=tls_files.server_context())
    channel = EmailChannel(
        parse_smtp_url(f"smtps://127.0.0.1:{server.port}"),
        SENDER,
        timeout=5,
        ssl_context=tls_files.client_context(),
    )
    channel.send(overdue())

    assert len(server.recorder.envelopes) == 1


def test_non_ascii_address_on_a_server_without_smtputf8_is_permanent(smtp_server):
    server = smtp_server(enable_SMTPUTF8=False)
    with pytest.raises(DeliveryFailed) as failure:
        plain(server.port).send(overdue(to=("người-nhận@ví-dụ.vn",), cc=()))

    assert failure.value.permanent is True
    assert "SMTPUTF8" in english(failure.value)
    assert server.recorder.envelopes == []


def test_non_ascii_address_on_a_server_with_smtputf8_is_delivered(smtp_server):
    server = smtp_server(enable_SMTPUTF8=True)
    plain(server.port).send(overdue(to=("người-nhận@ví-dụ.vn",), cc=()))

    [received] = server.recorder.received()
    assert server.recorder.envelopes[0].rcpt_tos == ["người-nhận@ví-dụ.vn"]
    assert received["To"] == "người-nhận@ví-dụ.vn"
