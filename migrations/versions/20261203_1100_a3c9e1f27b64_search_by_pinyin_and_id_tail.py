"""search by pinyin and ID tail: derived search columns of households and minors (issue 14)

Revision ID: a3c9e1f27b64
Revises: a7c3e91d5f20
Create Date: 2026-12-03 11:00:00

- ``household.head_pinyin`` and ``minor.name_pinyin``: a name's pinyin initials and spelling
  (``wxy wangxiaoyu``), kept by the models whenever the name is written; filled here for the
  names already stored.
- ``minor.id_tail_hash``: the keyed hash of the ID number's last four characters. The key is
  the application's, not the migration's: numbers stored before this revision get theirs at
  the next ``humiao refresh`` (nightly), and are found by their last two characters (the mask)
  until then.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.core.search import pinyin_key

revision: str = "a3c9e1f27b64"
down_revision: str | None = "a7c3e91d5f20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500


def _fill(table: str, source: str, target: str) -> None:
    connection = op.get_bind()
    rows = sa.table(
        table, sa.column("id", sa.String), sa.column(source, sa.String), sa.column(target, sa.String)
    )
    after = ""
    while True:
        page = connection.execute(
            sa.select(rows.c.id, rows.c[source]).where(rows.c.id > after).order_by(rows.c.id).limit(BATCH)
        ).all()
        if not page:
            return
        for record_id, name in page:
            key = pinyin_key(name)
            if key:
                connection.execute(sa.update(rows).where(rows.c.id == record_id).values({target: key}))
        after = page[-1][0]


def upgrade() -> None:
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.add_column(sa.Column("head_pinyin", sa.String(length=500), nullable=True))
    with op.batch_alter_table("minor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_tail_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("name_pinyin", sa.String(length=500), nullable=True))
        batch_op.create_index(batch_op.f("ix_minor_id_tail_hash"), ["id_tail_hash"], unique=False)
    _fill("household", "head_name", "head_pinyin")
    _fill("minor", "name", "name_pinyin")


def downgrade() -> None:
    with op.batch_alter_table("minor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minor_id_tail_hash"))
        batch_op.drop_column("name_pinyin")
        batch_op.drop_column("id_tail_hash")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_column("head_pinyin")
