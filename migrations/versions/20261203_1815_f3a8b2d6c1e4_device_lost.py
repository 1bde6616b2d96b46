"""device: lost_at, lost_by: a street admin marks a phone lost, and it wipes itself (issue 17)

Revision ID: f3a8b2d6c1e4
Revises: d41f0c7e9a52
Create Date: 2026-12-03 18:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import server.core.db

revision: str = "f3a8b2d6c1e4"
down_revision: str | None = "d41f0c7e9a52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lost_at", server.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("lost_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_device_lost_by_user_account"), "user_account", ["lost_by"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_device_lost_by_user_account"), type_="foreignkey")
        batch_op.drop_column("lost_by")
        batch_op.drop_column("lost_at")
