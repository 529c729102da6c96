"""accounts managed on the board; the record of their changes; the inbox's marks

Revision ID: 0009
Revises: 0015
Create Date: 2026-12-03

``users`` gains ``email``, ``must_change_password`` (a one-time password set
by a coordinator: the board and the API ask for a new one before anything
else) and the inbox's two marks, the last event and the last escalation the
user's inbox showed (``engine.inbox``). Existing users start with both marks
at the newest row, so the first inbox shows what happens from now on, not
the plans' whole past.

``account_changes`` records who changed whose account, when and how
(``engine.accounts``). ``escalations.target_code`` is indexed: the inbox
reads the escalations and reminders sent to one agency.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.String(254), nullable=True))
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch.add_column(
            sa.Column("inbox_event_seen", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("inbox_escalation_seen", sa.Integer(), nullable=False, server_default="0")
        )
    op.execute(
        "UPDATE users SET inbox_event_seen = (SELECT COALESCE(MAX(id), 0) FROM events), "
        "inbox_escalation_seen = (SELECT COALESCE(MAX(id), 0) FROM escalations)"
    )
    op.create_table(
        "account_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("user_name", sa.String(80), nullable=False),
        sa.Column("province", sa.String(40), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_changes")),
    )
    op.create_index("ix_account_changes_province_id", "account_changes", ["province", "id"])
    op.create_index("ix_escalations_target_code", "escalations", ["target_code"])


def downgrade() -> None:
    op.drop_index("ix_escalations_target_code", table_name="escalations")
    op.drop_index("ix_account_changes_province_id", table_name="account_changes")
    op.drop_table("account_changes")
    with op.batch_alter_table("users") as batch:
        for column in ("inbox_escalation_seen", "inbox_event_seen", "must_change_password", "email"):
            batch.drop_column(column)
