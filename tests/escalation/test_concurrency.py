"""Sweeps at the same time in real separate processes give each level once, on both databases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.models import Escalation
from tests.escalation.helpers import counts

DONDOC = str(Path(sys.executable).parent / "dondoc")


def test_four_concurrent_escalate_processes_record_each_level_exactly_once(
    kon_tum: sessionmaker[Session], db_url: str
) -> None:
    command = [DONDOC, "--db", db_url, "escalate", "--as-of", "2015-03-16", "--json"]
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    assert [(code, err) for code, _, err in results] == [(0, "")] * 4
    created = [row for _, out, _ in results for row in json.loads(out)]
    # Whoever won each level reported it; the others found it taken and said nothing.
    assert sorted((r["ref"], r["level"]) for r in created) == sorted(
        {(r["ref"], r["level"]) for r in created}
    )
    assert len(created) == 39
    assert counts(kon_tum) == (39, 13)
    with transaction(kon_tum) as s:
        per_level = s.execute(
            select(Escalation.occurrence_id, Escalation.level, func.count())
            .group_by(Escalation.occurrence_id, Escalation.level)
            .having(func.count() > 1)
        ).all()
    assert per_level == []
