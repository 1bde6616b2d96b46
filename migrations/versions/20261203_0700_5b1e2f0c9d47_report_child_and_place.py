"""report: the child's name, class and age and the place, as the reporter knows them

Revision ID: 5b1e2f0c9d47
Revises: b7d41c2e9f10
Create Date: 2026-12-03 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1e2f0c9d47"
down_revision: str | None = "b7d41c2e9f10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
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
