"""What a load run cost the server, and its rows in bench/README.md.

CPU is read from ``/proc``: the serving process and its worker processes
(``dondoc serve --workers N`` forks them), and the PostgreSQL backends
connected to the measured database (the board's pooled connections). Times
are what the virtual users waited, request sent to answer read, on the same
machine: no network in between.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

START = "<!-- national-load:start -->"
END = "<!-- national-load:end -->"
AFTER = "<!-- national-scale:end -->"
README = Path(__file__).with_name("README.md")
P95_MS, P99_MS, GROWTH = 150.0, 400.0, 2.0
TARGET = "p95 ≤ 150 ms, p99 ≤ 400 ms, growth ≤ 2×, 0 errors"
TICK = os.sysconf("SC_CLK_TCK")
HEAD = ["page", "db", "occurrences", "requests", "errors", "p50", "p95", "p99"]
HEAD.append("CPU per request, page alone (board + PostgreSQL)")


def _stat(pid: str) -> tuple[int, float] | None:
    """(parent pid, CPU seconds of user and system time) of a process, None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw.rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by ``root`` and every process below it (live ones)."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = _stat(entry)
            if found:
                stats[int(entry)] = found
    below: dict[int, list[int]] = {}
    for pid, (parent, _cpu) in stats.items():
        below.setdefault(parent, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
            todo += below.get(pid, [])
    return total


def pg_cpu(db_url: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend connected to this database ({}: not PostgreSQL)."""
    if not db_url.startswith("postgresql"):
        return {}
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            pids = conn.scalars(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
    finally:
        engine.dispose()
    found = {p: _stat(str(p)) for p in pids}
    return {p: s[1] for p, s in found.items() if s}


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile (p in 0–100) of ``values``, seconds."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(seconds: float | None) -> str:
    if seconds is None or math.isnan(seconds):
        return "–"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _load(values: Any) -> str:
    return " / ".join(f"{v:.1f}" for v in values)


def _phase_line(label: str, result: dict[str, Any], phase: dict[str, Any]) -> str:
    sent = sum(p["count"] for name, p in phase["pages"].items() if name != "sign-in")
    cores = os.cpu_count() or 1
    board = phase["board_cpu"]
    board_text = (
        f"board workers {board:.1f} s of CPU ({board / phase['seconds'] / cores:.0%} of {cores} cores)"
        if board is not None
        else "board workers not ours (CPU not read)"
    )
    pg = phase["pg_cpu"]
    pg_text = f", PostgreSQL backends {pg:.1f} s" if pg is not None else ""
    return (
        f"- {label}, {result['occurrences']:,} occurrences ({result['database']}): {sent:,} requests "
        f"in {phase['wall']:.0f} s ({sent / phase['wall']:.1f}/s); {board_text}{pg_text}; load "
        f"average {_load(phase['load_before'])} before, {_load(phase['load_after'])} after"
    )


def _solo_cpu(result: dict[str, Any], page: str) -> float | None:
    solo = result["phases"].get("solo", {}).get(page)
    if not solo:
        return None
    asked = max(1, solo["pages"][page]["count"])
    used = (solo["board_cpu"] or 0.0) + (solo["pg_cpu"] or 0.0)
    return used / asked if solo["board_cpu"] is not None else None


def page_rows(results: list[dict[str, Any]], phase_name: str) -> list[list[str]]:
    """One row per page and database: requests, errors, percentiles, CPU alone, growth, verdict."""
    base = results[0]
    rows = []
    for page in (
        "sign-in",
        *(p for p in results[0]["phases"].get(phase_name, {}).get("pages", {}) if p != "sign-in"),
    ):
        for result in results:
            phase = result["phases"].get(phase_name)
            if not phase or page not in phase["pages"]:
                continue
            got = phase["pages"][page]
            times = got["seconds"]
            p50, p95, p99 = (percentile(times, p) for p in (50, 95, 99))
            cpu = _solo_cpu(result, page)
            row = [
                page,
                result["db"],
                f"{result['occurrences']:,}",
                f"{got['count']:,}",
                str(got["errors"]),
                ms(p50),
                ms(p95),
                ms(p99),
                ms(cpu) if cpu is not None else "",
            ]
            if phase_name == "think" and page != "sign-in":
                row += _judge(base, result, page, p50, p95, p99, got["errors"])
            rows.append(row)
    return rows


def _judge(
    base: dict[str, Any],
    result: dict[str, Any],
    page: str,
    p50: float,
    p95: float,
    p99: float,
    errors: int,
) -> list[str]:
    growth = None
    base_cell = ""
    if result is not base:
        base_times = base["phases"]["think"]["pages"].get(page, {}).get("seconds", [])
        b50 = percentile(base_times, 50)
        base_cell = f"{ms(b50)} p50, {ms(percentile(base_times, 95))} p95"
        if base_times and b50 > 0:
            growth = p50 / b50
    misses = []
    if not p95 <= P95_MS / 1000:
        misses.append(f"p95 {ms(p95)}")
    if not p99 <= P99_MS / 1000:
        misses.append(f"p99 {ms(p99)}")
    if growth is not None and growth > GROWTH:
        misses.append(f"growth {growth:.1f}×")
    if errors:
        misses.append(f"{errors} errors")
    verdict = "met" if not misses else "missed (" + ", ".join(misses) + ")"
    growth_cell = f"{growth:.2f}× (p50)" if growth is not None else ""
    cpu, base_cpu = _solo_cpu(result, page), _solo_cpu(base, page)
    if growth is not None and cpu and base_cpu:
        growth_cell += f"; {cpu / base_cpu:.2f}× (CPU alone)"
    return [base_cell, growth_cell, TARGET, verdict]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    width = len(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows]
    return lines


def section(results: list[dict[str, Any]]) -> list[str]:
    settings = results[0]["settings"]
    low, high = settings["think"]
    lines = [
        START,
        "## The board under load (`python -m bench.load`, item 3 of issue 17)",
        "",
        f"`dondoc serve --workers {settings['workers']}` on 127.0.0.1, {settings['users']} virtual users "
        f"({results[0]['users']['coordinators']} coordinators, the rest officers) signed in through "
        "`/signin`, each with its own async HTTP client (httpx2), mixing the landing worklist, plans, "
        "a plan with a filter, a task page, search and an advance posted with the task's version "
        f"(`bench/load_client.py`). Measured run: think time {low:g}–{high:g} s after each page, at most "
        f"{settings['requests']:,} requests or {settings['seconds']:.0f} s, counted from the first "
        "page once every user has signed in (the sign-ins, twenty argon2 checks at once, are "
        "their own row); the first database is the "
        "baseline of the growth column (same run, same seed). Times are what the users waited; "
        "the CPU column is each page asked alone, one user, after signing in (an advance: the "
        "step with the two task-page reads around it). The load average beside each run is "
        "the whole machine's, shared with other engineers' work.",
        "",
        *_table([*HEAD, "baseline", "growth", "target", "verdict"], page_rows(results, "think")),
        "",
        *[
            _phase_line("with think time", r, r["phases"]["think"])
            for r in results
            if "think" in r["phases"]
        ],
        *_stress(results),
        *(
            f"- error sample: {s}"
            for r in results
            for ph in ("think", "stress")
            for s in r["phases"].get(ph, {}).get("samples", [])
        ),
        END,
    ]
    return lines


def _stress(results: list[dict[str, Any]]) -> list[str]:
    """The rows without think time, when that run was made."""
    ran = [r for r in results if "stress" in r["phases"]]
    if not ran:
        return [""]
    settings = results[0]["settings"]
    return [
        "",
        f"Without think time (for information: the machine's ceiling, at most "
        f"{settings['stress_requests']:,} requests or {settings['stress_seconds']:.0f} s):",
        "",
        *_table(HEAD, page_rows(results, "stress")),
        "",
        *[_phase_line("without think time", r, r["phases"]["stress"]) for r in ran],
        "",
    ]


def summary(result: dict[str, Any]) -> str:
    return "\n".join(section([result])[4:-1])


def write_readme(results: list[dict[str, Any]]) -> None:
    """Put the section into bench/README.md after the national-scale table, replacing the last one."""
    text = README.read_text(encoding="utf-8")
    block = "\n".join(section(results))
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + block + rest.split(END, 1)[1]
    elif AFTER in text:
        text = text.replace(AFTER, AFTER + "\n\n" + block, 1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    README.write_text(text, encoding="utf-8")
