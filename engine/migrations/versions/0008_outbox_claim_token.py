"""the outbox claim token; a seal over each occurrence's state

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

``outbox.claim_token`` is written by every claim (a new random token each
time). A dispatcher renews a message's lease and records its outcome only
while the row still carries its own token, so a dispatcher whose lease ran
out can neither overwrite the outcome of the one that took the message over
nor send it again (``notifiers.dispatch``).

``occurrence_seals`` holds, per occurrence, the canonical JSON of the facts
that decide behaviour (due day, phase, state, archived flags, agencies,
escalation ledger, the chain's head) and its SHA-256, rewritten by dondoc
after every change (``engine.seal``), so ``audit verify`` names a direct
edit. Existing occurrences are sealed here from their current state.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.seal import canonical, digest

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _day(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()  # type: ignore[attr-defined]


def _seal_existing() -> None:
    """Seal every occurrence from its current state, as ``engine.seal.facts_of`` does."""
    bind = op.get_bind()
    agencies: dict[int, list[list[object]]] = {}
    for task_id, role, position, code in bind.execute(
        sa.text("SELECT task_id, role, position, agency_code FROM task_agencies")
    ):
        agencies.setdefault(task_id, []).append([role, position, code])
    ledger: dict[int, list[list[object]]] = {}
    for occ_id, kind, scope, level, target in bind.execute(
        sa.text("SELECT occurrence_id, kind, scope, level, target_code FROM escalations")
    ):
        ledger.setdefault(occ_id, []).append([kind, scope, level, target])
    rows = []
    for r in bind.execute(
        sa.text(
            "SELECT o.id, o.task_id, o.ref, o.head_hash, o.state, o.phase, o.resume_state, "
            "o.suspended_on, o.window_start, o.due, o.planned_due, o.completed_on, o.archived, "
            "t.archived FROM occurrences o JOIN tasks t ON t.id = o.task_id"
        )
    ):
        facts = {
            "ref": r[2],
            "head": r[3],
            "state": r[4],
            "phase": r[5],
            "resume_state": r[6],
            "suspended_on": _day(r[7]),
            "window_start": _day(r[8]),
            "due": _day(r[9]),
            "planned_due": _day(r[10]),
            "completed_on": _day(r[11]),
            "archived": bool(r[12]),
            "task_archived": bool(r[13]),
            "agencies": sorted(agencies.get(r[1], [])),
            "ledger": sorted(ledger.get(r[0], [])),
        }
        body = canonical(facts)
        rows.append({"occurrence_id": r[0], "body": body, "hash": digest(body)})
    if rows:
        table = sa.table(
            "occurrence_seals",
            sa.column("occurrence_id", sa.Integer),
            sa.column("body", sa.Text),
            sa.column("hash", sa.String),
        )
        op.bulk_insert(table, rows)


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("claim_token", sa.String(32), nullable=True))
    op.create_table(
        "occurrence_seals",
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["occurrences.id"],
            name=op.f("fk_occurrence_seals_occurrence_id_occurrences"),
        ),
        sa.PrimaryKeyConstraint("occurrence_id", name=op.f("pk_occurrence_seals")),
    )
    _seal_existing()


def downgrade() -> None:
    op.drop_table("occurrence_seals")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("claim_token")
