"""occurrence counts of the whole database per kind and due day

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03

The coordinators' landing worklist shows how many occurrences of every plan are
in each status category. It summed every row of ``occurrence_counts`` (31,300
at national scale, issue 17) on each request. ``occurrence_totals`` holds the
same sums per kind and due day (46 rows on the national data set), changed by dondoc when a
transaction that changed the counts commits (``engine.counts_totals``).
Existing counts are added up here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "occurrence_totals",
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "due", name=op.f("pk_occurrence_totals")),
    )
    op.execute(
        "INSERT INTO occurrence_totals (kind, due, n) "
        "SELECT kind, due, SUM(n) FROM occurrence_counts GROUP BY kind, due HAVING SUM(n) <> 0"
    )


def downgrade() -> None:
    op.drop_table("occurrence_totals")
