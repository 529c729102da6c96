"""an index in the worklist's own order: phase, due day, reference

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03

The worklist reads each of its alternatives (not started, under way, finished
late) in (due, ref) order, 50 rows at a time (``engine.selection``). With
``ix_occurrences_phase_due`` alone the database had the rows in due order but
sorted every row of a due day by reference before it could stop: at a million
occurrences the first due day holds thousands, 60-70 ms for each alternative
on every landing page. With this index it reads the 50 rows it returns
(0.4 ms).
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_occurrences_phase_due_ref", "occurrences", ["phase", "due", "ref"])


def downgrade() -> None:
    op.drop_index("ix_occurrences_phase_due_ref", table_name="occurrences")
