"""report: the child's name, class and age and the place; duplicate_dismissal: pairs judged not one child

Revision ID: 5b1e2f0c9d47
Revises: b7d41c2e9f10
Create Date: 2026-12-03 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import server.core.db

revision: str = "5b1e2f0c9d47"
down_revision: str | None = "b7d41c2e9f10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duplicate_dismissal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("minor_a", sa.String(length=36), nullable=False),
        sa.Column("minor_b", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("dismissed_by", sa.Integer(), nullable=True),
        sa.Column("dismissed_at", server.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dismissed_by"],
            ["user_account.id"],
            name=op.f("fk_duplicate_dismissal_dismissed_by_user_account"),
        ),
        sa.ForeignKeyConstraint(["minor_a"], ["minor.id"], name=op.f("fk_duplicate_dismissal_minor_a_minor")),
        sa.ForeignKeyConstraint(["minor_b"], ["minor.id"], name=op.f("fk_duplicate_dismissal_minor_b_minor")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_dismissal")),
        sa.UniqueConstraint("minor_a", "minor_b", name=op.f("uq_duplicate_dismissal_minor_a")),
    )
    with op.batch_alter_table("duplicate_dismissal") as batch:
        batch.create_index(batch.f("ix_duplicate_dismissal_minor_a"), ["minor_a"], unique=False)
        batch.create_index(batch.f("ix_duplicate_dismissal_minor_b"), ["minor_b"], unique=False)
    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("child_name", sa.String(length=50), nullable=True))
        batch.add_column(sa.Column("child_class", sa.String(length=50), nullable=True))
        batch.add_column(sa.Column("child_age", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("place", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report") as batch:
        batch.drop_column("place")
        batch.drop_column("child_age")
        batch.drop_column("child_class")
        batch.drop_column("child_name")
    op.drop_table("duplicate_dismissal")
