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


class LoginSession(Base):
    """One login on one device. Its refresh token rotates on every use; ``refresh_jti`` is the
    one alive now and ``previous_jti`` the one it replaced, honoured once, briefly, because
    the answer that carried its successor may have been lost on the way to the phone."""

    __tablename__ = "login_session"

    sid: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    device: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    refresh_jti: so.Mapped[str] = so.mapped_column(sa.String(64))
    previous_jti: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    previous_replayed: so.Mapped[bool] = so.mapped_column(default=False)
    refresh_expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    rotated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    ended_why: so.Mapped[str | None] = so.mapped_column(sa.String(20))


class LoginFailure(Base):
    """A wrong password, counted by account and by address for throttling. Kept in the
    database so every web worker counts the same failures."""

    __tablename__ = "login_failure"
    __table_args__ = (sa.Index("ix_login_failure_account_at", "account", "at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    account: so.Mapped[str] = so.mapped_column(sa.String(64))
    address: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
