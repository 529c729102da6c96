"""``python -m bench --scale national``: the national data set's rows (issue 17).

Builds (or reuses, with ``DONDOC_BENCH_NATIONAL=DIR`` holding
``national-10000.sqlite3`` and ``national-1000000.sqlite3``) the national data
set (``bench.national``) at its 10,000-occurrence twin and at ``--size``
occurrences, measures each listing in a child process (``bench.scale_cases``)
against the way it was computed before (the baseline, in the same run), and
writes the rows into bench/README.md between the national-scale markers,
leaving the rest of the file as the full run wrote it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bench.run import ROOT, Report, Row, child, mib, ms

START = "<!-- national-scale:start -->"
END = "<!-- national-scale:end -->"
TWIN = 10_000


def national_db(tmp: Path, n: int) -> tuple[str, dict[str, Any] | None]:
    """A SQLite file holding the data set of ``n`` occurrences, and how it was built (None: reused)."""
    keep = os.environ.get("DONDOC_BENCH_NATIONAL")
    folder = Path(keep) if keep else tmp
    path = folder / f"national-{n}.sqlite3"
    url = f"sqlite:///{path}"
    from bench.national import generate
    from engine import db

    if path.exists():
        db.migrate(db.make_engine(url))  # a file kept from an older schema
        return url, None

    engine = db.make_engine(url)
    db.migrate(engine)
    built = generate(engine, n)
    engine.dispose()
    return url, built


def _value(r: dict[str, Any]) -> str:
    return f"{ms(r['median'])} (CPU {ms(r['cpu'])})"


def _rss(r: dict[str, Any]) -> str:
    return f"peak RSS {mib(r['maxrss_kib'] * 1024)}"


def run_national(report: Report, tmp: Path, size: int, legacy_at_size: bool) -> None:
    measured: dict[str, dict[int, dict[str, Any]]] = {}
    for n in (TWIN, size):
        url, built = national_db(tmp, n)
        label = f"{n:,} occurrences"
        if built:
            report.add(
                Row(
                    "N data",
                    "sqlite",
                    f"bench.national: {built['provinces']} provinces, {built['plans']:,} plans, "
                    f"{built['tasks']:,} tasks, {built['occurrences']:,} occurrences, "
                    f"{built['events']:,} events, {built['progress_reports']:,} progress reports, "
                    f"{built['users']:,} users",
                    f"{built['seconds']:.0f} s",
                    target="within minutes",
                    verdict="met" if built["seconds"] < 600 else "missed",
                )
            )
        check = child("counts_check", url=url)
        report.add(
            Row(
                "3 counts",
                "sqlite",
                f"occurrence_counts equal a full recount, {label}",
                "equal" if check["out"] else "DIFFERENT",
                baseline=f"recount {_value(check)}",
                verdict="met" if check["out"] else "missed",
            )
        )
        plans = child("cli", url=url, args=["plans", "--json"], repeats=3)
        measured.setdefault("plans", {})[n] = plans
        legacy = None
        if n == TWIN or legacy_at_size:
            legacy = child("legacy_plans", url=url)
        big = n == size
        report.add(
            Row(
                "2 lists",
                "sqlite",
                f"dondoc plans --json, {label}",
                _value(plans),
                memory=_rss(plans),
                baseline=(
                    f"{_value(legacy)}, {_rss(legacy)} (every occurrence categorised)"
                    if legacy
                    else "74 s, 3.4 GB (issue 17, before)"
                ),
                ratio=f"{legacy['median'] / plans['median']:.0f}× faster" if legacy else "",
                target="< 1 s, < 200 MB" if big else "",
                verdict=(
                    (
                        "met"
                        if plans["median"] < 1 and plans["maxrss_kib"] < 200 * 1024
                        else "missed"
                    )
                    if big
                    else ""
                ),
            )
        )
        plan_id = "ha-noi-kh01-2019"
        for key, path in (
            ("api plans", "/api/v1/plans"),
            (
                "api overdue of a plan",
                f"/api/v1/tasks?plan={plan_id}&status=overdue&as_of=2026-12-03",
            ),
            ("api overdue, first page", "/api/v1/tasks?status=overdue&as_of=2026-12-03"),
            ("api mistyped task", f"/api/v1/tasks/{plan_id}:99.9@2020"),
        ):
            r = child("api", url=url, path=f"{path}", repeats=5)
            measured.setdefault(key, {})[n] = r
            status, size_b = r["out"]
            report.add(
                Row(
                    "2 lists",
                    "sqlite",
                    f"GET {path}, {label}",
                    _value(r),
                    memory=f"{_rss(r)}; HTTP {status}, body {size_b:,} bytes",
                    target="404 body of a sentence" if "mistyped" in key else "",
                    verdict=("met" if size_b < 2000 else "missed") if "mistyped" in key else "",
                )
            )
    for key, by_n in measured.items():
        # CPU of the measuring process (SQLite runs in it): wall times follow the machine's load.
        small, large = by_n[TWIN]["cpu"], by_n[size]["cpu"]
        report.add(
            Row(
                "3 growth",
                "sqlite",
                f"{key}: {TWIN:,} → {size:,} occurrences (CPU)",
                f"{large / small:.2f}×",
                baseline=ms(small),
                ratio=f"{ms(large)} at {size:,}",
                target="≤ 2×",
                verdict="met" if large / small <= 2 else f"missed ({large / small:.1f}×)",
            )
        )


def write_section(rows: list[Row], header: list[str]) -> None:
    from bench.run import render_table

    path = ROOT / "bench" / "README.md"
    text = path.read_text(encoding="utf-8")
    # The analysis lives in bench/NOTES.md ("National scale"); a new run replaces the table.
    section = "\n".join(
        [
            START,
            "## National scale (`python -m bench --scale national`)",
            "",
            *header,
            "",
            render_table(rows),
            END,
        ]
    )
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        marker = "## Heaviest imports"
        text = (
            text.replace(marker, section + "\n\n" + marker, 1)
            if marker in text
            else text + "\n" + section + "\n"
        )
    path.write_text(text, encoding="utf-8")
