"""the day work counts as done; people's full names; the board's flashes

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-02

``occurrences.completed_on`` is the day a completed occurrence counts as done
in follow-up reports: the date of the document that completed it (a
directive's ``document_date``) when the completing step gave one, else the
local (Asia/Ho_Chi_Minh) day the step was recorded. Until now the recorded
moment alone decided, so a directive issued on time but recorded later was
counted late. Existing rows are filled from their history the same way.

``users.full_name`` is how pages and history name a person.

``board_flashes`` holds what a board form leaves for the page it redirects
to (a refusal and what was typed), too long for a cookie.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0002"
branch_labels = None
depends_on = None

_VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# The fields that name the day work was done (workflows.fields, completion_day=True).
_DAY_FIELDS = ("document_date",)


def _day_named(fields_json: str | None) -> dt.date | None:
    try:
        fields = json.loads(fields_json or "{}")
    except ValueError:
        return None
    for name in _DAY_FIELDS:
        try:
            return dt.date.fromisoformat(str(fields.get(name, "")).strip())
        except ValueError:
            continue
    return None


def upgrade() -> None:
    with op.batch_alter_table("occurrences") as batch:
        batch.add_column(sa.Column("completed_on", sa.Date(), nullable=True))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("full_name", sa.String(200), nullable=True))

    op.create_table(
        "board_flashes",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_board_flashes")),
    )
    op.create_index("ix_board_flashes_created_at", "board_flashes", ["created_at"])

    bind = op.get_bind()
    done = bind.execute(
        sa.text("SELECT id, completed_at FROM occurrences WHERE completed_at IS NOT NULL")
    ).all()
    for occ_id, completed_at in done:
        if isinstance(completed_at, str):
            completed_at = dt.datetime.fromisoformat(completed_at)
        if completed_at.tzinfo is None:
            completed_at = completed_at.replace(tzinfo=dt.UTC)
        day = completed_at.astimezone(_VIETNAM).date()
        # The completing step: the last one that moved into the (final) current state.
        fields_json = bind.execute(
            sa.text(
                "SELECT e.fields FROM events e JOIN occurrences o ON o.id = e.occurrence_id "
                "WHERE o.id = :id AND e.to_state = o.state "
                "AND (e.from_state IS NULL OR e.from_state <> e.to_state) "
                "ORDER BY e.seq DESC LIMIT 1"
            ),
            {"id": occ_id},
        ).scalar()
        day = _day_named(fields_json) or day
        bind.execute(
            sa.text("UPDATE occurrences SET completed_on = :day WHERE id = :id"),
            {"day": day, "id": occ_id},
        )


def downgrade() -> None:
    op.drop_index("ix_board_flashes_created_at", table_name="board_flashes")
    op.drop_table("board_flashes")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("full_name")
    with op.batch_alter_table("occurrences") as batch:
        batch.drop_column("completed_on")
