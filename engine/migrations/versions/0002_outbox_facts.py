"""outbox rows carry facts; subject and bodies are written when the message is rendered

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

The engine now queues a notification as facts (its kind, recipients and
``payload``) and writes no words; ``notifiers`` renders subject, text and
HTML in the row's language when it sends, and stores them then. So
``subject`` and ``body_text`` may be empty until the message is dispatched.
Rows queued before this revision keep the words they were queued with.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("subject", existing_type=sa.Text(), nullable=True)
        batch.alter_column("body_text", existing_type=sa.Text(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE outbox SET subject = '' WHERE subject IS NULL")
    op.execute("UPDATE outbox SET body_text = '' WHERE body_text IS NULL")
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("subject", existing_type=sa.Text(), nullable=False)
        batch.alter_column("body_text", existing_type=sa.Text(), nullable=False)
