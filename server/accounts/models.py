"""Users, their areas, revoked tokens."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from server.areas.models import Area
from server.core import codes
from server.core.db import Base, UTCDateTime, utcnow

UNITS = codes.of("unit")
SENTINEL_KINDS = codes.of("sentinel_kind")

user_area = sa.Table(
    "user_area",
    Base.metadata,
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("area_id", sa.ForeignKey("area.id"), primary_key=True),
)


class User(Base):
    __tablename__ = "user_account"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    display_name: so.Mapped[str] = so.mapped_column(sa.String(100))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(200))
    role: so.Mapped[str] = so.mapped_column(sa.String(20))
    unit: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    sentinel_kind: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    # Tokens issued before this instant are dead: disabling a user or a password reset
    # takes effect on the next request, not when the access token expires.
    tokens_valid_after: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    areas: so.Mapped[list[Area]] = so.relationship(secondary=user_area, lazy="selectin")

    @property
    def area_ids(self) -> list[int]:
        return sorted(a.id for a in self.areas)

    @property
    def area_paths(self) -> list[str]:
        return sorted(a.path for a in self.areas)


class RevokedToken(Base):
    __tablename__ = "revoked_token"

    jti: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    revoked_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
