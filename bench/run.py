"""Run every benchmark against its baseline, print the table, write ``bench/README.md``.

    python -m bench            # full run, about 10 minutes on 2 cores
    python -m bench --quick    # small sizes, under a minute: a smoke check

Each measurement runs in its own child process (``bench.worker``) so that its
peak memory is its own; data is generated once per size into a temporary
directory (SQLite) or a temporary database (PostgreSQL) that is dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # ``python bench/run.py`` as well as ``python -m bench``
    sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get(
    "DONDOC_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
VENV_BIN = Path(sys.executable).parent
DONDOC = str(VENV_BIN / "dondoc")


@dataclass
class Row:
    item: str
    db: str
    case: str
    value: str
    memory: str = ""
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    imports: dict[str, list[str]] = field(default_factory=dict)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(
            " | ".join(
                x
                for x in (
                    row.item,
                    row.db,
                    row.case,
                    row.value,
                    row.memory,
                    row.baseline,
                    row.ratio,
                    row.verdict,
                )
                if x
            ),
            flush=True,
        )


def child(case: str, **kwargs: Any) -> dict[str, Any]:
    return child_at(ROOT, case, **kwargs)


def child_at(root: Path, case: str, **kwargs: Any) -> dict[str, Any]:
    """``bench.worker CASE`` with the code under ``root`` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-m", "bench.worker", case, json.dumps(kwargs)],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench.worker {case} at {root} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def wall_cpu(result: dict[str, Any]) -> str:
    return f"{ms(result['median'])} (CPU {ms(result['cpu'])})"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def mib(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:.1f} MiB"


# ------------------------------------------------------------------ databases


@contextmanager
def sqlite_db(tmp: Path, name: str) -> Iterator[str]:
    from engine import db

    path = tmp / f"{name}.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    engine.dispose()
    yield f"sqlite:///{path}"


