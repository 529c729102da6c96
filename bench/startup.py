"""Item 4, start-up: the CPU time of short commands against ``python -c pass`` in the same run.

Targets (issue 17): ``dondoc --help`` ≤ 80 ms of CPU, ``dondoc tasks --plan …``
and ``dondoc show REF`` ≤ 250 ms each on the Kon Tum database. CPU time
(user + system of the child, from ``getrusage``) rather than wall time: the
two cores are shared with other work, which stretches wall time far more.

The children run as an installed dondoc would: with compiled bytecode (a
private ``PYTHONPYCACHEPREFIX``, so the checkout stays clean, even when
``PYTHONDONTWRITEBYTECODE`` is set) and the message catalog's compiled cache
warm; each command runs once before it is measured. Each row names the load
average when it was measured: CPU time grows with the load too (the cores'
caches are shared), the most for the largest imports.

Floors, measured in the same run: ``python -c pass``; SQLAlchemy Core
(``import sqlalchemy``); the ORM (``import sqlalchemy.orm``); and dondoc's
schema, ``engine.models`` with its mappers configured, which is what any
command that reads the database through the engine pays before its query.

Where the CPU of ``tasks`` and ``show`` goes (``phases``): the command runs in
one child that imports, in order, SQLAlchemy Core, the ORM, dondoc's models,
configures the mappers, imports ``cli``, the rest of dondoc's modules the
command imports (found by running it once), SQLAlchemy's SQLite dialect and
the message catalog, and then runs the command; ``time.process_time()`` after
each step gives its share, and the child's CPU from ``getrusage`` less the
last mark the exit's (``cli.main`` freezes the garbage collector before it, and
so does the child). It is the same work in a fixed order; on a shared machine
its sum and the command's own CPU, measured at different moments, can differ
by a fifth, so the shares are what to read.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

from bench.run import DONDOC, Report, Row, import_profile, load_average, ms

KON_TUM_REF = "kon-tum-2013:1.3@2015"

# dondoc's own packages: what ``phases`` imports as "the command's modules".
_OWN = ("engine", "notifiers", "workflows", "tasks_catalog", "cli")

# Run as ``python -c _MODULES ARGS…``: the dondoc modules the command imported.
_MODULES = f"""
import io, sys
import cli
sys.stdout = io.StringIO()
cli.cli.main(args=sys.argv[1:], prog_name="dondoc", standalone_mode=False)
sys.stdout = sys.__stdout__
print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in {_OWN!r})))
"""

# Run as ``python -c _PHASES MODULES ARGS…``: the CPU of each step, in seconds.
_PHASES = """
import gc, io, json, sys, time
marks = [time.process_time()]
gc.set_threshold(50_000, 10, 10)  # as cli.main sets it
collecting = [0.0, 0]
def _timed(phase, info, started=[0.0]):
    if phase == "start":
        started[0] = time.process_time()
    else:
        collecting[0] += time.process_time() - started[0]
        collecting[1] += 1
gc.callbacks.append(_timed)
import sqlalchemy
marks.append(time.process_time())
import sqlalchemy.orm
marks.append(time.process_time())
import engine.models
marks.append(time.process_time())
sqlalchemy.orm.configure_mappers()
marks.append(time.process_time())
import cli
marks.append(time.process_time())
import importlib
for name in sys.argv[1].split(","):
    importlib.import_module(name)
