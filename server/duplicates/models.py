"""Pairs a supervisor has judged not to be one child (不是同一人): they leave the duplicates list."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from server.core.db import Base, UTCDateTime, UUIDStr, utcnow


class DuplicateDismissal(Base):
    """One judged pair, its ids in order (minor_a < minor_b), with who decided and why."""

    __tablename__ = "duplicate_dismissal"
    __table_args__ = (sa.UniqueConstraint("minor_a", "minor_b"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    minor_a: so.Mapped[str] = so.mapped_column(UUIDStr, sa.ForeignKey("minor.id"), index=True)
    minor_b: so.Mapped[str] = so.mapped_column(UUIDStr, sa.ForeignKey("minor.id"), index=True)
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    dismissed_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    dismissed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
