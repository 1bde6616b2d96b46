"""The four levels: street (街道) > village/community (村/社区) > group (组) > grid (网格)."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy import orm as so

from server.core import codes
from server.core.changes import Synced
from server.core.db import Base

AreaLevel = enum.StrEnum("AreaLevel", {code: code for code in codes.of("level")}, module=__name__)
LEVEL_ORDER = list(AreaLevel)


class Area(Synced, Base):
    __tablename__ = "area"
    __entity__ = "area"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100))
    level: so.Mapped[str] = so.mapped_column(sa.String(10))
    parent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("area.id"), index=True)
    # Materialised path of codes, e.g. /S1/V3/G2/W5/: "everything under" is a prefix query.
    path: so.Mapped[str] = so.mapped_column(sa.String(255), unique=True)

    parent: so.Mapped[Area | None] = so.relationship(remote_side=[id])

    def to_wire(self) -> dict:
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "parent_id": self.parent_id,
            "path": self.path,
        }
