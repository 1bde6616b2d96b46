"""report child name pinyin: a reported child not yet linked to a file is found by pinyin (issue 14)

Revision ID: c5e2a8d41b97
Revises: a3c9e1f27b64
Create Date: 2026-12-03 15:00:00

``report.child_name_pinyin``: the pinyin of the name a reporter gave (``wxy wangxiaoyu``), kept
by the model whenever the name is written; filled here for the reports already stored.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.core.search import pinyin_key

revision: str = "c5e2a8d41b97"
down_revision: str | None = "a3c9e1f27b64"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("child_name_pinyin", sa.String(length=500), nullable=True))
    connection = op.get_bind()
    report = sa.table(
        "report",
        sa.column("id", sa.String),
        sa.column("child_name", sa.String),
        sa.column("child_name_pinyin"),
    )
    after = ""
    while True:
        page = connection.execute(
            sa.select(report.c.id, report.c.child_name)
            .where(report.c.id > after, report.c.child_name.is_not(None))
            .order_by(report.c.id)
            .limit(BATCH)
        ).all()
        if not page:
            return
        for report_id, name in page:
            key = pinyin_key(name)
            if key:
                connection.execute(
                    sa.update(report).where(report.c.id == report_id).values(child_name_pinyin=key)
                )
        after = page[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_column("child_name_pinyin")
