"""scope feed indexes: a pull reads its own scope's changes, not the county's (issue 13)

Revision ID: d41f0c7e9a52
Revises: c5e2a8d41b97
Create Date: 2026-12-03 17:00:00

One index per synced table on ``(area_path, change_seq)``, and on ``scope_exit`` on
``(old_path, change_seq)``: a pull's "changes of my area after my cursor" is then a range of
one index however much the rest of the county wrote. ``text_pattern_ops`` on PostgreSQL, so
that the path prefix (LIKE 'x%') uses the index under any database collation.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "d41f0c7e9a52"
down_revision: str | None = "c5e2a8d41b97"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SYNCED = ("area", "household", "minor", "visit", "report", "measure", "referral")


def upgrade() -> None:
    for table in SYNCED:
        op.create_index(
            f"ix_{table}_scope_feed",
            table,
            ["area_path", "change_seq"],
            postgresql_ops={"area_path": "text_pattern_ops"},
        )
    op.create_index(
        "ix_scope_exit_scope_feed",
        "scope_exit",
        ["old_path", "change_seq"],
        postgresql_ops={"old_path": "text_pattern_ops"},
    )


def downgrade() -> None:
    op.drop_index("ix_scope_exit_scope_feed", table_name="scope_exit")
    for table in reversed(SYNCED):
        op.drop_index(f"ix_{table}_scope_feed", table_name=table)
