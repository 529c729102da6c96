"""Hostile titles and notes come out escaped in HTML and as single headers in mail; signatures hold."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from cli import cli
from engine import db
from engine.directory import set_contacts
from engine.escalation import sweep
from engine.models import Task
from notifiers import load_config, verify_signature
from notifiers.dispatch import dispatch_all
from notifiers.webhook import sign
from tests.notify.conftest import SmtpAt

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HEADER = "Chỉ thị\r\nBcc: evil@example.com"
TITLE = f"{SCRIPT} {IMG} {HEADER}"


@pytest.fixture
def hostile(kon_tum: sessionmaker[Session]) -> sessionmaker[Session]:
    with db.transaction(kon_tum) as s:
        s.execute(update(Task).where(Task.code == "2.1").values(title=TITLE))
    return kon_tum


def _assert_escaped(html: str) -> None:
    assert SCRIPT not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_hostile_titles_are_escaped_in_the_html_digest_and_the_annual_report(
    hostile: sessionmaker[Session], db_url: str
) -> None:
    runner = CliRunner()
    digest = runner.invoke(
        cli,
        [
            "--db",
            db_url,
            "digest",
            "--plan",
            "kon-tum-2013",
            "--as-of",
            "2015-03-16",
            "--format",
            "html",
        ],
    )
    assert digest.exit_code == 0, digest.output
    _assert_escaped(digest.output)
    report = runner.invoke(
        cli,
        [
            "--db",
            db_url,
            "report",
            "annual",
            "--plan",
            "kon-tum-2013",
            "--year",
            "2014",
            "--format",
            "html",
        ],
    )
    assert report.exit_code == 0, report.output
    _assert_escaped(report.output)


def test_a_hostile_title_in_mail_injects_no_header_and_reaches_only_its_recipients(
    hostile: sessionmaker[Session], mail_dirs: dict[str, str], smtp: SmtpAt, monkeypatch
) -> None:
    with db.transaction(hostile) as s:
        for code in ("kon-tum/sct", "kon-tum/ubnd"):
            set_contacts(s, code, email=f"{code.split('/')[1]}@example.vn")
    sweep(hostile, as_of=dt.date(2015, 3, 16))
    smtp.start()
    monkeypatch.setenv("DONDOC_SMTP_URL", smtp.url)
    monkeypatch.setenv("DONDOC_SMTP_FROM", "sxsh@example.vn")
    result = dispatch_all(hostile, config=load_config())
    mails = smtp.recorder.received()
    assert result.sent == len(mails) == 13
    rcpts = {a for e in smtp.recorder.envelopes for a in e.rcpt_tos}
    assert "evil@example.com" not in rcpts
    assert all(m["Bcc"] is None for m in mails)
    about = [m for m in mails if "kon-tum-2013:2.1" in m["X-Dondoc-Key"]]
    assert len(about) == 1
    body = about[0].get_body(("plain",))
    assert body is not None and SCRIPT in body.get_content()  # text mail: kept, as text
    print(f"\nmail: {len(mails)} messages, 0 Bcc headers, recipients {sorted(rcpts)}")


def test_webhook_signatures_are_checked_exactly_and_never_crash_on_hostile_headers() -> None:
    body = b'{"key": "esc:kon-tum-2013:2.1:overdue:3"}'
    good = sign("bí-mật", body)
    assert verify_signature("bí-mật", body, good)
    assert verify_signature("bí-mật", body, f"  {good} ")
    flipped = good[:-1] + ("0" if good[-1] != "0" else "1")
    refused = [
        flipped,
        good.upper(),
        good[:-2],
        good + "00",
        "sha1=" + good[7:],
        "",
        None,
        "sha256=" + "é" * 64,
        "sha256=\x00" + good[8:],
    ]
    assert [verify_signature("bí-mật", body, h) for h in refused] == [False] * len(refused)
    assert not verify_signature("other", body, good)
    assert not verify_signature("bí-mật", body + b" ", good)


def test_signature_checks_go_through_the_constant_time_comparison(monkeypatch) -> None:
    import hmac

    from notifiers import webhook

    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a, b):  # type: ignore[no-untyped-def]
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(webhook.hmac, "compare_digest", spy)
    body = b"{}"
    assert webhook.verify_signature("k", body, sign("k", body))
    assert not webhook.verify_signature("k", body, "sha256=00")
    assert len(calls) == 2
