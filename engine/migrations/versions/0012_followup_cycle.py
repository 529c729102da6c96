"""the follow-up cycle: progress reports per period, closed periods, extension requests

Revision ID: 0012
Revises: 0014
Create Date: 2026-12-03

``progress_reports`` keeps every version of an agency's report on one
occurrence for one reporting period ("2018-H1", "2018"): status in words,
percent done, figures for the plan's targets, difficulties, proposals,
attachments, who and when; a correction is a new row with the next version.
``period_closures`` records that a coordinator closed a plan's period.
``extension_requests`` keeps each request for a later due day with its
decision; a partial unique index allows one pending request per occurrence.
Existing rows are untouched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "progress_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(80), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("agency_code", sa.String(80), nullable=False),
        sa.Column("role", sa.String(4), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status_text", sa.Text(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("difficulties", sa.Text(), nullable=False),
        sa.Column("proposals", sa.Text(), nullable=False),
        sa.Column("attachments", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.String(80), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["occurrences.id"],
            name=op.f("fk_progress_reports_occurrence_id_occurrences"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_progress_reports_plan_id_plans")
        ),
        sa.ForeignKeyConstraint(
            ["agency_code"],
            ["agencies.code"],
            name=op.f("fk_progress_reports_agency_code_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_reports")),
        sa.UniqueConstraint(
            "occurrence_id",
            "period",
            "agency_code",
            "version",
            name=op.f("uq_progress_reports_occurrence_id_period_agency_code_version"),
        ),
    )
    op.create_index(
        "ix_progress_reports_occurrence_id", "progress_reports", ["occurrence_id"]
    )
    op.create_index("ix_progress_reports_plan_period", "progress_reports", ["plan_id", "period"])
    op.create_table(
        "period_closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(80), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("closed_by", sa.String(80), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_period_closures_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_closures")),
        sa.UniqueConstraint("plan_id", "period", name=op.f("uq_period_closures_plan_id_period")),
    )
    op.create_table(
        "extension_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(80), nullable=False),
        sa.Column("agency_code", sa.String(80), nullable=False),
        sa.Column("requested_by", sa.String(80), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("old_due", sa.Date(), nullable=False),
        sa.Column("requested_due", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attachments", sa.Text(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("granted_due", sa.Date(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["occurrences.id"],
            name=op.f("fk_extension_requests_occurrence_id_occurrences"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_extension_requests_plan_id_plans")
        ),
        sa.ForeignKeyConstraint(
            ["agency_code"],
            ["agencies.code"],
            name=op.f("fk_extension_requests_agency_code_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension_requests")),
    )
    op.create_index(
        "ix_extension_requests_occurrence_id", "extension_requests", ["occurrence_id"]
    )
    op.create_index("ix_extension_requests_plan_id", "extension_requests", ["plan_id"])
    op.create_index(
        "uq_extension_requests_pending",
        "extension_requests",
        ["occurrence_id"],
        unique=True,
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index("uq_extension_requests_pending", table_name="extension_requests")
    op.drop_index("ix_extension_requests_plan_id", table_name="extension_requests")
    op.drop_index("ix_extension_requests_occurrence_id", table_name="extension_requests")
    op.drop_table("extension_requests")
    op.drop_table("period_closures")
    op.drop_index("ix_progress_reports_plan_period", table_name="progress_reports")
    op.drop_index("ix_progress_reports_occurrence_id", table_name="progress_reports")
    op.drop_table("progress_reports")
