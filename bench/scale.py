"""``python -m bench --scale national``: the national data set's rows (issue 17).

Builds (or reuses) the national data set (``bench.national``) at its
10,000-occurrence twin and at ``--size`` occurrences, on SQLite (files
``national-10k.sqlite3`` and ``national-1m.sqlite3`` in
``DONDOC_BENCH_NATIONAL=DIR``, else a temporary folder) and on PostgreSQL
(databases ``dondoc_national_10k`` and ``dondoc_national_1m`` beside
``DONDOC_BENCH_PG``, kept between runs; ``DONDOC_BENCH_NATIONAL_PG`` gives
another prefix than ``dondoc_national_``), measures each listing in a child
process (``bench.scale_cases``) against the way it was computed before (the
baseline, in the same run), and writes the rows into bench/README.md between
the national-scale markers, leaving the rest of the file as the full run wrote it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bench.run import PG_ADMIN_URL, ROOT, Report, Row, child, mib, ms

START = "<!-- national-scale:start -->"
END = "<!-- national-scale:end -->"
TWIN = 10_000
AS_OF = "2026-12-03"


def size_name(n: int) -> str:
    """10k, 1m: how files and databases of the data set are named."""
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def national_db(tmp: Path, n: int) -> tuple[str, dict[str, Any] | None]:
    """A SQLite file holding the data set of ``n`` occurrences, and how it was built (None: reused)."""
    keep = os.environ.get("DONDOC_BENCH_NATIONAL")
    folder = Path(keep) if keep else tmp
    path = folder / f"national-{size_name(n)}.sqlite3"
    return _built(f"sqlite:///{path}", n, path.exists())


def national_pg(n: int) -> tuple[str, dict[str, Any] | None]:
    """The PostgreSQL database ``dondoc_national_<size>``: reused when it holds the data set."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    prefix = os.environ.get("DONDOC_BENCH_NATIONAL_PG", "dondoc_national_")
    name = f"{prefix}{size_name(n)}"
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    admin.dispose()
    filled = False
    if exists:
        probe = create_engine(url)
        with probe.connect() as conn:
            filled = bool(conn.scalar(text("SELECT to_regclass('occurrences') IS NOT NULL")))
            filled = filled and bool(conn.scalar(text("SELECT EXISTS (SELECT 1 FROM occurrences)")))
        probe.dispose()
    return _built(url, n, filled)


def _built(url: str, n: int, reuse: bool) -> tuple[str, dict[str, Any] | None]:
    from bench.national import create_database, generate
    from engine import db

    if reuse:
        engine = db.make_engine(url)
        db.migrate(engine)  # a data set kept from an older schema
        engine.dispose()
        return url, None
    create_database(url)
    engine = db.make_engine(url)
    db.migrate(engine)
    built = generate(engine, n)
    engine.dispose()
    return url, built


def _value(r: dict[str, Any]) -> str:
    return f"{ms(r['median'])} (CPU {ms(r['cpu'])})"


def _rss(r: dict[str, Any]) -> str:
    return f"peak RSS {mib(r['maxrss_kib'] * 1024)}"


def run_national(
    report: Report, tmp: Path, size: int, legacy_at_size: bool, databases: list[str]
) -> None:
    for kind in databases:
        measured: dict[str, dict[int, dict[str, Any]]] = {}
        for n in (TWIN, size):
            url, built = national_db(tmp, n) if kind == "sqlite" else national_pg(n)
            if built:
                _data_row(report, kind, built)
            _measure(report, kind, url, n, n == size, legacy_at_size, measured)
        for key, by_n in measured.items():
            # CPU of the measuring process (SQLite runs in it; PostgreSQL's server is not
            # counted): wall times follow the machine's load.
            small, large = by_n[TWIN]["cpu"], by_n[size]["cpu"]
            report.add(
                Row(
                    "3 growth",
                    kind,
                    f"{key}: {TWIN:,} → {size:,} occurrences (CPU)",
                    f"{large / small:.2f}×",
                    baseline=ms(small),
                    ratio=f"{ms(large)} at {size:,}",
                    target="≤ 2×",
                    verdict="met" if large / small <= 2 else f"missed ({large / small:.1f}×)",
                )
            )


