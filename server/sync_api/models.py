"""What sync keeps: every mutation's result, conflict records, quarantine, device status."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from server.accounts.models import User
from server.core.db import Base, JSONType, UTCDateTime, UUIDStr, new_uuid, utcnow


class SyncMutation(Base):
    """(client_id, mid) -> the answer given: a replay gets it again and changes nothing."""

    __tablename__ = "sync_mutation"

    client_id: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    mid: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    entity: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    record_id: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    status: so.Mapped[str] = so.mapped_column(sa.String(10))
    result: so.Mapped[dict] = so.mapped_column(JSONType)
    hlc: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    # The device's HLC when it was too far in the future and the server clamped it.
    clamped_from: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    received_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class ConflictRecord(Base):
    """A value a merge discarded, kept for a supervisor to restore or dismiss."""

    __tablename__ = "conflict"

    id: so.Mapped[str] = so.mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    entity: so.Mapped[str] = so.mapped_column(sa.String(20))
    record_id: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    field: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    kind: so.Mapped[str] = so.mapped_column(sa.String(14))
    kept_value: so.Mapped[object] = so.mapped_column(JSONType, nullable=True)
    discarded_value: so.Mapped[object] = so.mapped_column(JSONType, nullable=True)
    discarded_hlc: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    discarded_author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    discarded_client_id: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    kept_hlc: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    kept_author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    mid: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    area_path: so.Mapped[str] = so.mapped_column(sa.String(255), index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="open", index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    resolved_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    resolved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


class QuarantinedMutation(Base):
    """A rejected mutation, raw as it came, with the errors it was answered with."""

    __tablename__ = "quarantine"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    client_id: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    mid: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    mutation: so.Mapped[object] = so.mapped_column(JSONType)
    errors: so.Mapped[dict] = so.mapped_column(JSONType)
    received_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Device(Base):
    """Per device: when it last pushed and pulled, how that went, and whether it was lost."""

    __tablename__ = "device"

    client_id: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    last_push_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    last_pull_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    pushes: so.Mapped[int] = so.mapped_column(default=0)
    pulls: so.Mapped[int] = so.mapped_column(default=0)
    mutations_applied: so.Mapped[int] = so.mapped_column(default=0)
    mutations_rejected: so.Mapped[int] = so.mapped_column(default=0)
    conflicts: so.Mapped[int] = so.mapped_column(default=0)
    clamped: so.Mapped[int] = so.mapped_column(default=0)
    last_error: so.Mapped[str | None] = so.mapped_column(sa.Text)
    last_error_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Marked lost (丢失) by a street admin: its sessions ended then, and no one logs in from it
    # until the mark is cleared (server/sync_api/devices.py).
    lost_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    lost_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))

    user: so.Mapped[User] = so.relationship(foreign_keys=[user_id])
    lost_by_user: so.Mapped[User | None] = so.relationship(foreign_keys=[lost_by])
