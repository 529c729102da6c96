"""the outbox claim token: a dispatcher records outcomes only for its own claim

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-03

``outbox.claim_token`` is written by every claim (a new random token each
time). A dispatcher renews a message's lease and records its outcome only
while the row still carries its own token, so a dispatcher whose lease ran
out can neither overwrite the outcome of the one that took the message over
nor send it again (``notifiers.dispatch``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("claim_token", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("claim_token")