def _data_row(report: Report, kind: str, built: dict[str, Any]) -> None:
    report.add(
        Row(
            "N data",
            kind,
            f"bench.national: {built['provinces']} provinces, {built['plans']:,} plans, "
            f"{built['tasks']:,} tasks, {built['occurrences']:,} occurrences, "
            f"{built['events']:,} events, {built['progress_reports']:,} progress reports, "
            f"{built['users']:,} users",
            f"{built['seconds']:.0f} s",
            target="within minutes",
            verdict="met" if built["seconds"] < 600 else "missed",
        )
    )


def _measure(  # noqa: PLR0913 - one row set per database and size
    report: Report,
    kind: str,
    url: str,
    n: int,
    big: bool,
    legacy_at_size: bool,
    measured: dict[str, dict[int, dict[str, Any]]],
) -> None:
    label = f"{n:,} occurrences"
    check = child("counts_check", url=url)
    report.add(
        Row(
            "3 counts",
            kind,
            f"occurrence_counts equal a full recount, {label}",
            "equal" if check["out"] else "DIFFERENT",
            baseline=f"recount {_value(check)}",
            verdict="met" if check["out"] else "missed",
        )
    )
    plans = child("cli", url=url, args=["plans", "--json"], repeats=3)
    measured.setdefault("plans", {})[n] = plans
    legacy = child("legacy_plans", url=url) if not big or legacy_at_size else None
    report.add(
        Row(
            "2 lists",
            kind,
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
                ("met" if plans["median"] < 1 and plans["maxrss_kib"] < 200 * 1024 else "missed")
                if big
                else ""
            ),
        )
    )
    page = child("overdue_page", url=url, repeats=5)
    before = child("legacy_overdue_page", url=url, repeats=3)
    measured.setdefault("overdue, first page (engine)", {})[n] = page
    report.add(
        Row(
            "2 lists",
            kind,
            f"engine.listing.task_page(status=overdue), first 100 of {page['out']:,}, {label}",
            _value(page),
            memory=_rss(page),
            baseline=f"{_value(before)} (every match's key read and sorted, as before 0016)",
            ratio=f"{before['cpu'] / page['cpu']:.1f}× less CPU" if page["cpu"] else "",
        )
    )
    listed = child(
        "cli", url=url, args=["tasks", "--status", "overdue", "--as-of", AS_OF, "--json"]
    )
    report.add(
        Row(
            "2 lists",
            kind,
            f"dondoc tasks --status overdue --json (every row), {label}",
            _value(listed),
            memory=f"{_rss(listed)}; {listed['out']:,} bytes of JSON",
        )
    )
    plan_id = "ha-noi-kh01-2019"
    for key, path in (
        ("api plans", "/api/v1/plans"),
        ("api overdue of a plan", f"/api/v1/tasks?plan={plan_id}&status=overdue&as_of={AS_OF}"),
        ("api overdue, first page", f"/api/v1/tasks?status=overdue&as_of={AS_OF}"),
        ("api mistyped task", f"/api/v1/tasks/{plan_id}:99.9@2020"),
    ):
        r = child("api", url=url, path=f"{path}", repeats=5)
        measured.setdefault(key, {})[n] = r
        status, size_b = r["out"]
        report.add(
            Row(
                "2 lists",
                kind,
                f"GET {path}, {label}",
                _value(r),
                memory=f"{_rss(r)}; HTTP {status}, body {size_b:,} bytes",
                target="404 body of a sentence" if "mistyped" in key else "",
                verdict=("met" if size_b < 2000 else "missed") if "mistyped" in key else "",
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
