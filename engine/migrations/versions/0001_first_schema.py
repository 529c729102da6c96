"""first schema: agencies, users, plans, tasks, occurrences, events, escalations, outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-22

The whole first schema in one step: the agency directory, users and API
tokens, plans with their tasks and task agencies, occurrences (one per task
or per year of a recurring task) with their hash-chained events, the
escalation ledger (unique per occurrence, kind, scope and level) and the
notification outbox.  Column types are spelled as plain SQLAlchemy types so
that this migration never changes when the models do.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "agencies",
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("province", sa.String(length=40), nullable=False),
        sa.Column("name_vi", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=False),
        sa.Column("parent_code", sa.String(length=80), nullable=True),
        sa.Column("also_reports_to", sa.Text(), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("is_group", sa.Boolean(), nullable=False),
        sa.Column("email", sa.String(length=300), nullable=True),
        sa.Column("webhook", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["agencies.code"], name=op.f("fk_agencies_parent_code_agencies")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_agencies")),
    )
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agencies_province"), ["province"], unique=False)

    op.create_table(
        "plans",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("province", sa.String(length=40), nullable=False),
        sa.Column("title_vi", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("legal_ref", sa.String(length=200), nullable=False),
        sa.Column("issued", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.Integer(), nullable=False),
        sa.Column("responsible_code", sa.String(length=80), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("catalog_sha256", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["responsible_code"], ["agencies.code"], name=op.f("fk_plans_responsible_code_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("agency_code", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agencies.code"], name=op.f("fk_users_agency_code_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), server_default="api", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_failures_user_name"), ["user_name"], unique=False
        )

    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(length=80), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("workflow", sa.String(length=40), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("window_end", sa.Integer(), nullable=False),
        sa.Column("recurrence", sa.String(length=20), nullable=False),
        sa.Column("depends_on", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("lead_by_source", sa.Text(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_tasks_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("plan_id", "code", name=op.f("uq_tasks_plan_id_code")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tasks_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "occurrences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=140), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("state_entered_at", sa.DateTime(), nullable=False),
        sa.Column("resume_state", sa.String(length=40), nullable=True),
        sa.Column("suspended_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("planned_due", sa.Date(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("head_seq", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_occurrences_task_id_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occurrences")),
        sa.UniqueConstraint("ref", name=op.f("uq_occurrences_ref")),
    )
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.create_index("ix_occurrences_phase_due", ["phase", "due"], unique=False)
        batch_op.create_index(
            "ix_occurrences_state_entered", ["state", "state_entered_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_occurrences_task_id"), ["task_id"], unique=False)

    op.create_table(
        "task_agencies",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("agency_code", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agencies.code"], name=op.f("fk_task_agencies_agency_code_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_agencies_task_id_tasks")
        ),
        sa.PrimaryKeyConstraint("task_id", "role", "position", name=op.f("pk_task_agencies")),
    )
    with op.batch_alter_table("task_agencies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_agencies_agency_code"), ["agency_code"], unique=False
        )

    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.String(length=60), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("target_code", sa.String(length=80), nullable=False),
        sa.Column("cc", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("days_overdue", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["occurrences.id"],
            name=op.f("fk_escalations_occurrence_id_occurrences"),
        ),
        sa.ForeignKeyConstraint(
            ["target_code"], ["agencies.code"], name=op.f("fk_escalations_target_code_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
        sa.UniqueConstraint(
            "occurrence_id",
            "kind",
            "scope",
            "level",
            name=op.f("uq_escalations_occurrence_id_kind_scope_level"),
        ),
    )
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_escalations_occurrence_id"), ["occurrence_id"], unique=False
        )

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("trigger", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=40), nullable=True),
        sa.Column("to_state", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["occurrence_id"], ["occurrences.id"], name=op.f("fk_events_occurrence_id_occurrences")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("occurrence_id", "seq", name=op.f("uq_events_occurrence_id_seq")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_events_occurrence_id"), ["occurrence_id"], unique=False
        )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("agency_code", sa.String(length=80), nullable=True),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("cc", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("occurrence_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agencies.code"], name=op.f("fk_outbox_agency_code_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["occurrence_id"], ["occurrences.id"], name=op.f("fk_outbox_occurrence_id_occurrences")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_status_next", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_next")

    op.drop_table("outbox")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_occurrence_id"))

    op.drop_table("events")
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalations_occurrence_id"))

    op.drop_table("escalations")
    with op.batch_alter_table("task_agencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_agencies_agency_code"))

    op.drop_table("task_agencies")
    with op.batch_alter_table("occurrences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_occurrences_task_id"))
        batch_op.drop_index("ix_occurrences_phase_due")
        batch_op.drop_index("ix_occurrences_state_entered")

    op.drop_table("occurrences")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_plan_id"))

    op.drop_table("tasks")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_user_name"))

    op.drop_table("login_failures")
    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_table("plans")
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agencies_province"))

    op.drop_table("agencies")
