"""The registry: households (户) and the minors (未成年人) in them, with their grade history."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from server.core import codes
from server.core.changes import Synced
from server.core.db import Base, JSONType, UTCDateTime, UUIDStr, new_uuid, utcnow, written_after
from server.core.search import PINYIN_MAX, pinyin_key


class Household(Synced, Base):
    __tablename__ = "household"
    __entity__ = "household"

    id: so.Mapped[str] = so.mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    grid_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("area.id"), index=True)
    address: so.Mapped[str] = so.mapped_column(sa.String(200))
    head_name: so.Mapped[str] = so.mapped_column(sa.String(50))
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    lat: so.Mapped[float | None]
    lng: so.Mapped[float | None]
    notes: so.Mapped[str | None] = so.mapped_column(sa.Text)
    surveyed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    surveyed_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    # Derived, never on the wire: the head's name in pinyin for ?q= (server/core/search.py).
    head_pinyin: so.Mapped[str | None] = so.mapped_column(sa.String(PINYIN_MAX))

    @so.validates("head_name")
    def _keep_head_pinyin(self, _key: str, value: str | None) -> str | None:
        self.head_pinyin = pinyin_key(value)
        return value


PARENT_STATUSES = codes.of("parent_status")
MISBEHAVIOR_ORDINARY = codes.of("misbehavior_ordinary")
MISBEHAVIOR_SERIOUS = codes.of("misbehavior_serious")
RISK_FLAGS = codes.of("risk_flags")
GRADES = codes.of("grade", without=("ungraded",))
CATEGORIES = codes.of("categories")


class Minor(Synced, Base):
    __tablename__ = "minor"
    __entity__ = "minor"

    id: so.Mapped[str] = so.mapped_column(UUIDStr, primary_key=True, default=new_uuid)
    household_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("household.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(50), index=True)
    gender: so.Mapped[str] = so.mapped_column(sa.String(6))
    birth_date: so.Mapped[date] = so.mapped_column(index=True)
    # The resident ID exists only encrypted; the hash finds duplicates, the mask is for lists.
    id_number_enc: so.Mapped[str | None] = so.mapped_column(sa.Text)
    id_number_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True)
    id_number_masked: so.Mapped[str | None] = so.mapped_column(sa.String(18))
    # The keyed hash of the number's last four characters: a list finds the child by them.
    id_tail_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True)
    hukou: so.Mapped[str | None] = so.mapped_column(sa.String(6))
    lives_with_parents: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    school_status: so.Mapped[str | None] = so.mapped_column(sa.String(14))
    out_of_school_since: so.Mapped[date | None]
    school: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    health: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    disability_grade: so.Mapped[int | None]
    disability_kind: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    father_status: so.Mapped[str | None] = so.mapped_column(sa.String(24))
    father_status_since: so.Mapped[date | None]
    father_evidence: so.Mapped[str | None] = so.mapped_column(sa.Text)
    mother_status: so.Mapped[str | None] = so.mapped_column(sa.String(24))
    mother_status_since: so.Mapped[date | None]
    mother_evidence: so.Mapped[str | None] = so.mapped_column(sa.Text)
    caregiver: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    caregiver_capable: so.Mapped[bool | None]
    poverty: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    misbehavior: so.Mapped[list] = so.mapped_column(JSONType, default=list)
    crime_victim: so.Mapped[bool] = so.mapped_column(default=False)
    risk_flags: so.Mapped[list] = so.mapped_column(JSONType, default=list)
    categories: so.Mapped[list] = so.mapped_column(JSONType, default=list)
    # {"add": {category: reason}, "remove": {category: reason}}: hand corrections to the rules.
    categories_manual: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)
    category_reasons: so.Mapped[list] = so.mapped_column(JSONType, default=list)
    grade: so.Mapped[str | None] = so.mapped_column(sa.String(6), index=True)
    grade_suggested: so.Mapped[str | None] = so.mapped_column(sa.String(6))
    grade_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # The rules' suggestion when a supervisor last decided: a deliberate override leaves the
    # confirmation queue until the suggestion itself changes.
    grade_decided_for: so.Mapped[str | None] = so.mapped_column(sa.String(6))
    assigned_worker_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"), index=True)
    last_visit_at: so.Mapped[date | None]
    next_visit_due: so.Mapped[date | None] = so.mapped_column(index=True)
    archived_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))

    # Derived, never on the wire: the name in pinyin for ?q= (server/core/search.py).
    name_pinyin: so.Mapped[str | None] = so.mapped_column(sa.String(PINYIN_MAX))

    household: so.Mapped[Household] = so.relationship(lazy="joined")

    @so.validates("name")
    def _keep_name_pinyin(self, _key: str, value: str | None) -> str | None:
        self.name_pinyin = pinyin_key(value)
        return value


def awaiting_grade_decision() -> sa.ColumnElement[bool]:
    """No grade yet, or the rules now suggest something no supervisor has ruled on."""
    return sa.or_(
        Minor.grade.is_(None),
        sa.and_(
            Minor.grade.is_distinct_from(Minor.grade_suggested),
            Minor.grade_suggested.is_distinct_from(Minor.grade_decided_for),
        ),
    )


class GradeChange(Base):
    """Append-only history of a minor's confirmed grade (who, when, from, to, why)."""

    __tablename__ = "grade_change"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    minor_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("minor.id"), index=True)
    minor_row = written_after("Minor")
    from_grade: so.Mapped[str | None] = so.mapped_column(sa.String(6))
    to_grade: so.Mapped[str | None] = so.mapped_column(sa.String(6))
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    changed_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    changed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    source: so.Mapped[str] = so.mapped_column(sa.String(10), default="api")


class CategoryChange(Base):
    """Append-only history of manual category additions and removals."""

    __tablename__ = "category_change"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    minor_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("minor.id"), index=True)
    minor_row = written_after("Minor")
    category: so.Mapped[str] = so.mapped_column(sa.String(24))
    action: so.Mapped[str] = so.mapped_column(sa.String(10))
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    changed_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    changed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
