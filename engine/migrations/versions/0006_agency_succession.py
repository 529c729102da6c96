"""agencies have a life and successors: the 2025 reorganisation

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

``agencies.valid_from`` / ``valid_until`` bound an agency's life (null: open
ended). ``successions`` records that agencies ended on an ``effective`` day
and who took over their work (kind rename, merge or split), on what legal
basis (document number, date, title), with a note, whether it is part of a
province merge, and for a split the rule choosing each open task's new owner.
``succession_agencies`` lists each succession's ``from`` and ``to`` agencies.
``succession_applied`` records once per open occurrence (or plan) which codes
a succession re-pointed there, so applying it again changes nothing.
Existing rows are untouched: every agency is open-ended until a directory
file says otherwise.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agencies") as batch:
        batch.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("valid_until", sa.Date(), nullable=True))
    op.create_table(
        "successions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("basis_number", sa.String(200), nullable=False),
        sa.Column("basis_date", sa.Date(), nullable=True),
        sa.Column("basis_title", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("province_merge", sa.Boolean(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_successions")),
        sa.UniqueConstraint("key", name=op.f("uq_successions_key")),
    )
    op.create_index("ix_successions_effective", "successions", ["effective"])
    op.create_table(
        "succession_agencies",
        sa.Column("succession_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(4), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("agency_code", sa.String(80), nullable=False),
        sa.ForeignKeyConstraint(
            ["succession_id"],
            ["successions.id"],
            name=op.f("fk_succession_agencies_succession_id_successions"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_code"],
            ["agencies.code"],
            name=op.f("fk_succession_agencies_agency_code_agencies"),
        ),
        sa.PrimaryKeyConstraint(
            "succession_id", "side", "position", name=op.f("pk_succession_agencies")
        ),
    )
    op.create_index("ix_succession_agencies_agency_code", "succession_agencies", ["agency_code"])
    op.create_table(
        "succession_applied",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("succession_id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=True),
        sa.Column("plan_id", sa.String(80), nullable=True),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("mapping", sa.Text(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["succession_id"],
            ["successions.id"],
            name=op.f("fk_succession_applied_succession_id_successions"),
        ),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["occurrences.id"],
            name=op.f("fk_succession_applied_occurrence_id_occurrences"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_succession_applied_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_succession_applied")),
        sa.UniqueConstraint(
            "succession_id",
            "occurrence_id",
            name="uq_succession_applied_succession_id_occurrence_id",
        ),
        sa.UniqueConstraint(
            "succession_id", "plan_id", name="uq_succession_applied_succession_id_plan_id"
        ),
    )
    for column in ("succession_id", "occurrence_id", "plan_id"):
        op.create_index(f"ix_succession_applied_{column}", "succession_applied", [column])


def downgrade() -> None:
    for column in ("succession_id", "occurrence_id", "plan_id"):
        op.drop_index(f"ix_succession_applied_{column}", table_name="succession_applied")
    op.drop_table("succession_applied")
    op.drop_index("ix_succession_agencies_agency_code", table_name="succession_agencies")
    op.drop_table("succession_agencies")
    op.drop_index("ix_successions_effective", table_name="successions")
    op.drop_table("successions")
    with op.batch_alter_table("agencies") as batch:
        batch.drop_column("valid_until")
        batch.drop_column("valid_from")
