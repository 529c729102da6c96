"""The board under load: virtual users signing in and reading and advancing, on this machine only.

    python -m bench.load postgresql+psycopg://postgres@127.0.0.1:5432/dondoc_national_10k \\
        postgresql+psycopg://postgres@127.0.0.1:5432/dondoc_national_1m --readme

For each database given (the first is the baseline, the others are compared
with it): starts ``dondoc serve --workers 2`` on it, on 127.0.0.1 and a free
port, prepares the virtual users (``bench.load_users``: fresh passwords,
their plans, tasks and advances), then runs them (``bench.load_client``):

1. **with think time** (the measured rows): every user waits 1–3 s (uniform,
   seeded) after each page before the next, as a person reads a page (real
   officials read for far longer: 20 such users ask about as much as a few
   hundred people at work); a fixed number of requests, a time limit;
2. **without think time** (for information): the same users asking as fast
   as the board answers, which measures the machine's ceiling, not what a
   person waits;
3. **each page alone**: one user asking for one page a few times in a row,
   with the board's worker processes' CPU and PostgreSQL's backends' CPU
   read from ``/proc`` before and after, per request (an advance is the
   step with the two task page reads around it).

Only addresses on this machine are ever asked: a board URL (``--board``) or
a database host outside the loopback range is refused before anything is
sent. With ``--readme`` the rows go into bench/README.md, in the section
after the national-scale table.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.load_client import PAGES, Tally, run_solo, run_users
from bench.load_report import pg_cpu, summary, tree_cpu, write_readme
from bench.load_users import prepare

DONDOC = str(Path(sys.executable).with_name("dondoc"))
USERS, WORKERS = 20, 2
START_TIMEOUT = 120.0


class Refused(Exception):
    """A target outside this machine: a load is never sent there."""


def loopback(host: str | None) -> bool:
    """Whether ``host`` is this machine: 127.0.0.0/8, ::1 or localhost (None: a local socket)."""
    if host is None or host == "":
        return True
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def refuse_outside(board: str | None, databases: list[str]) -> None:
    """Raise ``Refused`` unless the board and every database are on this machine."""
    if board is not None:
        parts = urlsplit(board)
        if parts.scheme not in ("http", "https") or not loopback(parts.hostname):
            raise Refused(f"{board}: the load generator only sends requests to 127.0.0.0/8 or ::1")
    for url in databases:
        from sqlalchemy.engine import make_url

        host = make_url(url).host
        if not loopback(host):
            raise Refused(f"{url}: the database must be on this machine (loopback), not {host}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Board:
    base: str
    pid: int | None  # the serving process (its workers are its children); None: not ours


@contextmanager
def serve(db_url: str, workers: int, log: Path) -> Iterator[Board]:
    """``dondoc serve --workers N`` on 127.0.0.1, a free port; stopped (by its id) at the end."""
    port = free_port()
    # A key of this run's own: every worker signs cookies with it, none is written to disk.
    env = {**os.environ, "DONDOC_SECRET_KEY": secrets.token_urlsafe(32)}
    command = [DONDOC, "--db", db_url, "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [*command, "--workers", str(workers)], stdout=out, stderr=subprocess.STDOUT, env=env
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(proc, base, log)
        yield Board(base, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_until_up(proc: subprocess.Popen[bytes], base: str, log: Path) -> None:
    import httpx2

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dondoc serve exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx2.get(f"{base}/signin", timeout=5).status_code == 200:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"dondoc serve did not answer within {START_TIMEOUT:.0f} s")


@dataclass
class Settings:
    users: int = USERS
    requests: int = 1200
    seconds: float = 240.0
    think: tuple[float, float] = (1.0, 3.0)
    stress_requests: int = 600
    stress_seconds: float = 90.0
    solo: int = 10
    workers: int = WORKERS
    seed: int = 17


def _phase(
    board: Board, db_url: str, coro: Any, restart: dict[str, Any] | None = None
) -> tuple[Any, dict[str, Any]]:
    """Run ``coro`` and say what it cost the server and what the machine's load was."""
    load_before = os.getloadavg()
    board_before = tree_cpu(board.pid) if board.pid else 0.0
    pg_before = pg_cpu(db_url)
    started = time.perf_counter()
    result = asyncio.run(coro)
    seconds = time.perf_counter() - started
    pg_after = pg_cpu(db_url)
    if restart:  # the CPU counted from a moment inside the run (after signing in)
        board_before, pg_before = restart["board"], restart["pg"]
    cost = {
        "seconds": seconds,
        "board_cpu": (tree_cpu(board.pid) - board_before) if board.pid else None,
        "pg_cpu": sum(v - pg_before.get(p, 0.0) for p, v in pg_after.items()) if pg_after else None,
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }
    return result, cost


def _tally_json(tally: Tally) -> dict[str, Any]:
    return {
        "pages": {
            p: {
                "seconds": tally.times.get(p, []),
                "count": tally.count(p),
                "errors": tally.errors.get(p, 0),
            }
            for p in ("sign-in", *PAGES)
        },
        "samples": tally.samples,
    }


