"""Measured operations on the national data set (``bench.national``), one child process each.

Registered in ``bench.worker`` beside ``bench.cases``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import statistics
import time
from collections import Counter
from contextlib import redirect_stdout, suppress
from typing import Any

from engine import db

AS_OF = "2026-12-03"


def _timed(fn: Any, repeats: int) -> dict[str, Any]:
    walls, cpus, out = [], [], None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return {"median": statistics.median(walls), "cpu": statistics.median(cpus), "out": out}


def cli_case(url: str, args: list[str], repeats: int = 1) -> dict[str, Any]:
    """``dondoc --db URL ARGS`` in this process, its output thrown away; time and output size."""
    from cli import cli

    os.environ["DONDOC_LANG"] = "vi"

    def run() -> int:
        sink = io.StringIO()
        with redirect_stdout(sink), suppress(SystemExit):
            cli.main(["--db", url, *args], standalone_mode=False)
        return len(sink.getvalue().encode())

    return _timed(run, repeats)


def legacy_plans_case(url: str) -> dict[str, Any]:
    """The plans listing as it was: every occurrence of every plan read and categorised."""
    from sqlalchemy import select

    from engine.models import Plan
    from engine.views import task_rows

    day = dt.date.fromisoformat(AS_OF)

    def run() -> int:
        with db.reading(db.session_factory(db.make_engine(url))) as s:
            total = 0
            for plan_id in s.scalars(select(Plan.id)):
                total += sum(
                    Counter(
                        r["status_category"] for r in task_rows(s, plan_id=plan_id, as_of=day)
                    ).values()
                )
            return total

    return _timed(run, 1)


def api_case(url: str, path: str, repeats: int = 5) -> dict[str, Any]:
    """``GET path`` through the whole application (TestClient), median time and body size."""
    from starlette.testclient import TestClient

    from engine import auth
    from web.app import create_app

    factory = db.session_factory(db.make_engine(url))
    with db.transaction(factory) as s:
        token = auth.issue_token(s, "cb00000").secret
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(url, secret="b" * 64)) as client:
        client.get(path, headers=headers)  # warm: mapper configuration, first connection

        def run() -> tuple[int, int]:
            answer = client.get(path, headers=headers)
            return answer.status_code, len(answer.content)

        return _timed(run, repeats)


def overdue_page_case(url: str, repeats: int = 5) -> dict[str, Any]:
    """The first page of the overdue list across all plans (``engine.listing.task_page``)."""
    from engine.listing import task_page

    factory = db.session_factory(db.make_engine(url))
    day = dt.date.fromisoformat(AS_OF)
    with db.reading(factory) as s:
        task_page(s, limit=1)  # warm: mapper configuration, first connection

    def run() -> int:
        with db.reading(factory) as s:
            return task_page(s, status_filter="overdue", as_of=day).total

    return _timed(run, repeats)


def legacy_overdue_page_case(url: str, repeats: int = 3) -> dict[str, Any]:
    """The same page as it was read before revision 0016: every match's key with its
    task's read and sorted here, then the page's occurrences loaded."""
    from sqlalchemy import or_, select

    from engine.listing import category_condition
    from engine.models import Occurrence, Task
    from engine.views import occurrence_query, occurrence_row

    factory = db.session_factory(db.make_engine(url))
    day = dt.date.fromisoformat(AS_OF)
    live = or_(Occurrence.archived.is_(False), Occurrence.archived.is_(None))
    with db.reading(factory) as s:
        s.scalars(occurrence_query().limit(1)).all()

    def run() -> int:
        with db.reading(factory) as s:
            keys = list(
                s.execute(
                    select(Occurrence.id, Task.plan_id, Task.position, Occurrence.due)
                    .join(Task, Task.id == Occurrence.task_id)
                    .where(live, category_condition("overdue", day))
                )
            )
            keys.sort(key=lambda k: (k.plan_id, k.position, k.due))
            ids = [k.id for k in keys[:100]]
            page = s.scalars(occurrence_query().where(Occurrence.id.in_(ids)))
            [occurrence_row(o, day) for o in page]
            return len(keys)

    return _timed(run, repeats)


def counts_check_case(url: str) -> dict[str, Any]:
    """The stored counts against a full recount (``engine.counts``)."""
    from engine import counts

    def run() -> bool:
        with db.reading(db.session_factory(db.make_engine(url))) as s:
            return counts.stored(s) == counts.recount(s)

    return _timed(run, 1)


CASES = {
    "cli": cli_case,
    "legacy_plans": legacy_plans_case,
    "api": api_case,
    "counts_check": counts_check_case,
    "overdue_page": overdue_page_case,
    "legacy_overdue_page": legacy_overdue_page_case,
}
