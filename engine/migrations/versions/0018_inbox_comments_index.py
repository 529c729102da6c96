"""an index for the comments past a person's mark: the header's unread count

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-03

Every board page shows how many new things concern the person signed in
(``engine.inbox``): events on his agency's tasks, and comments that mention
him. Asked as one query with an OR, the database read the history from his
mark to the end whenever few events matched: 2 s at a million occurrences for
an agency with nothing new. The count now asks two questions, and the second
(comments whose text names him) reads only comments through this index.
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_trigger_id", "events", ["trigger", "id"])


def downgrade() -> None:
    op.drop_index("ix_events_trigger_id", table_name="events")
