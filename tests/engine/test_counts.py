"""The occurrence counts stay exactly in step with the occurrences (``engine.counts``).

Random advances (suspensions, resumptions, cancellations and completions with
their document dates among them), successions applied, extensions granted
(``engine.extensions``), a task archived by a
reload: after each round the stored counts equal a full recount, and the
plans listing read from them equals the categories counted row by row.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import workflows
from engine import counts, counts_totals, extensions
from engine.db import transaction
from engine.errors import DondocError
from engine.models import Occurrence, Task
from engine.succession import apply_due
from engine.transition import advance
from engine.users import add_user
from engine.views import plan_rows, task_rows
from tasks_catalog import schema
from tasks_catalog.loading import load_plan_file
from tests.conftest import BEFORE_2025
from tests.engine.helpers import fields_for, user

DAYS = (dt.date(2014, 3, 1), dt.date(2016, 1, 1), dt.date(2024, 6, 1), dt.date(2026, 1, 1))


def _in_step(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        recounted = counts.recount(s)
        assert counts.stored(s) == recounted
        # The whole database's totals (written at each commit) add up the same rows.
        assert counts_totals.stored(s) == counts_totals.summed(recounted)
        for day in DAYS:
            row_by_row = Counter(r["status_category"] for r in task_rows(s, as_of=day))
            listed = Counter()
            for plan in plan_rows(s, as_of=day):
                listed.update(plan["by_status"])
                assert plan["occurrences"] == sum(plan["by_status"].values())
            assert listed == row_by_row, day
            everything = counts.all_plans_counts(s, day)
            assert Counter({c.replace("_", "-"): n for c, n in everything.items()}) == row_by_row


def _random_steps(
    factory: sessionmaker[Session],
    rng: random.Random,
    n: int,
    since: dt.date | None = None,
    actor: str = "lan",
) -> int:
    """Fire ``n`` random allowed triggers as the coordinator; returns how many went through.

    Each occurrence's steps go forward in time from its window (or ``since``).
    """
    fired = 0
    clock: dict[str, dt.datetime] = {}
    with transaction(factory) as s:
        refs = list(s.scalars(select(Occurrence.ref).where(Occurrence.archived.is_not(True))))
    for _ in range(n):
        ref = rng.choice(refs)
        with transaction(factory) as s:
            occ = s.scalar(select(Occurrence).where(Occurrence.ref == ref))
            assert occ is not None
            wf = workflows.get(occ.task.workflow)
            allowed = list(wf.allowed(occ.state))
            if not allowed:
                continue
            t = rng.choice(allowed)
            fields = fields_for(t)
            if "document_date" in fields:
                # Some completions dated late, some early, around the due day.
                fields["document_date"] = (
                    occ.due + dt.timedelta(days=rng.randint(-200, 200))
                ).isoformat()
            start = since or occ.window_start
            at = clock.get(ref, dt.datetime(start.year, start.month, start.day, 3, tzinfo=dt.UTC))
            at += dt.timedelta(days=rng.randint(1, 200))
            clock[ref] = at
            advance(s, user(s, actor), ref, t.trigger, note="x", fields=fields, at=at)
            fired += 1
    return fired


def _extensions(factory: sessionmaker[Session], rng: random.Random, actor: str) -> int:
    """Ask for and grant later due days on open occurrences; returns how many were granted."""
    granted = 0
    with transaction(factory) as s:
        refs = list(
            s.scalars(select(Occurrence.ref).where(Occurrence.phase.in_(("not_started", "active"))))
        )
    for ref in rng.sample(refs, min(12, len(refs))):
        try:
            with transaction(factory) as s:
                occ = s.scalar(select(Occurrence).where(Occurrence.ref == ref))
                assert occ is not None
                later = max(occ.due, dt.date(2026, 1, 1)) + dt.timedelta(days=rng.randint(1, 90))
                extensions.request(s, user(s, actor), ref, later, "Chờ kinh phí")
                extensions.decide(s, user(s, actor), ref, "approve", reason="Đồng ý")
            granted += 1
        except DondocError:
            continue
    return granted


def test_counts_follow_random_advances_successions_and_an_archive(
    kon_tum: sessionmaker[Session], tmp_path: Path
) -> None:
    rng = random.Random(17)
    _in_step(kon_tum)
    assert _random_steps(kon_tum, rng, 60) > 20
    _in_step(kon_tum)
    with transaction(kon_tum) as s:
        assert apply_due(s, dt.date(2025, 8, 1))
        add_user(s, "quang", "quang-ngai/sct", "coordinator")
    steps = _random_steps(kon_tum, rng, 30, since=dt.date(2025, 8, 1), actor="quang")
    assert steps > 10
    _in_step(kon_tum)
    assert _extensions(kon_tum, rng, "quang") > 3
    _in_step(kon_tum)

    data = yaml.safe_load(schema.plan_path("kon-tum-2013").read_text(encoding="utf-8"))
    data["tasks"] = [t for t in data["tasks"] if t["code"] != "1.3"]
    path = tmp_path / "kon-tum-2013.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with transaction(kon_tum) as s:
        load_plan_file(s, path, archive_removed=True, now=BEFORE_2025)
        archived = s.scalar(select(Task).where(Task.code == "1.3"))
        assert archived is not None and archived.archived
    _in_step(kon_tum)


def test_a_rebuild_gives_what_the_flushes_kept(kon_tum: sessionmaker[Session]) -> None:
    _random_steps(kon_tum, random.Random(3), 20)
    with transaction(kon_tum) as s:
        kept = counts.stored(s)
        counts.rebuild(s)
        assert counts.stored(s) == kept
        assert sum(kept.values()) == len(task_rows(s))