@contextmanager
def pg_db(name: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from engine import db

    dbname = f"dondoc_bench_{name}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{dbname}"'))
    url = make_url(PG_ADMIN_URL).set(database=dbname).render_as_string(hide_password=False)
    try:
        engine = db.make_engine(url)
        db.migrate(engine)
        engine.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
        admin.dispose()


def pg_reachable() -> str | None:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return str(exc).splitlines()[0]


def analyze(url: str) -> None:
    """Fresh statistics, as a deployed database would have after autovacuum/ANALYZE."""
    from sqlalchemy import text

    from engine import db

    engine = db.make_engine(url)
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    engine.dispose()


# ------------------------------------------------------------------ 1. sweep


def _proposal_row(
    report: Report,
    label: str,
    url: str,
    as_of: str,
    repeats: int,
    n: int,
    constant: int,
    times: dict[Any, float],
) -> None:
    """The sweep with bench/proposals.py patched in, while the engine still lacks those fixes."""
    from bench.proposals import applicable

    if not applicable():
        return  # the fixes are shipped now; nothing to patch in
    from bench.proposals import add_state_index
    from engine import db

    engine = db.make_engine(url)
    add_state_index(engine)
    engine.dispose()
    fixed = child(
        "sweep",
        url=url,
        which="real",
        as_of=as_of,
        repeats=repeats,
        memory=False,
        proposal=True,
    )
    times[("fixed", n)] = fixed["median"]
    report.add(
        Row(
            "1 sweep",
            label,
            f"  with the proposed fixes (bench/proposals.py), {n:,} rows, {constant:,} overdue",
            wall_cpu(fixed),
            ratio=f"{times[(n, constant)] / fixed['median']:.1f}× faster than shipped",
        )
    )


def bench_sweep(
    report: Report,
    label: str,
    make_db: Any,
    sizes: list[int],
    naive_sizes: dict[int, int],
    repeats: int,
    constant: int = 1000,
) -> None:
    from bench import cases, data
    from engine import db

    kind = cases.sweep_kind()
    which = "real" if kind.startswith("engine.") else "query"
    times: dict[tuple[int, int], float] = {}
    for n in sizes:
        with make_db(f"sweep{n}") as url:
            engine = db.make_engine(url)
            t0 = time.perf_counter()
            data.generate_sweep_set(engine, n)
            engine.dispose()
            analyze(url)
            print(
                f"[{label}] generated {n:,} occurrences in {time.perf_counter() - t0:.1f} s",
                flush=True,
            )
            one_pct = n // 100
            for overdue in sorted({one_pct, constant}):
                as_of = data.as_of_for(n, overdue).isoformat()
                # A first sweep over more than a thousand overdue rows takes tens of
                # seconds (see NOTES.md): one timed run, and its process's RSS for memory.
                heavy = which == "real" and overdue > 1000
                timing = child(
                    "sweep",
                    url=url,
                    which=which,
                    as_of=as_of,
                    repeats=1 if heavy else repeats,
                    memory=False,
                )
                memory = (
                    timing
                    if heavy
                    else child("sweep", url=url, which=which, as_of=as_of, repeats=1, memory=True)
                )
                if timing["found"] < overdue:
                    report.notes.append(
                        f"{label} {n:,} rows: the sweep recorded {timing['found']} "
                        f"escalations for {overdue} overdue occurrences"
                    )
                times[(n, overdue)] = timing["median"]
                base_row = Row(
                    "1 sweep",
                    label,
                    f"{kind}, {n:,} rows, {overdue:,} overdue",
                    wall_cpu(timing),
                    (f"{mib(memory['peak_bytes'])} traced, " if not heavy else "median of 1; ")
                    + f"+{memory['maxrss_growth_kib'] / 1024:.0f} MiB RSS",
                )
                if overdue == one_pct and n in naive_sizes:
                    naive = child(
                        "sweep",
                        url=url,
                        which="naive",
                        as_of=as_of,
                        repeats=naive_sizes[n],
                        memory=False,
                    )
                    assert naive["found"] == overdue, naive
                    base_row.baseline = (
                        f"{wall_cpu(naive)} (naive ORM + Machine per row, "
                        f"median of {naive_sizes[n]}, "
                        f"{naive['maxrss_kib'] / 1024:.0f} MiB RSS)"
                    )
                    ratio = naive["median"] / timing["median"]
                    base_row.ratio = f"{ratio:,.0f}× faster"
                    if n == 100_000:
                        base_row.target = "≥ 50× at 100k"
                        base_row.verdict = "met" if ratio >= 50 else f"missed ({ratio:.0f}×)"
                if n == 1_000_000 and overdue == one_pct:
                    base_row.target = "< 2 s, < 200 MB"
                    rss = memory["maxrss_kib"] / 1024
                    t = timing["median"]
                    base_row.verdict = (
                        f"time {'met' if t < 2 else f'missed ({t / 2:.0f}× over)'}; memory "
                        f"{'met' if rss < 200 else 'missed'} (process peak RSS {rss:.0f} MiB)"
                    )
                report.add(base_row)
                if which != "query":
                    q = child(
                        "sweep", url=url, which="query", as_of=as_of, repeats=repeats, memory=False
                    )
                    report.add(
                        Row(
                            "1 sweep",
                            label,
                            f"its indexed overdue query alone, {n:,} rows, {overdue:,} overdue",
                            wall_cpu(q),
                        )
                    )
            if which == "real":
                as_of = data.as_of_for(n, constant).isoformat()
                rerun = child(
                    "sweep", url=url, which="rerun", as_of=as_of, repeats=repeats, memory=False
                )
                times[("rerun", n)] = rerun["median"]
                report.add(
                    Row(
                        "1 sweep",
                        label,
                        f"  steady state: rerun finding nothing new, {n:,} rows, "
                        f"{constant:,} overdue already escalated",
                        wall_cpu(rerun),
                    )
                )
                _proposal_row(report, label, url, as_of, repeats, n, constant, times)
    small, large = min(sizes), max(sizes)
    if (small, constant) in times and (large, constant) in times and small != large:
        growth = times[(large, constant)] / times[(small, constant)]
        report.add(
            Row(
                "1 sweep",
                label,
                f"growth {small:,} → {large:,} rows, {constant:,} overdue, first sweep",
                f"{growth:.2f}×",
                baseline=ms(times[(small, constant)]),
                ratio=f"{ms(times[(large, constant)])} at {large:,}",
                target="≤ 3× (1M vs 10k)",
                verdict=("met" if growth <= 3 else f"missed ({growth:.1f}×)")
                if large == 1_000_000
                else f"(target is for 1M; largest here {large:,})",
            )
        )
        for key, what in (("rerun", "steady-state rerun"), ("fixed", "with proposed fixes")):
            if (key, small) in times and (key, large) in times:
                g = times[(key, large)] / times[(key, small)]
                report.add(
                    Row(
                        "1 sweep",
                        label,
                        f"growth {small:,} → {large:,} rows, {what}",
                        f"{g:.2f}×",
                        baseline=ms(times[(key, small)]),
                        ratio=f"{ms(times[(key, large)])} at {large:,}",
                        target="≤ 3×",
                        verdict="met" if g <= 3 else f"missed ({g:.1f}×)",
                    )
                )


# ------------------------------------------------------------------ 2. advances


def bench_advances(
    report: Report, label: str, make_db: Any, n_each: int, n_batch: int, repeats: int
) -> None:
    from bench import data
    from engine import db

    plan = [("each", n_each), ("batch", n_batch), ("many", n_batch)]
    cases = {
        "each": "advance(), one transaction each",
        "batch": "advance(), one transaction",
        "many": "advance_many(), one transaction",
    }
    total = sum((n + 1) * 2 * repeats for _, n in plan) + 10
    with make_db("advance") as url:
        engine = db.make_engine(url)
        data.generate_advance_set(engine, total)
        engine.dispose()
        analyze(url)
        next_id = 1
        for mode, n in plan:
            real, floor = [], []
            for _ in range(repeats):
                real.append(child("advance", url=url, mode=mode, first_id=next_id, n=n))
                next_id += n + 1
                # advance_many is measured against the same batch floor as a loop of advance().
                floor_mode = "each" if mode == "each" else "batch"
                floor.append(child("floor", url=url, mode=floor_mode, first_id=next_id, n=n))
                next_id += n + 1
            r = statistics.median(x["per_second"] for x in real)
            f = statistics.median(x["per_second"] for x in floor)
            rc = statistics.median(x["cpu_per_second"] for x in real)
            fc = statistics.median(x["cpu_per_second"] for x in floor)
            row = Row(
                "2 advances",
                label,
                f"{cases[mode]}, {n:,} starts",
                f"{r:,.0f} /s (CPU-bound {rc:,.0f} /s)",
                baseline=f"{f:,.0f} /s (CPU-bound {fc:,.0f} /s; Core insert + version update)",
                ratio=f"{f / r:.1f}× slower than floor",
            )
            if mode != "each":
                row.target = "within 3× of floor"
                row.verdict = "met" if f / r <= 3 else f"missed ({f / r:.1f}×)"
            report.add(row)


# ------------------------------------------------------------------ 3. digest


def bench_digest(report: Report, tmp: Path, quick: bool) -> None:
    from bench import data
    from engine import db

    provinces = 3 if quick else 63
    with sqlite_db(tmp, "digest") as url:
        engine = db.make_engine(url)
        info = data.generate_digest_set(engine, provinces=provinces)
        engine.dispose()
        analyze(url)
        each = child("digest", url=url, as_of="2019-03-18", mode="each")
        result = child("digest", url=url, as_of="2019-03-18", mode="book")
    what = (
        f"{info['plans']} plans + {info['agencies']} agencies, {info['occurrences']:,} occurrences"
    )
    if "missing" in result:
        report.add(
            Row(
                "3 digest",
                "sqlite",
                what,
                "not measurable",
                target="< 5 s",
                verdict=result["missing"],
            )
        )
        return
    report.add(
        Row(
            "3 digest",
            "sqlite",
            f"{what}: {each['digests']} digests, one digest_data() each",
            f"{ms(each['seconds'])} (CPU {ms(each['cpu'])})",
            f"+{each['maxrss_growth_kib'] / 1024:.0f} MiB RSS",
        )
    )
    report.add(
        Row(
            "3 digest",
            "sqlite",
            f"{what}: {result['digests']} digests rendered from one DigestBook",
            f"{ms(result['seconds'])} (CPU {ms(result['cpu'])})",
            f"+{result['maxrss_growth_kib'] / 1024:.0f} MiB RSS",
            baseline=f"{ms(each['seconds'])} (one digest_data() each)",
            ratio=f"{each['seconds'] / result['seconds']:.1f}× faster",
            target="< 5 s" + ("" if not quick else " (63 provinces)"),
            verdict=("met" if result["seconds"] < 5 else "missed")
            if not quick
            else "(quick run: 3 provinces)",
        )
    )


# ------------------------------------------------------------------ 4. start-up


def _timed(cmd: list[str], runs: int) -> float:
    return _timed_cpu(cmd, runs)[0]


def _timed_cpu(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of the child process."""
    import resource

    times, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times), statistics.median(cpus)


def import_profile(cmd: list[str], top: int = 10) -> list[str]:
    """The heaviest imports by cumulative time (``python -X importtime``), outermost first."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", *cmd], capture_output=True, text=True, check=True
    )
    entries = []
    for line in out.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if m:
            entries.append((int(m[2]), len(m[3]) // 2, m[4]))
    entries.sort(reverse=True)
    return [f"{cum / 1000:7.1f} ms  {'  ' * depth}{name}" for cum, depth, name in entries[:top]]


def bench_startup(report: Report, tmp: Path, runs: int) -> None:
    """Item 4: ``--help``, ``tasks`` and ``show`` CPU against ``python -c pass`` (bench.startup)."""
    from bench.startup import startup_rows

    startup_rows(report, tmp, runs)


# ------------------------------------------------------------------ README


def load_average() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def machine_facts() -> list[str]:
    def sh(*cmd: str) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "?"

    lscpu = sh("lscpu")
    model = next(
        (ln.split(":", 1)[1].strip() for ln in lscpu.splitlines() if ln.startswith("Model name")),
        "?",
    )
    import sqlite3

    import sqlalchemy

    mem = "?"
    try:
        with open("/proc/meminfo") as fh:
            kib = int(fh.readline().split()[1])
        mem = f"{kib / 2**20:.0f} GiB"
    except OSError:
        pass
    pg = "?"
    try:
        from sqlalchemy import create_engine, text

        eng = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with eng.connect() as conn:
            pg = str(conn.execute(text("show server_version")).scalar())
        eng.dispose()
    except Exception:  # noqa: BLE001
        pg = "unreachable"
    return [
        f"- load average when the run ended (1/5/15 min): {load_average()}; other "
        "sessions' test suites may share the two cores during a run, see the notes",
        f"- CPU: {model}, `nproc` = {sh('nproc')}; memory {mem}",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}, "
        f"SQLite {sqlite3.sqlite_version}, PostgreSQL {pg} (local, 127.0.0.1)",
    ]


def render_table(rows: list[Row]) -> str:
    head = ["item", "db", "case", "dondoc", "memory", "baseline", "ratio", "target", "verdict"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r.item, r.db, r.case, r.value, r.memory, r.baseline, r.ratio, r.target, r.verdict]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


# Where the rows are read: the notes are kept by hand and change between runs (each
# round of work adds its measurements), so they are linked rather than copied: a
# copy went stale until the next full run and contradicted the national sections.
ANALYSIS = """## What the rows say

What each row measures, what changed in each round of work (before and after,
measured in the same run), and every target still missed with its measured
profile and what would close it: [`NOTES.md`](NOTES.md), kept by hand beside
this generated page.
"""


def write_readme(report: Report, command: str, started: dt.datetime, seconds: float) -> None:
    parts = [
        "# dondoc benchmarks",
        "",
        "Generated by `bench/run.py`; do not edit by hand (the analysis lives in "
        "`bench/NOTES.md`).",
        "",
        f"Command: `{command}`  ",
        f"Run: {started:%Y-%m-%d %H:%M} UTC, took {seconds / 60:.1f} min",
        "",
        "## Machine",
        *machine_facts(),
        "",
        "## Latest table",
        "",
        "Times are medians of several runs in one child process per measurement; "
        "memory is the Python-allocation peak traced with tracemalloc in a fresh process "
        "and the growth of that process's peak RSS during the measured call.",
        "",
        render_table(report.rows),
        "",
    ]
    if report.notes:
        parts += ["Run notes:", "", *[f"- {n}" for n in report.notes], ""]
    if report.imports:
        parts += ["## Heaviest imports (`python -X importtime`, cumulative)", ""]
        for cmd, lines in report.imports.items():
            parts += [f"`{cmd}`:", "", "```", *lines, "```", ""]
    parts += [ANALYSIS]
    Path(__file__).with_name("README.md").write_text("\n".join(parts), encoding="utf-8")


# ------------------------------------------------------------------ main


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    parser.add_argument(
        "--only",
        action="append",
        choices=["sweep", "advances", "digest", "startup", "postgres"],
        help="run only these items (repeatable)",
    )
    parser.add_argument("--no-readme", action="store_true", help="print only")
    parser.add_argument(
        "--scale",
        choices=["national"],
        help="the national data set's rows (bench/scale.py) instead of the full run",
    )
    parser.add_argument("--size", type=int, default=1_000_000, help="with --scale: occurrences")
    parser.add_argument(
        "--db",
        action="append",
        choices=["sqlite", "postgresql"],
        help="with --scale: only these databases (repeatable; default both)",
    )
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="with --scale national --only sweep: also measure the sweep at this git revision",
    )
    parser.add_argument(
        "--sweep-url",
        action="append",
        default=[],
        metavar="URL",
        help="with --scale national --only sweep: a data set of bench.data.generate_sweep_set "
        "with --size occurrences to use instead of generating one (one per database)",
    )
    parser.add_argument(
        "--load",
        action="store_true",
        help="with --scale: also the board under load on PostgreSQL (bench/load.py)",
    )
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="with --scale: only the board under load, the rest of the section left as it is",
    )
    parser.add_argument(
        "--legacy-at-size",
        action="store_true",
        help="with --scale: also time the old plans listing at --size (minutes, GBs)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return national(args) if args.scale else full_run(args)


def full_run(args: argparse.Namespace) -> int:
    only = set(args.only or ["sweep", "advances", "digest", "startup", "postgres"])
    started = dt.datetime.now(dt.UTC)
    print(f"load average at start: {load_average()}", flush=True)
    t0 = time.perf_counter()
    report = Report()
    from bench import cases

    if cases.sweep_kind() != "engine.escalation.sweep":
        report.notes.append(
            "engine/escalation.py has no sweep() yet: item 1 measures the indexed "
            "query the sweep must run (open phases, due < as_of), not the sweep."
        )
    if args.quick:
        sizes, naive, reps, constant = [10_000], {10_000: 1}, 1, 100
        adv = (50, 100, 1)
        pg_sizes, pg_naive = [10_000], {}
        runs = 3
    else:
        sizes, naive, reps, constant = (
            [10_000, 100_000, 1_000_000],
            {10_000: 3, 100_000: 1},
            3,
            1000,
        )
        adv = (500, 2000, 3)
        pg_sizes, pg_naive = [10_000, 100_000], {10_000: 3}
        runs = 10
    with tempfile.TemporaryDirectory(prefix="dondoc-bench-") as tmpdir:
        tmp = Path(tmpdir)

        def sqlite_maker(name: str) -> Any:
            return sqlite_db(tmp, name)

        if "sweep" in only:
            bench_sweep(report, "sqlite", sqlite_maker, sizes, naive, reps, constant)
        if "advances" in only:
            bench_advances(report, "sqlite", sqlite_maker, *adv)
        if "digest" in only:
            bench_digest(report, tmp, args.quick)
        if "startup" in only:
            bench_startup(report, tmp, runs)
        if "postgres" in only:
            problem = pg_reachable()
            if problem:
                report.notes.append(f"PostgreSQL unreachable at {PG_ADMIN_URL}: {problem}")
            else:
                bench_sweep(report, "postgresql", pg_db, pg_sizes, pg_naive, reps, constant)
                bench_advances(report, "postgresql", pg_db, *adv)
    seconds = time.perf_counter() - t0
    print()
    print(render_table(report.rows))
    for note in report.notes:
        print("note:", note)
    print(f"\n{seconds:.0f} s in total")
    if not args.no_readme:
        command = "python -m bench" + (" --quick" if args.quick else "")
        write_readme(report, command, started, seconds)
        print("wrote bench/README.md")
    return 0


def national(args: argparse.Namespace) -> int:
    from bench.scale import run_national, write_section

    if args.load_only:
        from bench.load import bench_rows

        return bench_rows(args.size, readme=not args.no_readme)
    started = dt.datetime.now(dt.UTC)
    start_load = load_average()
    t0 = time.perf_counter()
    report = Report()
    if args.only == ["sweep"]:
        from bench.national_sweep import run

        return run(args, started, start_load, t0, report)
    with tempfile.TemporaryDirectory(prefix="dondoc-bench-") as tmpdir:
        tmp = Path(tmpdir)
        problem = pg_reachable()
        if problem:
            report.notes.append(f"PostgreSQL unreachable at {PG_ADMIN_URL}: {problem}")
        databases = [
            d for d in (args.db or ["sqlite", "postgresql"]) if not (problem and d != "sqlite")
        ]
        run_national(report, tmp, args.size, args.legacy_at_size, databases)
        if "sweep" in (args.only or ["sweep"]):
            # Item 4 on the sweep's own data (bench/data.py): 1,000 and 10,000 newly overdue.
            bench_sweep(
                report, "sqlite", lambda name: sqlite_db(tmp, name), [10_000, args.size], {}, 3
            )
    seconds = time.perf_counter() - t0
    print(render_table(report.rows))
    if not args.no_readme:
        header = [
            f"Run: {started:%Y-%m-%d %H:%M} UTC, took {seconds / 60:.1f} min; load average "
            f"at start {start_load}, at the end {load_average()} (2 cores shared).",
            "Each row runs in its own child process; times are medians, CPU is the "
            "measuring process's own; peak RSS is the child's.",
        ]
        write_section(report.rows, header)
        print("wrote the national-scale section of bench/README.md")
    if args.load:
        from bench.load import bench_rows

        return bench_rows(args.size, readme=not args.no_readme)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
