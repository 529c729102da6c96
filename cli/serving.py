"""``dondoc serve``'s listening sockets and its parent of uvicorn workers.

uvicorn's own supervisor (``uvicorn.run(..., workers=N)``) hands one shared
listening socket to every worker, and the first worker to wake accepts every
connection waiting: twenty keep-alive clients arriving together (browsers, a
reverse proxy, the load generator) all landed on one worker while the other
idled, so two workers served like one. On Linux each worker here listens on
its own SO_REUSEPORT socket and the kernel spreads new connections over them.

The parent binds the sockets (so a port in use is one clear sentence before
any worker starts), holds them, and gives worker i socket i for its life and
its replacement's. A worker starts listening on its socket once its app is up
(asyncio's ``create_server`` does), so no connection waits on a worker still
starting; connections queued on a dead worker's socket wait for its
replacement instead of being reset. Built on uvicorn's public ``Config`` and
``Server`` only, so no uvicorn internals are pinned.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import multiprocessing
import os
import signal
import socket
import sys
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess

from uvicorn import Config, Server
from uvicorn.config import STARTUP_FAILURE

from cli.context import CommandError
from notifiers.i18n import Words

logger = logging.getLogger("uvicorn.error")

# Linux spreads connections over a group of SO_REUSEPORT sockets; other
# systems that have the option (macOS, the BSDs) give them all to one socket,
# so there the workers share one socket as uvicorn's supervisor does.
SPREADS_CONNECTIONS = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")
_spawn = multiprocessing.get_context("spawn")


def bound_sockets(host: str, port: int, workers: int, w: Words) -> list[socket.socket]:
    """One bound socket per worker (the same one N times without SO_REUSEPORT).

    Refuses when something already answers on host:port: with SO_REUSEPORT a
    second ``dondoc serve`` would otherwise silently join the first one's
    group and take its share of the connections. The sockets are bound before
    that question (a bound socket that does not listen yet takes no
    connection), so an address that is not this machine's is refused by the
    bind, never asked over the network.
    """
    count = workers if workers > 1 and SPREADS_CONNECTIONS else 1
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sockets.append(_bind(host, port, reuse_port=count > 1))
        if _answers(host, port):
            raise OSError(errno.EADDRINUSE, os.strerror(errno.EADDRINUSE))
    except OSError as exc:
        for sock in sockets:
            sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise CommandError(w("cli.serve.port_taken", host=host, port=port)) from None
        reason = exc.strerror or str(exc)
        raise CommandError(
            w("cli.serve.cannot_listen", host=host, port=port, reason=reason)
        ) from None
    return sockets * workers if count == 1 else sockets


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _bind(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def log_listening(host: str, port: int) -> None:
    """The line uvicorn logs when it binds, kept for whoever reads the logs."""
    shown = f"[{host}]" if ":" in host else host
    logger.info("Uvicorn running on http://%s:%d (Press CTRL+C to quit)", shown, port)


def serve(config: Config, sockets: list[socket.socket]) -> None:
    """Serve until stopped: in this process for one socket, else under a parent of workers."""
    if len(sockets) == 1:
        server = Server(config)
        server.run(sockets)
        if not server.started:
            sys.exit(STARTUP_FAILURE)
    else:
        Workers(config, sockets).run()


def _worker(config: Config, sock: socket.socket) -> None:
    """One worker process: uvicorn's server on the socket the parent gave it."""
    config.configure_logging()  # a spawned process starts with no logging set up
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C reaches the whole process group
        Server(config).run([sock])


class Workers:
    """The parent: starts a worker per socket, replaces one that dies, stops all on a signal.

    SIGINT and SIGTERM stop every worker (each finishes its requests in
    flight) and then the parent; SIGHUP replaces the workers one by one, as
    uvicorn's supervisor does. A worker that fails to start (uvicorn's exit
    code 3: the app cannot load) would fail again, so the parent stops then.
    """

    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        self.config = config
        self.sockets = sockets
        self.processes: list[BaseProcess] = []
        self.signals: list[int] = []
        self.stopping = False
        self.exit_code = 0

    def run(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda sig, frame: self.signals.append(sig))
        logger.info("Started parent process [%d]", os.getpid())
        self.processes = [self._start(sock) for sock in self.sockets]
        while not self.stopping:
            wait([p.sentinel for p in self.processes], timeout=0.5)
            self._handle_signals()
            if not self.stopping:
                self._replace_dead()
        # All told at once, then waited for: they finish their requests together.
        for process in self.processes:
            self._terminate(process)
        for process in self.processes:
            process.join()
        logger.info("Stopping parent process [%d]", os.getpid())
        if self.exit_code:
            sys.exit(self.exit_code)

    def _start(self, sock: socket.socket) -> BaseProcess:
        process = _spawn.Process(target=_worker, args=(self.config, sock))
        process.start()
        return process

    def _terminate(self, process: BaseProcess) -> None:
        if process.exitcode is None and process.pid is not None:
            os.kill(process.pid, signal.SIGTERM)
            logger.info("Terminated child process [%d]", process.pid)

    def _handle_signals(self) -> None:
        while self.signals:
            sig = self.signals.pop(0)
            if sig == signal.SIGHUP:
                logger.info("Received SIGHUP, restarting processes.")
                for idx, process in enumerate(self.processes):
                    self._terminate(process)
                    process.join()
                    self.processes[idx] = self._start(self.sockets[idx])
            else:
                logger.info("Received %s, exiting.", signal.Signals(sig).name)
                self.stopping = True

    def _replace_dead(self) -> None:
        for idx, process in enumerate(self.processes):
            if process.is_alive():
                continue
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                logger.error(
                    "Child process [%s] failed to start, stopping the parent process.", process.pid
                )
                self.stopping = True
                self.exit_code = STARTUP_FAILURE
                return
            logger.info("Child process [%s] died", process.pid)
            self.processes[idx] = self._start(self.sockets[idx])
