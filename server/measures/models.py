"""Assistance measures (帮扶措施) planned and taken for a minor."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from server.core import codes
from server.core.changes import Synced
from server.core.db import Base, UTCDateTime, UUIDStr, new_uuid, written_after

MEASURE_KINDS = codes.of("measures")
MEASURE_STATUSES = codes.of("measure_status")
NEXT_STATUSES = {
    "planned": ("in_progress", "done", "cancelled"),
    "in_progress": ("done", "cancelled"),
    "done": (),
    "cancelled": (),
}
STEP_TIMESTAMPS = {"in_progress": "started_at", "done": "done_at", "cancelled": "cancelled_at"}


class Measure(Synced, Base):
    """Lives where its minor lives (``area_path``), and is replicated to the phones of that place
    like a visit: a worker plans one or marks one done offline."""

    __tablename__ = "measure"
    __entity__ = "measure"

    id: so.Mapped[str] = so.mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    minor_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("minor.id"), index=True)
    minor_row = written_after("Minor")
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    # Who carries it out: a user of the registry, a member unit, or both (a unit and its contact).
    responsible_user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    responsible_unit: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    due_date: so.Mapped[date | None]
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default="planned", index=True)
    notes: so.Mapped[str | None] = so.mapped_column(sa.Text)
    created_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    done_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    cancelled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
