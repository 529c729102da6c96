"""``dondoc serve --workers 2`` spreads connections over its workers (issue #17).

Real processes: a board with two workers on a free port, twenty keep-alive
connections opened together, and the kernel's own table of who holds which
connection (/proc/net/tcp, matched to each worker's /proc/<pid>/fd). With
one shared listening socket the first worker to wake took all twenty; each
worker now listens on its own SO_REUSEPORT socket.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from cli.serving import SPREADS_CONNECTIONS
from tests.web.conftest import _free_port
from web.app import DB_ENV_FOR_WORKERS, SECURE_ENV_FOR_WORKERS

DONDOC = str(Path(sys.executable).with_name("dondoc"))
ON_LINUX = pytest.mark.skipif(not SPREADS_CONNECTIONS, reason="needs Linux SO_REUSEPORT and /proc")
LISTEN, ESTABLISHED = "0A", "01"
TAKEN = (
    "Error: Port {port} on 127.0.0.1 is already in use (by another dondoc serve "
    "or another program); stop it or choose another --port.\n"
)


def _tcp_sockets(port: int) -> dict[int, str]:
    """Inode -> TCP state of every socket whose local port is ``port``."""
    found: dict[int, str] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            next(rows)
            for row in rows:
                cells = row.split()
                if int(cells[1].rsplit(":", 1)[1], 16) == port and int(cells[9]):
                    found[int(cells[9])] = cells[3]
    return found


def _socket_inodes(pid: int) -> set[int]:
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except (FileNotFoundError, ProcessLookupError):
        return set()  # the process ended
    inodes = set()
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except (FileNotFoundError, ProcessLookupError):
            # A starting worker opens and closes a file per import: one closed
            # between listdir and readlink must not hide the sockets after it.
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def _children(parent: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except (FileNotFoundError, ProcessLookupError):
                continue
            # pid (comm) state ppid ...: comm may hold spaces, so split after ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                kids.append(int(entry))
    return kids


def _spawned(pid: int) -> bool:
    """Whether ``pid`` already runs multiprocessing's spawned interpreter.

    Between fork and exec a new child still holds the parent's descriptors,
    the parent's listening sockets among them: it would look like a worker
    for a moment and then, after exec, not listen until its socket arrives.
    """
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return False


def _workers(parent: int, port: int) -> dict[int, int]:
    """The parent's spawned children listening on ``port`` -> the connections each holds."""
    sockets = _tcp_sockets(port)
    held = {}
    for pid in filter(_spawned, _children(parent)):
        states = [sockets[i] for i in _socket_inodes(pid) if i in sockets]
        if LISTEN in states:
            held[pid] = states.count(ESTABLISHED)
    return held


def _ask_on_twenty_connections(port: int) -> list[http.client.HTTPConnection]:
    """Twenty connections opened together, then a page asked on each; left open."""
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(20)]
    for conn in conns:
        conn.connect()
    for conn in conns:
        conn.request("GET", "/signin?lang=en")
        answer = conn.getresponse()
        answer.read()
        assert answer.status == 200
        assert answer.getheader("connection", "keep-alive").lower() != "close"
    return conns


def _wait_for(what: str, check: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds} s: {what}")
        time.sleep(0.1)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    found = {k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")}
    found.update({"XDG_DATA_HOME": str(tmp_path / "data"), "DONDOC_LANG": "en"})
    return found


@pytest.fixture
def board(db_url: str, env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """``dondoc serve --workers 2`` up, with both workers listening."""
    port = _free_port()
    command = [DONDOC, "--db", db_url, "serve", "--port", str(port), "--workers", "2"]
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True, env=env
    )
    try:
        _wait_for("two workers listening", lambda: len(_workers(proc.pid, port)) == 2, 60)
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)


@ON_LINUX
def test_twenty_keep_alive_connections_reach_both_workers_and_a_second_board_is_refused(
    board: tuple[subprocess.Popen[str], int], db_url: str, env: dict[str, str]
) -> None:
    proc, port = board
    conns = _ask_on_twenty_connections(port)
    held = _workers(proc.pid, port)
    assert len(held) == 2 and sum(held.values()) == 20, held
    assert all(held.values()), f"one worker holds every connection: {held}"
    for conn in conns:
        conn.close()

    # A second board on the same port would join the first one's group: refused.
    second = subprocess.run(
        [DONDOC, "--db", db_url, "serve", "--port", str(port), "--workers", "2"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert (second.returncode, second.stdout, second.stderr) == (1, "", TAKEN.format(port=port))
    assert set(_workers(proc.pid, port)) == set(held)


@ON_LINUX
def test_a_killed_worker_is_replaced_and_sigterm_stops_every_worker(
    board: tuple[subprocess.Popen[str], int],
) -> None:
    proc, port = board
    first = set(_workers(proc.pid, port))
    killed = min(first)
    os.kill(killed, signal.SIGKILL)
    _wait_for(
        "a new worker in the killed one's place",
        lambda: len(held := _workers(proc.pid, port)) == 2 and killed not in held,
    )
    (new,) = set(_workers(proc.pid, port)) - first
    conns = _ask_on_twenty_connections(port)
    held = _workers(proc.pid, port)
    assert held[new] > 0, held  # the new worker serves
    for conn in conns:
        conn.close()

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert not [pid for pid in held if Path(f"/proc/{pid}").exists()]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_port_another_program_listens_on_is_refused_in_one_sentence(
    db_url: str, workers: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # serve sets these for its workers: put back as they were after the test.
    monkeypatch.setenv(DB_ENV_FOR_WORKERS, "")
    monkeypatch.setenv(SECURE_ENV_FOR_WORKERS, "")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = CliRunner().invoke(
            cli, ["--db", db_url, "serve", "--port", str(port), "--workers", workers]
        )
    assert (result.exit_code, result.output) == (1, TAKEN.format(port=port))
