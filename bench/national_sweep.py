"""Issue 17, item 4: the sweep at national scale, on SQLite and PostgreSQL, against a baseline.

``python -m bench --scale national --only sweep [--baseline REV] [--sweep-url URL ...]``

On the sweep's own data set (``bench/data.py``, ``--size`` occurrences,
1% of them newly overdue: 10,000 at 1M) it measures, in fresh child
processes, the first sweep over those 10,000 (median of three in one
process; the first of the three pays the imports and the calendar's first
year), and the steady hourly rerun that finds every level already recorded
(1,000 and 10,000 escalated). ``--baseline REV`` measures the same cases
with the code of that git revision in the same run (``git archive`` into a
temporary folder, the children's ``PYTHONPATH``), so the before/after
figures share the machine's load. A case meets its target when both the
measuring process's own CPU (``time.process_time``) and the wall time are
within it: on PostgreSQL only the wall time holds the server's work, and on
shared cores wall time moves with other work too, so measure on a quiet
machine.

The data set is generated for each database unless ``--sweep-url`` names
one already built by ``bench.data.generate_sweep_set`` with ``--size``
(every sweep is rolled back, so a data set serves any number of runs).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

from bench.run import (
    ROOT,
    Report,
    Row,
    analyze,
    child_at,
    load_average,
    ms,
    pg_db,
    pg_reachable,
    render_table,
    sqlite_db,
)

START = "<!-- national-sweep:start -->"
END = "<!-- national-sweep:end -->"
FIRST_TARGET_S = 2.0
STEADY_TARGET_S = 0.050
MEMORY_TARGET_MIB = 200


def checkout(rev: str, into: Path) -> Path:
    """The tree of ``rev`` (its Python packages), extracted under ``into``."""
    out = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev],
        capture_output=True,
        check=True,
    )
    target = into / f"baseline-{rev.replace('/', '_')}"
    with tarfile.open(fileobj=BytesIO(out.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target


@contextlib.contextmanager
def _data(label: str, size: int, tmp: Path, urls: dict[str, str]) -> Iterator[str]:
    if label in urls:
        yield urls[label]
        return
    from bench import data
    from engine import db

    maker = (lambda name: sqlite_db(tmp, name)) if label == "sqlite" else pg_db
    with maker(f"nsweep{size}") as url:
        engine = db.make_engine(url)
        t0 = time.perf_counter()
        data.generate_sweep_set(engine, size)
        engine.dispose()
        analyze(url)
        print(f"[{label}] generated {size:,} in {time.perf_counter() - t0:.0f} s", flush=True)
        yield url


def _cases(root: Path, url: str, size: int) -> dict[str, dict[str, Any]]:
    from bench import data

    overdue = max(size // 100, 1000)
    first = data.as_of_for(size, overdue).isoformat()
    small = data.as_of_for(size, min(size // 100, 1000)).isoformat()
    run = {"url": url, "memory": False}
    return {
        "first": child_at(root, "sweep", which="real", as_of=first, repeats=3, **run),
        "steady_small": child_at(root, "sweep", which="rerun", as_of=small, repeats=5, **run),
        "steady_big": child_at(root, "sweep", which="rerun", as_of=first, repeats=3, **run),
    }


def _cpu(r: dict[str, Any]) -> str:
    return f"CPU {ms(r['cpu'])} (wall {ms(r['median'])})"


def _first_cpu(r: dict[str, Any]) -> str:
    cold = r["cpu_times"][0] if r.get("cpu_times") else None
    return _cpu(r) + (f"; cold first run CPU {ms(cold)}" if cold is not None else "")


def bench_national_sweep(
    report: Report, tmp: Path, size: int, baseline: str | None, urls: dict[str, str]
) -> None:
    """Rows for the first sweep and the steady rerun on both databases (item 4 of issue 17)."""
    base_root = checkout(baseline, tmp) if baseline else None
    labels = ["sqlite", "postgresql"]
    problem = pg_reachable() if "postgresql" not in urls else None
    if problem:
        report.notes.append(f"PostgreSQL unreachable: {problem}")
        labels.remove("postgresql")
    overdue = max(size // 100, 1000)
    for label in labels:
        with _data(label, size, tmp, urls) as url:
            now = _cases(ROOT, url, size)
            before = _cases(base_root, url, size) if base_root else None
        for key, case, target, limit in (
            (
                "first",
                f"first sweep, {overdue:,} newly overdue",
                "≤ 2 s CPU and wall, < 200 MB",
                None,
            ),
            (
                "steady_small",
                f"steady hourly rerun, {min(size // 100, 1000):,} already escalated",
                "≤ 50 ms CPU and wall",
                STEADY_TARGET_S,
            ),
            (
                "steady_big",
                f"steady hourly rerun, {overdue:,} already escalated",
                "≤ 50 ms CPU and wall",
                STEADY_TARGET_S,
            ),
        ):
            r = now[key]
            rss = r["maxrss_kib"] / 1024
            row = Row(
                "4 sweep",
                label,
                f"{case}, {size:,} occurrences",
                _first_cpu(r) if key == "first" else _cpu(r),
                f"peak RSS {rss:.0f} MiB",
                target=target,
            )
            if r["found"] < (overdue if key == "first" else 0):
                report.notes.append(f"{label} {key}: recorded {r['found']}, expected {overdue}")
            if before is not None:
                b = before[key]
                row.baseline = f"{baseline}: {_cpu(b)}, peak RSS {b['maxrss_kib'] / 1024:.0f} MiB"
                row.ratio = (
                    f"{b['cpu'] / r['cpu']:.1f}× less CPU, {b['median'] / r['median']:.1f}× less wall"
                    if r["cpu"] and r["median"]
                    else ""
                )
            if limit is None:
                time_verdict = _time_verdict(r, FIRST_TARGET_S)
                memory_verdict = "met" if rss < MEMORY_TARGET_MIB else "missed"
                row.verdict = f"time {time_verdict}; memory {memory_verdict}"
            else:
                row.verdict = _time_verdict(r, limit)
            report.add(row)


def _time_verdict(r: dict[str, Any], limit: float) -> str:
    """Met when the sweep's own CPU and its wall time are both within ``limit``: on
    PostgreSQL the wall time holds the server's work too (on the same two cores)."""
    cpu, wall = r["cpu"] / limit, r["median"] / limit
    if cpu <= 1 and wall <= 1:
        return "met"
    if cpu <= 1:
        return f"missed in wall time ({wall:.2f}×; CPU met)"
    return f"missed ({cpu:.2f}× CPU, {wall:.2f}× wall)"


