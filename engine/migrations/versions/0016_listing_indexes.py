"""indexes that keep the lists across plans fast at a million occurrences

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-03

The overdue list across all plans (``GET /api/v1/tasks?status=overdue``,
``engine.listing``) counts its matches and, for the first pages, walks the
tasks in plan and annex order. At 1,000,000 occurrences the count read every
matching row (52,763 random reads of a 1.6 GB file, 2.35 s of CPU) for the
archived flag, and the walk had no index in that order:

- ``ix_occurrences_phase_due`` becomes (phase, due, archived, task_id): the
  same leading columns the sweep searches, now covering the count of the
  live rows of a phase before a day, and their tasks, without the table;
- ``ix_tasks_plan_position`` (plan_id, position, archived): tasks in plan and
  annex order, and the live tasks of each plan counted from the index
  (``dondoc plans``).
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_occurrences_phase_due", table_name="occurrences")
    op.create_index(
        "ix_occurrences_phase_due", "occurrences", ["phase", "due", "archived", "task_id"]
    )
    op.create_index("ix_tasks_plan_position", "tasks", ["plan_id", "position", "archived"])


def downgrade() -> None:
    op.drop_index("ix_tasks_plan_position", table_name="tasks")
    op.drop_index("ix_occurrences_phase_due", table_name="occurrences")
    op.create_index("ix_occurrences_phase_due", "occurrences", ["phase", "due"])
