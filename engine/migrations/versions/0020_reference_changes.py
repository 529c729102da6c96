"""a mark that moves whenever plans, agencies or successions change

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03

Every page of the board reads the plans' few columns, the agencies' names and
the successions; at national scale (680 plans, 374 agencies) reading and
decoding them again on each request was a fifth of a page (issue 17). Each
process now keeps them (``engine.reference``) together with the mark they were
read at, and reads only the mark on each page.

The mark is the token of the newest row of ``reference_changes``. Triggers add
a row, with a random token, in the same transaction as any insert, update or
delete on the four tables, whoever writes (the board, the command line, the
scheduler, an administrator in psql). A random token is never reused: a
transaction that changed a plan and rolled back leaves the old mark in place,
and the next change gets a new token, so a copy read inside the rolled-back
transaction can never pass for a later state. Rows are only ever added (no
single row that concurrent writers would queue on); changes to these tables
are administrators' work, a few rows a day.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

TABLES = ("plans", "agencies", "successions", "succession_agencies")
OPERATIONS = ("insert", "update", "delete")

_PG_FUNCTION = """
CREATE FUNCTION dondoc_reference_changed() RETURNS trigger AS $$
BEGIN
    INSERT INTO reference_changes (token) VALUES (md5(random()::text || clock_timestamp()::text));
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "reference_changes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("token", sa.String(40), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for table in TABLES:
            # Once per statement: a catalog load of 680 plans adds one row, not 680.
            op.execute(
                f"CREATE TRIGGER trg_{table}_reference AFTER INSERT OR UPDATE OR DELETE "
                f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                "EXECUTE FUNCTION dondoc_reference_changed()"
            )
    else:
        # SQLite has row triggers only; its writers take turns, so a row each is cheap.
        for table in TABLES:
            for operation in OPERATIONS:
                op.execute(
                    f"CREATE TRIGGER trg_{table}_{operation}_reference "
                    f"AFTER {operation.upper()} ON {table} BEGIN "
                    "INSERT INTO reference_changes (token) VALUES (lower(hex(randomblob(16)))); "
                    "END"
                )
    op.execute("INSERT INTO reference_changes (token) VALUES ('initial')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER trg_{table}_reference ON {table}")
        op.execute("DROP FUNCTION dondoc_reference_changed()")
    else:
        for table in TABLES:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER trg_{table}_{operation}_reference")
    op.drop_table("reference_changes")