def write_section(rows: list[Row], header: list[str]) -> None:
    """Replace (or add, after the national section) this item's table in bench/README.md."""
    path = ROOT / "bench" / "README.md"
    text = path.read_text(encoding="utf-8")
    section = "\n".join(
        [
            START,
            "### National scale, item 4: the sweep "
            "(`python -m bench --scale national --only sweep`)",
            "",
            *header,
            "",
            render_table(rows),
            END,
        ]
    )
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + section + rest.split(END, 1)[1]
    else:
        marker = "<!-- national-scale:end -->"
        text = text.replace(marker, marker + "\n\n" + section, 1)
    path.write_text(text, encoding="utf-8")


def run(
    args: argparse.Namespace, started: dt.datetime, start_load: str, t0: float, report: Report
) -> int:
    """Item 4 of issue 17 alone (bench/national_sweep.py): both databases, optional baseline."""
    urls = {("sqlite" if u.startswith("sqlite") else "postgresql"): u for u in args.sweep_url}
    with tempfile.TemporaryDirectory(prefix="dondoc-bench-") as tmpdir:
        bench_national_sweep(report, Path(tmpdir), args.size, args.baseline, urls)
    seconds = time.perf_counter() - t0
    print(render_table(report.rows))
    for note in report.notes:
        print("note:", note)
    if not args.no_readme:
        header = [
            f"Run: {started:%Y-%m-%d %H:%M} UTC, took {seconds / 60:.1f} min; load average "
            f"at start {start_load}, at the end {load_average()}. A case meets its target "
            "when both the measuring process's CPU time and the wall time do: on "
            "PostgreSQL the wall time holds the server's own work, on the same two cores "
            "(CPU alone says what the sweep's Python costs when other work shares them).",
            "Each cell runs in its own child process; first sweeps are the median of three "
            "in one process, reruns the median of five (1,000) or three (10,000), all "
            "rolled back; peak RSS is the child's.",
            *[f"Note: {n}" for n in report.notes],
        ]
        write_section(report.rows, header)
        print("wrote the national sweep section of bench/README.md")
    return 0