marks.append(time.process_time())
import sqlalchemy.dialects.sqlite
marks.append(time.process_time())
from notifiers.i18n import words
words("vi")
marks.append(time.process_time())
sys.stdout = io.StringIO()
cli.cli.main(args=sys.argv[2:], prog_name="dondoc", standalone_mode=False)
sys.stdout = sys.__stdout__
marks.append(time.process_time())
print(json.dumps([[b - a for a, b in zip([0.0, *marks], marks)], collecting]))
gc.freeze()
"""

PHASES = (
    "the interpreter and site (python -c pass)",
    "SQLAlchemy Core (import sqlalchemy)",
    "the ORM (import sqlalchemy.orm)",
    "dondoc's models declared (import engine.models)",
    "their mappers configured (configure_mappers)",
    "click and the cli package (what --help imports)",
    "the rest of dondoc's modules the command imports",
    "SQLAlchemy's SQLite dialect",
    "the message catalog read (compiled, cached)",
    "the command: open, schema check, queries, output",
    "the exit (the interpreter's teardown)",
)


def phases(args: list[str], runs: int, env: dict[str, str]) -> tuple[list[float], list[float]]:
    """Median CPU seconds of each of ``PHASES`` for ``dondoc ARGS`` (see the module's doc),
    and the median seconds and number of the garbage collections spread over them."""
    import json

    found = subprocess.run(
        [sys.executable, "-c", _MODULES, *args], check=True, capture_output=True, env=env, text=True
    )
    modules = found.stdout.strip().splitlines()[-1]
    cmd = [sys.executable, "-c", _PHASES, modules, *args]
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    samples, collections = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(cmd, check=True, capture_output=True, env=env, text=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        steps, collected = json.loads(out.stdout.strip().splitlines()[-1])
        samples.append([*steps, cpu - sum(steps)])
        collections.append(collected)
    median = [statistics.median(column) for column in zip(*samples, strict=True)]
    return median, [statistics.median(column) for column in zip(*collections, strict=True)]


def _env(tmp: Path) -> dict[str, str]:
    """Set for this bench process too, so the import profiles see the same bytecode."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    os.environ["DONDOC_LANG"] = "vi"
    return dict(os.environ)


def _cpu(cmd: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Median wall and median CPU (user + system) seconds of ``cmd``, after one warm-up run."""
    import time

    subprocess.run(cmd, check=True, capture_output=True, env=env)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def startup_rows(report: Report, tmp: Path, runs: int) -> None:
    env = _env(tmp)
    url = f"sqlite:///{tmp / 'kontum.sqlite3'}"
    subprocess.run([DONDOC, "--db", url, "init"], check=True, capture_output=True, env=env)
    subprocess.run(
        [DONDOC, "--db", url, "catalog", "load", "kon-tum-2013"],
        check=True,
        capture_output=True,
        env=env,
    )
    base, base_cpu = _cpu([sys.executable, "-c", "pass"], runs, env)
    baseline = f"{ms(base)} (CPU {ms(base_cpu)}; python -c pass, load {load_average()})"
    commands = [
        ("-", "dondoc --help", [DONDOC, "--help"], 0.080),
        (
            "sqlite",
            "dondoc tasks --plan kon-tum-2013",
            [DONDOC, "--db", url, "tasks", "--plan", "kon-tum-2013", "--as-of", "2015-03-16"],
            0.250,
        ),
        ("sqlite", f"dondoc show {KON_TUM_REF}", [DONDOC, "--db", url, "show", KON_TUM_REF], 0.250),
    ]
    floors = [
        ("SQLAlchemy Core: python -c 'import sqlalchemy'", "import sqlalchemy"),
        # The ORM imports asyncio, ssl and importlib.metadata itself.
        ("the ORM: python -c 'import sqlalchemy.orm'", "import sqlalchemy.orm"),
        (
            "dondoc's schema: engine.models imported, mappers configured",
            "import engine.models, sqlalchemy.orm; sqlalchemy.orm.configure_mappers()",
        ),
    ]
    for label, code in floors:
        wall, cpu = _cpu([sys.executable, "-c", code], runs, env)
        report.add(
            Row(
                "4 start-up",
                "-",
                f"floor, {label} (median of {runs}; load {load_average()})",
                f"{ms(wall)} (CPU {ms(cpu)})",
                baseline=baseline,
                ratio=f"+{ms(cpu - base_cpu)} CPU",
            )
        )
    for db, label, cmd, target in commands:
        wall, cpu = _cpu(cmd, runs, env)
        report.add(
            Row(
                "4 start-up",
                db,
                f"{label} (median of {runs}; load {load_average()})",
                f"{ms(wall)} (CPU {ms(cpu)})",
                baseline=baseline,
                ratio=f"+{ms(cpu - base_cpu)} CPU",
                target=f"≤ {ms(target)} CPU",
                verdict="met" if cpu <= target else f"missed by {ms(cpu - target)}",
            )
        )
        report.imports[label] = import_profile(cmd)
        if db != "-":
            _phase_rows(report, label, cmd[1:], runs, env, cpu)


def _phase_rows(
    report: Report, label: str, args: list[str], runs: int, env: dict[str, str], cpu: float
) -> None:
    shares, (collecting, count) = phases(args, runs, env)
    total = sum(shares)
    for name, share in zip(PHASES, shares, strict=True):
        report.add(
            Row(
                "4 start-up",
                "sqlite",
                f"  of which: {name}",
                f"CPU {ms(share)}",
                ratio=f"{share / total:.0%}",
            )
        )
    report.add(
        Row(
            "4 start-up",
            "sqlite",
            f"  sum of the steps above ({label} in one child, median of {runs} each; "
            f"load {load_average()})",
            f"CPU {ms(total)}",
            baseline=f"the command alone: CPU {ms(cpu)}",
        )
    )
    report.add(
        Row(
            "4 start-up",
            "sqlite",
            f"  spread over the steps: garbage collection ({count:.0f} collections)",
            f"CPU {ms(collecting)}",
            ratio=f"{collecting / total:.0%}",
        )
    )
