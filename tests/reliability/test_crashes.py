"""SIGKILL part way through: a sweep and a dispatcher, real processes, several kill points."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cli import cli
from engine import db
from engine.models import Agency, Escalation, Occurrence, OutboxMessage, utcnow
from notifiers import load_config
from notifiers.dispatch import LEASE, dispatch_all
from tasks_catalog import schema
from tasks_catalog.loading import load_plan_file
from tests.notifiers.conftest import Recorder, free_port
from tests.reliability.conftest import DONDOC, ROOT, Ran, child_env

AS_OF = "2015-03-16"
PLANS = ["kon-tum-2013", "binh-phuoc-2011", "dong-thap-2016", "nghe-an-2017", "cao-bang-2016"]


def _load_all_plans(factory: sessionmaker[Session]) -> None:
    with db.transaction(factory) as s:
        for plan_id in PLANS:
            if plan_id != "kon-tum-2013":
                load_plan_file(s, schema.plan_path(plan_id))


def _kill_after(command: list[str], delay: float, env: dict[str, str]) -> int:
    """Start ``command``, SIGKILL it after ``delay`` seconds; its exit code (-9 if killed)."""
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    try:
        _, err = proc.communicate(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        return -signal.SIGKILL
    assert proc.returncode == 0, err
    return proc.returncode


def _ledger(factory: sessionmaker[Session]) -> list[tuple[str, str, str, int]]:
    with db.transaction(factory) as s:
        rows = s.execute(
            select(Occurrence.ref, Escalation.kind, Escalation.scope, Escalation.level).join(
                Occurrence, Occurrence.id == Escalation.occurrence_id
            )
        )
        return sorted((ref, kind, scope, level) for ref, kind, scope, level in rows)


def test_a_sweep_killed_at_several_points_leaves_each_level_and_message_once_after_a_rerun(
    kon_tum: sessionmaker[Session], db_url: str, dondoc: Callable[..., Ran]
) -> None:
    _load_all_plans(kon_tum)
    started = time.monotonic()
    planned = dondoc("escalate", "--as-of", AS_OF, "--dry-run", "--json")
    duration = time.monotonic() - started
    assert planned.code == 0, planned.err
    expected = sorted(
        (r["ref"], r["kind"], r["scope"], r["level"]) for r in json.loads(planned.out)
    )
    # Kill points spread over the time a whole run takes (process start included).
    rng = random.Random(7)
    delays = sorted(rng.uniform(0.05, duration * 1.2) for _ in range(6))
    command = [DONDOC, "--db", db_url, "escalate", "--as-of", AS_OF]
    codes = [_kill_after(command, d, child_env()) for d in delays]
    rerun = dondoc("escalate", "--as-of", AS_OF, "--json")
    assert rerun.code == 0, rerun.err

    assert _ledger(kon_tum) == expected
    with db.transaction(kon_tum) as s:
        keys = s.scalars(select(OutboxMessage.key)).all()
    # One message per occurrence (and state visit): the highest level reached.
    tops: dict[tuple[str, str, str], int] = {}
    for ref, kind, scope, level in expected:
        tops[(ref, kind, scope)] = max(level, tops.get((ref, kind, scope), 0))
    wanted = sorted(
        f"esc:{ref}:{kind}:{scope + ':' if scope else ''}{level}"
        for (ref, kind, scope), level in tops.items()
    )
    assert sorted(keys) == wanted
    killed = codes.count(-signal.SIGKILL)
    print(
        f"\nsweep {db_url.split(':')[0]}: {len(delays)} runs, {killed} killed part way, "
        f"{len(codes) - killed} finished; after the rerun {len(expected)} ledger rows "
        f"(expected {len(expected)}), {len(keys)} outbox messages, one per key"
    )
    assert (
        len(expected) == 39
    )  # Kon Tum's 13 overdue occurrences to level 3; the later plans are not yet due


def _kill_after_mails(
    command: list[str], recorder: Recorder, more: int, env: dict[str, str]
) -> int:
    """Run ``command`` until the server has ``more`` new mails, then SIGKILL it; 1 if killed."""
    start = len(recorder.envelopes)
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    deadline = time.monotonic() + 60
    while len(recorder.envelopes) < start + more and proc.poll() is None:
        assert time.monotonic() < deadline, "the dispatcher sent nothing for 60 s"
        time.sleep(0.01)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=30)
    assert killed or proc.returncode == 0, err
    return int(killed)


class SlowRecorder(Recorder):
    """Keeps each message, then takes a while to answer, so a kill lands mid-send."""

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        await asyncio.sleep(0.05)
        return "250 Message accepted"


def test_a_dispatcher_killed_part_way_loses_nothing_and_repeats_only_a_message_caught_mid_send(
    kon_tum: sessionmaker[Session],
    db_url: str,
    dondoc: Callable[..., Ran],
    mail_dirs: dict[str, str],
    monkeypatch,
) -> None:
    _load_all_plans(kon_tum)
    runner = CliRunner()
    with db.transaction(kon_tum) as s:
        codes = s.scalars(select(Agency.code).where(Agency.is_group.is_(False))).all()
    for code in codes:
        address = code.replace("/", ".") + "@example.vn"
        result = runner.invoke(cli, ["--db", db_url, "agencies", "set", code, "--email", address])
        assert result.exit_code == 0, result.output
    # Years later every plan is overdue: well over a hundred messages to send.
    swept = dondoc("escalate", "--as-of", "2021-03-16", env=mail_dirs)
    assert swept.code == 0, swept.err
    with db.transaction(kon_tum) as s:
        all_keys = set(s.scalars(select(OutboxMessage.key)))
    assert len(all_keys) > 100

    recorder = SlowRecorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    smtp_env = {
        **mail_dirs,
        "DONDOC_SMTP_URL": f"smtp://127.0.0.1:{port}",
        "DONDOC_SMTP_FROM": "SCT Kon Tum <sxsh@example.vn>",
    }
    try:
        rng = random.Random(11)
        command = [DONDOC, "--db", db_url, "notify", "dispatch", "--limit", "15"]
        in_flight: set[str] = set()
        kills = 0
        # Each run claims 15 messages under a lease; it is killed once the server
        # has taken 1-10 more mails, so the kill lands inside its batch, mid-send.
        for _ in range(4):
            kills += _kill_after_mails(command, recorder, rng.randint(1, 10), child_env(smtp_env))
            with db.transaction(kon_tum) as s:
                in_flight |= set(
                    s.scalars(select(OutboxMessage.key).where(OutboxMessage.status == "sending"))
                )
        for key, value in smtp_env.items():
            monkeypatch.setenv(key, value)
        # The restart: once the crashed claims' leases have run out, everything goes.
        later = utcnow() + LEASE + dt.timedelta(minutes=1)
        final = dispatch_all(kon_tum, config=load_config(), now=later)
    finally:
        controller.stop()

    with db.transaction(kon_tum) as s:
        statuses = Counter(s.scalars(select(OutboxMessage.status)))
    received = Counter(m["X-Dondoc-Key"] for m in recorder.received())
    message_ids = Counter(m["Message-ID"] for m in recorder.received())
    repeated = {k for k, n in received.items() if n > 1}
    print(
        f"\ndispatch {db_url.split(':')[0]}: {len(all_keys)} messages, {kills} dispatchers killed, "
        f"{final.sent} sent after the restart; server received {sum(received.values())} mails for "
        f"{len(received)} keys, {len(repeated)} repeated (all caught mid-send: {repeated <= in_flight})"
    )
    assert statuses == Counter({"sent": len(all_keys)})
    assert set(received) == all_keys  # none lost
    assert len(message_ids) == len(all_keys)
    assert repeated <= in_flight  # a repeat only for a message a kill caught mid-send
    assert all(n <= 2 for n in received.values())
    assert len(repeated) <= kills
