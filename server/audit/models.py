"""The append-only audit trail: who did what to which record, when, from which device."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from server.core.db import Base, JSONType, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_record", "entity", "record_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    device_id: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    action: so.Mapped[str] = so.mapped_column(sa.String(30))
    entity: so.Mapped[str] = so.mapped_column(sa.String(20))
    record_id: so.Mapped[str | None] = so.mapped_column(sa.String(36))
    # Field names only, never values: the log must not become a second copy of ID numbers.
    detail: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)
    address: so.Mapped[str | None] = so.mapped_column(sa.String(64))
