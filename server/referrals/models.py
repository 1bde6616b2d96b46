"""Referrals (转介) of a report or a minor to a member unit, and the history of each step."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from server.core import codes
from server.core.changes import Synced
from server.core.db import Base, UTCDateTime, UUIDStr, new_uuid, utcnow, written_after

REFERRAL_STATUSES = codes.of("referral_status")
# What a unit may answer from each status; done and declined are final.
NEXT_STATUSES = {
    "sent": ("accepted", "declined"),
    "accepted": ("in_progress", "done", "declined"),
    "in_progress": ("in_progress", "done"),
    "done": (),
    "declined": (),
}
STEP_TIMESTAMPS = {
    "accepted": "accepted_at",
    "in_progress": "started_at",
    "done": "done_at",
    "declined": "declined_at",
}


class Referral(Synced, Base):
    """Replicated read-only to the phones of its place (the child's page shows it offline);
    only supervisors send one and only the unit answers it, both online."""

    __tablename__ = "referral"
    __entity__ = "referral"

    id: so.Mapped[str] = so.mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    report_id: so.Mapped[str | None] = so.mapped_column(sa.ForeignKey("report.id"), index=True)
    report_row = written_after("Report")
    minor_id: so.Mapped[str | None] = so.mapped_column(sa.ForeignKey("minor.id"), index=True)
    minor_row = written_after("Minor")
    to_unit: so.Mapped[str] = so.mapped_column(sa.String(20), index=True)
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default="sent", index=True)
    response: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # Sent by the system itself for a mandatory report (强制报告): the police hear at once.
    automatic: so.Mapped[bool] = so.mapped_column(default=False)
    sent_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    sent_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    accepted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    done_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    declined_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


class ReferralEvent(Base):
    """Append-only: every step of a referral, by whom, with its note."""

    __tablename__ = "referral_event"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    referral_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("referral.id"), index=True)
    from_status: so.Mapped[str | None] = so.mapped_column(sa.String(12))
    to_status: so.Mapped[str] = so.mapped_column(sa.String(12))
    note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
