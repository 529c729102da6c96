"""Which scheduler leads: one per database runs the jobs, the others stand by.

PostgreSQL: every ``dondoc scheduler run`` tries a session-level advisory
lock (``pg_try_advisory_lock``) on a connection of its own, opened outside
the pool (``NullPool``), so nothing can hand that connection to other work
or recycle it while the lock is held. The one that gets it leads; the others
try again every poll interval. An advisory lock rather than a lease row:

- it is released by PostgreSQL itself the moment the leader's session ends
  (a SIGKILLed process closes its socket; a dead host is found by the TCP
  keepalives set on that connection), so a stand-by takes over within one
  poll interval, with no clock to trust and no lease to renew;
- a lease row must be renewed in time by a process that may be paused, and
  two clocks decide when it has run out; the lock has neither problem.

The leader checks before each job, and every poll interval, that its session
still holds the lock (``pg_locks``); if the database went away it stops its
jobs and stands by again. So at most one process runs the jobs at a time.

SQLite has no server to keep such a lock: a second scheduler on the same
file is refused at start (``Conflict("scheduler_running")``), through an
exclusive ``flock`` on ``<database>.scheduler-lock`` that the system drops
when the process ends, however it ends.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from engine.errors import Conflict

# The advisory lock's two keys: "dond" in ASCII, and 1 for the scheduler.
LOCK_CLASS = 0x646F6E64
LOCK_SCHEDULER = 1

# How often a stand-by asks for the lock and the leader checks it still holds it
# (``scheduler run --poll-seconds``).
POLL_SECONDS = 15.0

# TCP keepalives on the lock's connection: a leader host that vanished
# without closing its socket is declared dead by PostgreSQL within about
# idle + interval * count = 30 s, and its lock is released.
KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 15,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "connect_timeout": 10,
}


class Leadership(Protocol):
    """The right to run the jobs: taken by one process at a time."""

    def try_acquire(self) -> bool: ...

    def still_held(self) -> bool: ...

    def release(self) -> None: ...


class AdvisoryLock:
    """PostgreSQL's session advisory lock, held on a connection nobody else uses."""

    def __init__(self, url: str) -> None:
        self._engine: Engine = create_engine(url, poolclass=NullPool, connect_args=KEEPALIVES)
        self._conn: Connection | None = None
        # The jobs' threads check the lock too; a connection serves one at a time.
        self._guard = threading.Lock()

    def _connection(self) -> Connection:
        if self._conn is None:
            self._conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self._conn

    def _forget(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(DBAPIError):
                self._conn.close()
        self._conn = None

    def try_acquire(self) -> bool:
        with self._guard:
            try:
                got = self._connection().execute(
                    text("SELECT pg_try_advisory_lock(:c, :o)"),
                    {"c": LOCK_CLASS, "o": LOCK_SCHEDULER},
                )
                return bool(got.scalar())
            except DBAPIError:
                self._forget()  # the database is away: ask again next time
                return False

    def still_held(self) -> bool:
        with self._guard:
            if self._conn is None:
                return False
            try:
                held = self._conn.execute(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                        "AND pid = pg_backend_pid() AND granted "
                        "AND classid = :c AND objid = :o AND objsubid = 2"
                    ),
                    {"c": LOCK_CLASS, "o": LOCK_SCHEDULER},
                ).scalar()
                return bool(held)
            except DBAPIError:
                self._forget()
                return False

    def release(self) -> None:
        with self._guard:
            if self._conn is not None:
                with contextlib.suppress(DBAPIError):
                    self._conn.execute(
                        text("SELECT pg_advisory_unlock(:c, :o)"),
                        {"c": LOCK_CLASS, "o": LOCK_SCHEDULER},
                    )
            self._forget()
            self._engine.dispose()


class FileLock:
    """An exclusive ``flock`` beside a SQLite file: a second scheduler is refused, not queued."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[bytes] | None = None

    def try_acquire(self) -> bool:
        import fcntl

        handle = open(self.path, "ab")  # noqa: SIM115 - held open while the scheduler runs
        os.chmod(self.path, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            where = str(self.path.with_suffix(""))[:200]
            raise Conflict("scheduler_running", database=where) from None
        self._handle = handle
        return True

    def still_held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the file drops the lock
            self._handle = None


class Alone:
    """An in-memory database: nobody else can reach it, so this process leads."""

    def try_acquire(self) -> bool:
        return True

    def still_held(self) -> bool:
        return True

    def release(self) -> None:
        return None


def leadership_for(url: str) -> Leadership:
    """How schedulers on the database at ``url`` agree on a leader."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return AdvisoryLock(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return FileLock(Path(f"{parsed.database}.scheduler-lock"))
    return Alone()
