"""Notifications (消息提醒) for one user, and the webhook deliveries of urgent reports."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from server.core.db import Base, JSONType, UTCDateTime, utcnow

NOTIFICATION_KINDS = (
    "visit_returned",
    "urgent_report",
    "referral_received",
    "referral_updated",
    "visit_overdue",
)
DELIVERY_STATUSES = ("pending", "sent", "failed")


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_inbox", "user_id", "read_at", "id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    body: so.Mapped[str | None] = so.mapped_column(sa.Text)
    link: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    # What the notice is about, and where that lives now: a notice about a child, or a report or
    # referral of one, is read only where the child is (it moves with it, like all that is its).
    minor_id: so.Mapped[str | None] = so.mapped_column(sa.String(36), index=True)
    report_id: so.Mapped[str | None] = so.mapped_column(sa.String(36), index=True)
    area_path: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    # Set for notices that must not repeat (one per user, minor and due date for an overdue visit).
    dedupe_key: so.Mapped[str | None] = so.mapped_column(sa.String(120), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    """One POST to the configured webhook: kept so that a failure is visible and can be retried."""

    __tablename__ = "webhook_delivery"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event: so.Mapped[str] = so.mapped_column(sa.String(30))
    record_id: so.Mapped[str | None] = so.mapped_column(sa.String(36), index=True)
    url: so.Mapped[str] = so.mapped_column(sa.String(500))
    payload: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="pending", index=True)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    last_error: so.Mapped[str | None] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