def measure(
    db_url: str, settings: Settings, log: Path, board_url: str | None = None
) -> dict[str, Any]:
    """Every phase on one database; plain data (``bench.load_report`` turns it into rows)."""
    from sqlalchemy import func, select

    from engine import db
    from engine.models import Occurrence

    engine = db.make_engine(db_url)
    with engine.connect() as conn:
        occurrences = int(conn.scalar(select(func.count()).select_from(Occurrence)) or 0)
    engine.dispose()
    users = prepare(db_url, settings.users, settings.seed)
    out: dict[str, Any] = {
        "db": db_url.split("+", 1)[0].split(":", 1)[0],
        "database": db_url.rsplit("/", 1)[-1],
        "occurrences": occurrences,
        "users": {"coordinators": sum(u.role == "coordinator" for u in users), "all": len(users)},
        "settings": {k: v for k, v in vars(settings).items()},
        "phases": {},
    }
    with _board(db_url, settings, log, board_url) as board:
        for name, think, requests, seconds in (
            ("think", settings.think, settings.requests, settings.seconds),
            ("stress", (0.0, 0.0), settings.stress_requests, settings.stress_seconds),
        ):
            if requests <= 0:
                continue
            run = run_users(
                board.base,
                users,
                requests=requests,
                seconds=seconds,
                think=think,
                seed=settings.seed,
            )
            (tally, wall), cost = _phase(board, db_url, run)
            out["phases"][name] = {**_tally_json(tally), **cost, "wall": wall, "think": think}
        if settings.solo > 0:
            alone: dict[str, Any] = {}
            for page in PAGES:
                marks: dict[str, Any] = {}

                def mark(marks: dict[str, Any] = marks) -> None:
                    marks.update(board=tree_cpu(board.pid) if board.pid else 0.0, pg=pg_cpu(db_url))

                solo = run_solo(board.base, users[0], page, settings.solo, settings.seed, mark)
                tally, cost = _phase(board, db_url, solo, marks)
                alone[page] = {**_tally_json(tally), **cost}
            out["phases"]["solo"] = alone
    return out


@contextmanager
def _board(db_url: str, settings: Settings, log: Path, board_url: str | None) -> Iterator[Board]:
    if board_url is not None:
        yield Board(board_url.rstrip("/"), None)
        return
    with serve(db_url, settings.workers, log) as board:
        yield board


def national_databases(size: int) -> list[str]:
    """The PostgreSQL national data sets the load runs on: the 10k twin, then ``size``.

    ``DONDOC_BENCH_LOAD_DBS`` (URLs separated by commas) names others.
    """
    named = os.environ.get("DONDOC_BENCH_LOAD_DBS")
    if named:
        return [u.strip() for u in named.split(",") if u.strip()]
    from sqlalchemy.engine import make_url

    from bench.run import PG_ADMIN_URL

    tail = "1m" if size == 1_000_000 else f"{size // 1000}k"
    return [
        make_url(PG_ADMIN_URL).set(database=f"dondoc_national_{n}").render_as_string(False)
        for n in ("10k", tail)
    ]


def bench_rows(size: int, *, readme: bool) -> int:
    """``python -m bench --scale national --load``: the default settings on the national sets."""
    return main([*national_databases(size), *(["--readme"] if readme else [])])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.splitlines()[0]
    )
    parser.add_argument("databases", nargs="+", metavar="URL", help="the first is the baseline")
    s = Settings()
    parser.add_argument("--users", type=int, default=s.users)
    parser.add_argument("--requests", type=int, default=s.requests, help="with think time")
    parser.add_argument(
        "--seconds", type=float, default=s.seconds, help="time limit with think time"
    )
    parser.add_argument("--think", type=float, nargs=2, default=s.think, metavar=("LOW", "HIGH"))
    parser.add_argument("--stress-requests", type=int, default=s.stress_requests)
    parser.add_argument("--stress-seconds", type=float, default=s.stress_seconds)
    parser.add_argument(
        "--solo", type=int, default=s.solo, help="requests per page alone (0: skip)"
    )
    parser.add_argument("--workers", type=int, default=s.workers)
    parser.add_argument("--seed", type=int, default=s.seed)
    parser.add_argument(
        "--board", help="an already running board on this machine (else one is started)"
    )
    parser.add_argument("--json", type=Path, help="write the measurements here")
    parser.add_argument("--readme", action="store_true", help="write the rows into bench/README.md")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        refuse_outside(args.board, args.databases)
    except Refused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    settings = Settings(
        users=args.users,
        requests=args.requests,
        seconds=args.seconds,
        think=tuple(args.think),
        stress_requests=args.stress_requests,
        stress_seconds=args.stress_seconds,
        solo=args.solo,
        workers=args.workers,
        seed=args.seed,
    )
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"dondoc-bench-load-{os.getpid()}.log"
    results = []
    for url in args.databases:
        print(f"load on {re.sub(r'//[^@]*@', '//', url)} …", flush=True)
        results.append(measure(url, settings, log, args.board))
        print(summary(results[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if args.readme:
        write_readme(results)
        print("wrote the load section of bench/README.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
