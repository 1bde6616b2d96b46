"""measures and referrals synced: phones replicate them (issue 14)

Revision ID: a7c3e91d5f20
Revises: e0ff256d323b
Create Date: 2026-12-03 11:00:00

``measure`` and ``referral`` gain the columns of every synced record (``server/core/changes.py``
``Synced``): a version, per-field versions, HLCs and authors, a feed number, a place and a
tombstone. A measure is placed where its child lives; a referral keeps its place and its
``sent_at`` becomes its ``created_at``. Every existing row takes a new feed number after the
current high-water mark, so every phone receives them at its next pull.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import server.core.db

revision: str = "a7c3e91d5f20"
down_revision: str | None = "e0ff256d323b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SYNCED = ("version", "field_versions", "field_hlcs", "field_authors", "change_seq")


def _synced_columns(batch_op) -> None:
    batch_op.add_column(sa.Column("version", sa.Integer(), nullable=True))
    batch_op.add_column(sa.Column("field_versions", server.core.db.JSONType, nullable=True))
    batch_op.add_column(sa.Column("field_hlcs", server.core.db.JSONType, nullable=True))
    batch_op.add_column(sa.Column("field_authors", server.core.db.JSONType, nullable=True))
    batch_op.add_column(sa.Column("change_seq", sa.BigInteger(), nullable=True))
    batch_op.add_column(sa.Column("updated_by", sa.Integer(), nullable=True))
    batch_op.add_column(sa.Column("deleted_at", server.core.db.UTCDateTime(), nullable=True))


def _number(connection, table: str, order: str) -> None:
    """Version 1, empty merge bookkeeping, and feed numbers after the high-water mark, in order."""
    connection.execute(
        sa.text(
            f"UPDATE {table} SET version = 1, field_versions = '{{}}', field_hlcs = '{{}}', "
            "field_authors = '{}'"
        )
    )
    ids = connection.execute(sa.text(f"SELECT id FROM {table} ORDER BY {order}, id")).scalars().all()
    if not ids:
        connection.execute(sa.text(f"UPDATE {table} SET change_seq = 0"))
        return
    start = connection.execute(
        sa.text("UPDATE sync_clock SET value = value + :n WHERE id = 1 RETURNING value"), {"n": len(ids)}
    ).scalar_one() - len(ids)
    connection.execute(
        sa.text(f"UPDATE {table} SET change_seq = :seq WHERE id = :id"),
        [{"seq": start + i, "id": record_id} for i, record_id in enumerate(ids, start=1)],
    )


def upgrade() -> None:
    with op.batch_alter_table("measure", schema=None) as batch_op:
        _synced_columns(batch_op)
        batch_op.add_column(sa.Column("area_path", sa.String(length=255), nullable=True))
    with op.batch_alter_table("referral", schema=None) as batch_op:
        _synced_columns(batch_op)
        batch_op.add_column(sa.Column("created_at", server.core.db.UTCDateTime(), nullable=True))

    connection = op.get_bind()
    connection.execute(
        sa.text(
            "UPDATE measure SET area_path = (SELECT area_path FROM minor WHERE minor.id = measure.minor_id)"
        )
    )
    connection.execute(sa.text("UPDATE referral SET created_at = sent_at"))
    _number(connection, "measure", "created_at")
    _number(connection, "referral", "sent_at")

    with op.batch_alter_table("measure", schema=None) as batch_op:
        for name in (*SYNCED, "area_path"):
            batch_op.alter_column(name, nullable=False)
        batch_op.create_index(batch_op.f("ix_measure_area_path"), ["area_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_measure_change_seq"), ["change_seq"], unique=False)
    with op.batch_alter_table("referral", schema=None) as batch_op:
        for name in (*SYNCED, "created_at"):
            batch_op.alter_column(name, nullable=False)
        batch_op.create_index(batch_op.f("ix_referral_change_seq"), ["change_seq"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_change_seq"))
        for name in ("created_at", "deleted_at", "updated_by", *reversed(SYNCED)):
            batch_op.drop_column(name)
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_change_seq"))
        batch_op.drop_index(batch_op.f("ix_measure_area_path"))
        for name in ("area_path", "deleted_at", "updated_by", *reversed(SYNCED)):
            batch_op.drop_column(name)
