"""the search index; plans uploaded on the board, kept until loaded

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

``search_index`` holds, per occurrence, the words it is found by (its task's
title, actions, expected result and note; its events' notes and text fields
such as document numbers), rewritten after every change (``engine.search``).
SQLite: an FTS5 table whose rowid is the occurrence id, over the words
folded without accents. PostgreSQL: a ``tsvector`` of the words through
``unaccent`` (the extension is created here) with a GIN index. Existing
occurrences are indexed here.

``plan_drafts`` keeps an annex uploaded on the board, as the importer read
it and as its uploader corrects it, until it is loaded
(``engine.plan_drafts``).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _search_index() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        op.create_table(
            "search_index",
            sa.Column("occurrence_id", sa.Integer(), nullable=False),
            sa.Column("doc", postgresql.TSVECTOR(), nullable=False),
            sa.ForeignKeyConstraint(
                ["occurrence_id"],
                ["occurrences.id"],
                name=op.f("fk_search_index_occurrence_id_occurrences"),
            ),
            sa.PrimaryKeyConstraint("occurrence_id", name=op.f("pk_search_index")),
        )
        op.create_index("ix_search_index_doc", "search_index", ["doc"], postgresql_using="gin")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE search_index USING fts5("
            "body, tokenize = 'unicode61 remove_diacritics 2')"
        )
    _index_existing(bind, postgres=postgres)


def _index_existing(bind: sa.Connection, *, postgres: bool) -> None:
    """Index every occurrence as ``engine.search.document_of`` does, reading plain rows."""
    from engine.search import document_text, write_rows

    tasks = {}
    for task_id, title, actions, result, note in bind.execute(
        sa.text("SELECT id, title, actions, result, note FROM tasks")
    ):
        tasks[task_id] = [title or "", *json.loads(actions or "[]"), result or "", note or ""]
    events: dict[int, list[tuple[str | None, object]]] = {}
    for occ_id, note, fields in bind.execute(
        sa.text("SELECT occurrence_id, note, fields FROM events ORDER BY occurrence_id, seq")
    ):
        events.setdefault(occ_id, []).append((note, json.loads(fields or "{}")))
    occurrences = list(bind.execute(sa.text("SELECT id, task_id FROM occurrences ORDER BY id")))
    for start in range(0, len(occurrences), 500):
        chunk = occurrences[start : start + 500]
        rows = [
            {"id": occ_id, "body": document_text(tasks[task_id], events.get(occ_id, []))}
            for occ_id, task_id in chunk
        ]
        write_rows(bind, [r["id"] for r in rows], rows, postgres)


def upgrade() -> None:
    _search_index()
    op.create_table(
        "plan_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("plan_id", sa.String(80), nullable=False),
        sa.Column("catalog", sa.Text(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_plan_drafts_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_drafts")),
    )
    op.create_index("ix_plan_drafts_user_id", "plan_drafts", ["user_id"])


def downgrade() -> None:
    op.drop_table("plan_drafts")
    op.drop_table("search_index")
