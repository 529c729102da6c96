"""The main job on the embedded default: load every shipped plan and report.

Idempotent: plans already loaded and unchanged are left alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from engine.catalog import load_plan_file
from engine.db import transaction
from engine.views import plan_rows, today


@dataclass
class QuickstartSummary:
    lines: list[str] = field(default_factory=list)


def run_quickstart(
    factory: sessionmaker[Session], *, as_of: dt.date | None = None, lang: str = "vi"
) -> QuickstartSummary:
    from tasks_catalog import schema

    summary = QuickstartSummary()
    day = as_of or today()
    for plan_id in schema.list_plan_ids():
        with transaction(factory) as session:
            report = load_plan_file(session, schema.plan_path(plan_id))
        state = "unchanged" if report.unchanged else ("loaded" if report.created else "updated")
        summary.lines.append(f"Plan {plan_id}: {state}.")
    with transaction(factory) as session:
        rows = plan_rows(session, day)
    summary.lines.append(f"Status on {day.isoformat()}:")
    for row in rows:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(row["by_status"].items()))
        summary.lines.append(f"  {row['id']:<18} {row['occurrences']:>3} occurrence(s): {counts}")
    return summary
