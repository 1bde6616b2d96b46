"""scope follows the record: notices know what they are about, every account has an area

Revision ID: e0ff256d323b
Revises: 5b1e2f0c9d47
Create Date: 2026-12-03 08:00:00

- ``notification`` gains ``minor_id``, ``report_id`` and ``area_path``: a notice about a child is
  read only where the child lives now (older notices have none and stay readable).
- ``scope_exit`` gains an index on (entity, record_id, change_seq): a pull sends only a record's
  latest exit.
- Every account belongs somewhere now. Accounts without an area (liaisons and sentinels made
  without ``--area``) are given the street when the registry has exactly one; with several
  streets they keep none, see nothing, and are given theirs with ``humiao set-areas``.

Records that an older version left behind (visits, reports and referrals that kept the place
they were made in) are put where their child lives by ``humiao realign`` (run once after the
upgrade): it writes through the models, so phones hear of every move at their next pull.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e0ff256d323b"
down_revision: str | None = "5b1e2f0c9d47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("minor_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("report_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("area_path", sa.String(length=255), nullable=True))
        batch_op.create_index(batch_op.f("ix_notification_minor_id"), ["minor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_report_id"), ["report_id"], unique=False)
    with op.batch_alter_table("scope_exit", schema=None) as batch_op:
        batch_op.create_index("ix_scope_exit_record", ["entity", "record_id", "change_seq"], unique=False)

    connection = op.get_bind()
    streets = connection.execute(sa.text("SELECT id FROM area WHERE parent_id IS NULL")).scalars().all()
    if len(streets) == 1:
        connection.execute(
            sa.text(
                "INSERT INTO user_area (user_id, area_id) SELECT u.id, :street FROM user_account u "
                "WHERE NOT EXISTS (SELECT 1 FROM user_area a WHERE a.user_id = u.id)"
            ),
            {"street": streets[0]},
        )


def downgrade() -> None:
    # The areas given to area-less accounts stay: the older version reads them as it did before.
    with op.batch_alter_table("scope_exit", schema=None) as batch_op:
        batch_op.drop_index("ix_scope_exit_record")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_report_id"))
        batch_op.drop_index(batch_op.f("ix_notification_minor_id"))
        batch_op.drop_column("area_path")
        batch_op.drop_column("report_id")
        batch_op.drop_column("minor_id")
