"""occurrence counts per plan, year, kind and due day; an index on the completion day

Revision ID: 0014
Revises: 0008
Create Date: 2026-12-03

``occurrence_counts`` holds, per plan, year, kind of state and due day, how
many live occurrences there are; dondoc changes it in the same flush as the
occurrences (``engine.counts``), so the plans page and ``dondoc plans`` read
a few rows per plan instead of counting every occurrence. Existing
occurrences are counted here. ``ix_occurrences_completed_on`` finds the
completions dated after a past ``--as-of`` day.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0014"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "occurrence_counts",
        sa.Column("plan_id", sa.String(80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "year", "kind", "due", name=op.f("pk_occurrence_counts")),
    )
    op.create_index("ix_occurrences_completed_on", "occurrences", ["completed_on"])
    from engine import counts

    counts.rebuild(Session(bind=op.get_bind()))


def downgrade() -> None:
    op.drop_index("ix_occurrences_completed_on", table_name="occurrences")
    op.drop_table("occurrence_counts")
