"""Visits (走访): append-only content by the author, review fields by supervisors."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from server.core import codes
from server.core.changes import Synced
from server.core.db import Base, JSONType, UTCDateTime, UUIDStr, new_uuid, utcnow, written_after

VISIT_KINDS = codes.of("visit_kind")
FINDING_AREAS = codes.of("finding_area")
FINDING_STATUSES = codes.of("finding_status")
MEASURES = codes.of("visit_measures")
REVIEW_STATUSES = codes.of("review_status")
REVIEW_FIELDS = ("review_status", "review_comment")


class Visit(Synced, Base):
    __tablename__ = "visit"
    __entity__ = "visit"

    id: so.Mapped[str] = so.mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    minor_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("minor.id"), index=True)
    visitor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    visited_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(8))
    findings: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)
    measures: so.Mapped[list] = so.mapped_column(JSONType, default=list)
    summary: so.Mapped[str | None] = so.mapped_column(sa.Text)
    review_status: so.Mapped[str] = so.mapped_column(sa.String(10), default="submitted", index=True)
    review_comment: so.Mapped[str | None] = so.mapped_column(sa.Text)
    reviewed_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    reviewed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


REVIEW_DECISIONS = codes.of("decision")


class ReviewDecision(Base):
    """Append-only history of a visit's review: each approval, return (with why) and resubmission."""

    __tablename__ = "review_decision"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    visit_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("visit.id"), index=True)
    visit_row = written_after("Visit")
    decision: so.Mapped[str] = so.mapped_column(sa.String(12))
    comment: so.Mapped[str | None] = so.mapped_column(sa.Text)
    decided_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    source: so.Mapped[str] = so.mapped_column(sa.String(10), default="api")
