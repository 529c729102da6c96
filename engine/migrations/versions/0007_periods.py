"""half-yearly and quarterly occurrences; what a task says beyond its columns

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

``occurrences.period`` names the half-year or quarter an occurrence of a
half-yearly or quarterly task covers ("2027-H1", "2027-Q2"); it is NULL for
one-off and yearly occurrences, which keep ``year`` as before. Its reference
is ``PLAN:CODE@2027-H1``.

``tasks.details`` (JSON text) holds what the catalog says about a task beyond
its columns: the due day as printed (``{"due": "06-30"}``). Existing tasks get
``{}``: their due days stay the window's end, as they were loaded.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("occurrences") as batch:
        batch.add_column(sa.Column("period", sa.String(10), nullable=True))
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("details", sa.Text(), nullable=True))
    op.execute("UPDATE tasks SET details = '{}'")
    with op.batch_alter_table("tasks") as batch:
        batch.alter_column("details", existing_type=sa.Text(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("details")
    with op.batch_alter_table("occurrences") as batch:
        batch.drop_column("period")
