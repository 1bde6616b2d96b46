"""Mandatory and public reports (强制报告/预警) and referrals (转介) to member units."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from server.core import codes
from server.core.changes import Synced
from server.core.db import Base, UTCDateTime, UUIDStr, new_uuid, written_after
from server.core.search import PINYIN_MAX, pinyin_key

MANDATORY_KINDS = codes.of("report_kind_mandatory")
OTHER_KINDS = codes.of("report_kind_other")
REPORT_KINDS = codes.of("report_kind")
REPORT_SOURCES = codes.of("report_source")
REPORT_STATUSES = codes.of("report_status")


class Report(Synced, Base):
    __tablename__ = "report"
    __entity__ = "report"

    id: so.Mapped[str] = so.mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    source: so.Mapped[str] = so.mapped_column(sa.String(12))
    reporter_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    reporter_name: so.Mapped[str | None] = so.mapped_column(sa.String(50))
    reporter_phone: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    area_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("area.id"), index=True)
    minor_id: so.Mapped[str | None] = so.mapped_column(sa.ForeignKey("minor.id"), index=True)
    minor_row = written_after("Minor")
    kind: so.Mapped[str] = so.mapped_column(sa.String(30))
    mandatory: so.Mapped[bool] = so.mapped_column(default=False)
    urgent: so.Mapped[bool] = so.mapped_column(default=False)
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    # Who and where, as the reporter knows them before the child has a file (a sentinel
    # cannot see the registry): the name, class and age of the child, the place.
    child_name: so.Mapped[str | None] = so.mapped_column(sa.String(50))
    # Derived, never on the wire: the reported name in pinyin, so that a child the report has
    # not been linked to is found as a registered one is (server/core/search.py).
    child_name_pinyin: so.Mapped[str | None] = so.mapped_column(sa.String(PINYIN_MAX))
    child_class: so.Mapped[str | None] = so.mapped_column(sa.String(50))
    child_age: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    place: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    status: so.Mapped[str] = so.mapped_column(sa.String(14), default="new", index=True)
    reported_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    acknowledged_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    referred_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    resolved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    @so.validates("child_name")
    def _keep_child_name_pinyin(self, _key: str, value: str | None) -> str | None:
        self.child_name_pinyin = pinyin_key(value)
        return value
