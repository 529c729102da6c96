"""the scheduler's last fire of each job

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-03

``scheduler_runs`` keeps, per job id, the scheduled time of its last run
that finished. A scheduler that starts or takes over from a leader that died
schedules each job from there, so a run missed while nobody led is caught up
once (``engine.scheduler_runs``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduler_runs",
        sa.Column("job_id", sa.String(40), nullable=False),
        sa.Column("fired_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_scheduler_runs")),
    )


def downgrade() -> None:
    op.drop_table("scheduler_runs")
