"""A slow mail server, a short lease and two dispatchers: each message leaves once.

Issue 18: a healthy dispatcher slower than its lease had the rest of its
batch claimed by the next run and sent it anyway (150 mails for 111
messages). Each claim now carries a token, the lease is renewed per message
and only while the row still carries the token, so the slow dispatcher skips
what another took over. And one malformed address dead-letters alone.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from click.testing import CliRunner
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from cli import cli
from engine import db
from engine.directory import set_contacts
from engine.models import Agency, OutboxMessage
from notifiers import load_config
from notifiers.dispatch import dispatch_pending
from tests.notify.conftest import SmtpAt
from tests.notify.worded import queue_worded

MESSAGES = 12
SEND_SECONDS = 0.25
LEASE = dt.timedelta(seconds=1)


class _SlowRecorder:
    """Takes ``SEND_SECONDS`` to accept each mail, as a loaded mail server does."""

    def __init__(self, inner: object) -> None:
        self.inner = inner

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        await asyncio.sleep(SEND_SECONDS)
        return await self.inner.handle_DATA(server, session, envelope)  # type: ignore[attr-defined]


def _queue(factory: sessionmaker[Session], keys: list[str], agency: str) -> None:
    with db.transaction(factory) as s:
        for key in keys:
            queue_worded(s, key=key, agency_code=agency, subject=key, text=key)


def _statuses(factory: sessionmaker[Session]) -> dict[str, str]:
    with factory() as s:
        return {m.key: m.status for m in s.scalars(select(OutboxMessage))}


def test_a_dispatcher_slower_than_its_lease_never_doubles_a_mail(
    kon_tum: sessionmaker[Session],
    mail_dirs: dict[str, str],
    smtp: SmtpAt,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = smtp.recorder
    smtp.recorder = _SlowRecorder(recorder)  # type: ignore[assignment]
    smtp.start()
    monkeypatch.setenv("DONDOC_SMTP_URL", smtp.url)
    monkeypatch.setenv("DONDOC_SMTP_FROM", "sxsh@kontum.example.vn")
    with db.transaction(kon_tum) as s:
        set_contacts(s, "kon-tum/sct", email="sct@kontum.example.vn")
    keys = [f"slow-{i:02}" for i in range(MESSAGES)]
    _queue(kon_tum, keys, "kon-tum/sct")
    config = load_config()
    results = []

    def dispatcher() -> None:
        results.append(dispatch_pending(kon_tum, config=config, lease=LEASE))

    first = threading.Thread(target=dispatcher)
    first.start()
    # The second run starts once the first one's batch lease has run out,
    # as the next cron run or a second scheduler would.
    threading.Event().wait(LEASE.total_seconds() * 1.3)
    second = threading.Thread(target=dispatcher)
    second.start()
    first.join(timeout=60)
    second.join(timeout=60)
    received = Counter(m["Subject"] for m in recorder.received())
    print(
        f"\nslow dispatch: {len(received)} keys, {sum(received.values())} mails, "
        f"sent by each run {[r.sent for r in results]}"
    )
    assert sorted(received) == keys
    assert set(received.values()) == {1}
    assert sum(r.sent for r in results) == MESSAGES
    assert all(r.sent for r in results), "the second run took over part of the batch"
    assert set(_statuses(kon_tum).values()) == {"sent"}


@pytest.mark.parametrize("webhook", ["http://hook..example/x", "http://hook.example:99999/x"])
def test_a_malformed_stored_webhook_is_dead_alone_and_the_others_go_out(
    kon_tum: sessionmaker[Session], mail_dirs: dict[str, str], webhook: str
) -> None:
    # Stored directly, as an address set before addresses were checked.
    with db.transaction(kon_tum) as s:
        s.execute(update(Agency).where(Agency.code == "kon-tum/ubnd").values(webhook=webhook))
    _queue(kon_tum, ["bad-1"], "kon-tum/ubnd")
    _queue(kon_tum, [f"ok-{i}" for i in range(5)], "kon-tum/sct")
    result = dispatch_pending(kon_tum, config=load_config())
    assert (result.sent, result.failed, result.dead) == (5, 0, 1)
    statuses = _statuses(kon_tum)
    assert statuses.pop("bad-1") == "dead"
    assert set(statuses.values()) == {"sent"}
    assert len(list(Path(mail_dirs["DONDOC_OUTBOX_DIR"]).glob("ok-*.eml"))) == 5
    with kon_tum() as s:
        dead = s.scalars(select(OutboxMessage).where(OutboxMessage.key == "bad-1")).one()
    assert "unusable_host" in (dead.last_error or "")


@pytest.mark.parametrize(
    ("option", "value", "sentence"),
    [
        ("--webhook", "http://hook..example/x", "its host name or port is malformed"),
        ("--webhook", "http://hook.example:99999/x", "its host name or port is malformed"),
        ("--webhook", "http://hook.example:0/x", "its host name or port is malformed"),
        ("--webhook", "ftp://hook.example/x", "is not an http(s) URL"),
        ("--webhook", "http://a b.example/x", "its host name or port is malformed"),
        ("--email", "sct@kontum..example.vn", "is not an e-mail address"),
        ("--email", "a" * 300 + "@kontum.example.vn", "is not an e-mail address"),
    ],
)
def test_agencies_set_refuses_an_address_that_could_never_be_reached(
    kon_tum: sessionmaker[Session], db_url: str, option: str, value: str, sentence: str
) -> None:
    result = CliRunner().invoke(
        cli, ["--db", db_url, "agencies", "set", "kon-tum/ubnd", option, value]
    )
    assert result.exit_code == 1, result.output
    assert sentence in result.output
    assert "Unexpected" not in result.output and len(result.output.splitlines()) == 1
    with kon_tum() as s:
        agency = s.get(Agency, "kon-tum/ubnd")
        assert agency is not None and agency.webhook is None and agency.email is None
