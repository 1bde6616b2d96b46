"""A large ledger import runs in the background; its progress is kept here for any server to answer."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from server.core.db import Base, JSONType, UTCDateTime, UUIDStr, new_uuid, utcnow

JOB_STATES = ("queued", "validating", "writing", "done", "failed")


class ImportJob(Base):
    __tablename__ = "import_job"

    id: so.Mapped[str] = so.mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    filename: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    options: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)
    state: so.Mapped[str] = so.mapped_column(sa.String(12), default="queued")
    total: so.Mapped[int] = so.mapped_column(default=0)
    processed: so.Mapped[int] = so.mapped_column(default=0)
    accepted: so.Mapped[int] = so.mapped_column(default=0)
    rejected: so.Mapped[int] = so.mapped_column(default=0)
    duplicates: so.Mapped[int] = so.mapped_column(default=0)
    # The import's answer ({"accepted", "rejected", "duplicates", ...}) once it is done.
    result: so.Mapped[dict | None] = so.mapped_column(JSONType)
    error: so.Mapped[str | None] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    def to_wire(self) -> dict:
        body = {
            "job_id": self.id,
            "state": self.state,
            "total": self.total,
            "processed": self.processed,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "filename": self.filename,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }
        if self.state == "failed":
            body["error"] = self.error
        if self.state == "done":
            body["result"] = self.result
        return body
