"""Schedulers that fail over: real ``dondoc scheduler run`` processes, a real SIGKILL.

PostgreSQL: three schedulers on one database, one leads and the others say
they stand by; the leader is SIGKILLed, one stand-by takes over within 60 s,
and the sweep missed while nobody led is run once, by the new leader only.
SQLite: a second scheduler on the same file refuses to start and says why.
"""

from __future__ import annotations

import datetime as dt
import queue
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import IO

import pytest
from sqlalchemy import text

from engine import db
from engine.models import SchedulerRun
from tests.reliability.conftest import DONDOC, ROOT, child_env

LEADING = "Scheduler running on "
STANDING_BY = "Another scheduler runs the jobs on "
TAKE_OVER_LIMIT = 60.0


@dataclass
class Scheduler:
    """One ``dondoc scheduler run`` and the lines it prints, read as they come."""

    proc: subprocess.Popen[str]
    lines: queue.Queue[str] = field(default_factory=queue.Queue)
    printed: list[str] = field(default_factory=list)
    logged: queue.Queue[str] = field(default_factory=queue.Queue)
    readers: list[threading.Thread] = field(default_factory=list)

    def next_line(self, timeout: float) -> str | None:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return None
        self.printed.append(line)
        return line

    def stop(self) -> tuple[int, str]:
        """SIGTERM, then its exit code and everything it logged on stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=30)
        for reader in self.readers:
            reader.join(timeout=30)
        while self.next_line(0) is not None:
            pass
        return self.proc.returncode, "\n".join(self.logged.queue)


def _pump(stream: IO[str], into: queue.Queue[str]) -> None:
    with stream:
        for line in stream:
            into.put(line.rstrip("\n"))


def start(db_url: str, env: dict[str, str], *args: str) -> Scheduler:
    proc = subprocess.Popen(
        [DONDOC, "--db", db_url, *args, "scheduler", "run", "--poll-seconds", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    scheduler = Scheduler(proc)
    # Both pipes are drained as the child writes, so its logging never blocks on a full pipe.
    for stream, into in ((proc.stdout, scheduler.lines), (proc.stderr, scheduler.logged)):
        reader = threading.Thread(target=_pump, args=(stream, into), daemon=True)
        reader.start()
        scheduler.readers.append(reader)
    return scheduler


@pytest.fixture
def env(mail_dirs: dict[str, str]) -> dict[str, str]:
    return child_env({**mail_dirs, "PYTHONUNBUFFERED": "1"})


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_sigkilled_leader_is_replaced_by_one_stand_by_which_catches_up_the_missed_sweep_once(
    db_url: str, env: dict[str, str]
) -> None:
    engine = db.make_engine(db_url)
    started: list[Scheduler] = []
    successor: Scheduler | None = None
    try:
        leader = start(db_url, env)
        started.append(leader)
        first = leader.next_line(60)
        assert first is not None and first.startswith(LEADING), first
        stand_bys = [start(db_url, env), start(db_url, env)]
        started.extend(stand_bys)
        for s in stand_bys:
            line = s.next_line(60)
            assert line is not None and line.startswith(STANDING_BY), line
            assert "stands by" in line

        # The last sweep finished 65 minutes ago: the one due 5 minutes ago was missed.
        missed = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=5)
        with db.transaction(db.session_factory(engine)) as session:
            session.merge(
                SchedulerRun(
                    job_id="sweep",
                    fired_at=missed - dt.timedelta(hours=1),
                    finished_at=missed - dt.timedelta(hours=1),
                )
            )

        leader.proc.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        leader.proc.wait(timeout=30)

        while successor is None and time.monotonic() - killed_at < TAKE_OVER_LIMIT:
            for s in stand_bys:
                line = s.next_line(0.2)
                if line is not None and line.startswith(LEADING):
                    successor = s
        took = time.monotonic() - killed_at
        assert successor is not None, f"no stand-by took over within {TAKE_OVER_LIMIT:.0f} s"

        # The new leader runs the missed sweep once, at once, and records it.
        fired = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                fired = conn.execute(
                    text("SELECT fired_at FROM scheduler_runs WHERE job_id = 'sweep'")
                ).scalar()
            if fired is not None and fired.replace(tzinfo=dt.UTC) == missed:
                break
            time.sleep(0.5)
        assert fired is not None and fired.replace(tzinfo=dt.UTC) == missed
        time.sleep(3)  # three more polls: nobody else starts leading, nothing runs again
    finally:
        # Stand-bys first: stopping the leader first would hand them the lead.
        order = sorted(started, key=lambda s: s is successor)
        outcomes = {id(s): s.stop() for s in order}
        engine.dispose()

    other = next(s for s in stand_bys if s is not successor)
    code, successor_log = outcomes[id(successor)]
    assert code == 0, successor_log
    assert successor.printed[-1] == "Scheduler stopped."
    assert successor_log.count("escalation sweep for") == 1
    other_code, other_log = outcomes[id(other)]
    assert other_code == 0, other_log
    assert [line for line in other.printed if line.startswith(LEADING)] == []
    assert "Running job" not in other_log  # a stand-by never runs a job
    assert "Traceback" not in successor_log + other_log
    print(f"\ntake-over after SIGKILL: {took:.1f} s (poll 1 s)")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_second_scheduler_on_sqlite_refuses_to_start_and_says_why(
    db_url: str, env: dict[str, str]
) -> None:
    first = start(db_url, env)
    try:
        line = first.next_line(60)
        assert line is not None and line.startswith(LEADING), line
        for lang, sentence in (
            ("en", "A scheduler is already running on "),
            ("vi", "Đã có một bộ lập lịch đang chạy trên "),
        ):
            second = subprocess.run(
                [DONDOC, "--db", db_url, "--lang", lang, "scheduler", "run"],
                capture_output=True,
                text=True,
                env=env,
                cwd=ROOT,
                timeout=60,
            )
            assert second.returncode == 1
            assert second.stdout == ""
            [said] = second.stderr.splitlines()
            assert sentence in said and "SQLite" in said
    finally:
        code, log = first.stop()
    assert code == 0, log
    # Once the first has stopped, a scheduler starts again on the same file.
    again = start(db_url, env)
    line = again.next_line(60)
    code, log = again.stop()
    assert line is not None and line.startswith(LEADING), (line, log)
    assert code == 0
