"""Per-street settings for the rules (age limits, periods, visit intervals), over rules.json defaults."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import g, has_app_context
from marshmallow import ValidationError, fields, validate, validates_schema
from sqlalchemy import orm as so

from server.core.db import Base, JSONType, UTCDateTime, utcnow
from server.core.extensions import db
from server.core.validation import StrictSchema
from server.registry import rules


class StreetSettings(Base):
    __tablename__ = "street_settings"

    street_path: so.Mapped[str] = so.mapped_column(sa.String(255), primary_key=True)
    values: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)
    updated_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


def _range(low: int, high: int) -> validate.Range:
    return validate.Range(low, high, error=f"应在{low}到{high}之间 / Must be between {low} and {high}.")


def _age(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=_range(0, 18), **kwargs)


class VisitIntervals(StrictSchema):
    red = fields.Integer(strict=True, validate=_range(1, 30))
    orange = fields.Integer(strict=True, validate=_range(1, 60))
    yellow = fields.Integer(strict=True, validate=_range(1, 120))
    blue = fields.Integer(strict=True, validate=_range(1, 365))


class SettingsPatch(StrictSchema):
    """The thresholds local practice varies; anything else is an unknown field."""

    adult_age = fields.Integer(strict=True, validate=_range(16, 18))
    left_behind_max_age = _age()
    left_behind_requires_rural_hukou = fields.Boolean()
    idle_min_age = _age()
    idle_working_age = _age()
    out_of_school_months = fields.Integer(strict=True, validate=_range(1, 24))
    in_difficulty_max_disability_grade = fields.Integer(strict=True, validate=_range(1, 4))
    in_difficulty_serious_illness = fields.Boolean()
    red_first_response_hours = fields.Integer(strict=True, validate=_range(1, 72))
    visit_interval_days = fields.Nested(VisitIntervals)

    @validates_schema
    def _severity_order(self, data: dict, **_kwargs) -> None:
        intervals = data.get("visit_interval_days") or {}
        merged = {**rules.DEFAULT_SETTINGS["visit_interval_days"], **intervals}
        if not merged["red"] <= merged["orange"] <= merged["yellow"] <= merged["blue"]:
            raise ValidationError(
                "更严重的等级走访间隔不能更长 / A more severe grade cannot be visited less often.",
                "visit_interval_days",
            )


def street_path_of(path: str | None) -> str | None:
    if not path:
        return None
    first = path.strip("/").split("/")[0]
    return f"/{first}/"


def settings_for(path: str | None) -> dict:
    """The effective settings of the street that ``path`` lies in (cached per app context)."""
    street = street_path_of(path)
    cache = g.setdefault("street_settings", {}) if has_app_context() else {}
    if street not in cache:
        row = db.session.get(StreetSettings, street) if street else None
        cache[street] = rules.merge_settings(rules.DEFAULT_SETTINGS, row.values if row else None)
    return cache[street]


def update_settings(street: str, changes: dict, user_id: int) -> dict:
    row = db.session.get(StreetSettings, street) or StreetSettings(street_path=street, values={})
    row.values = rules.merge_settings(row.values or {}, changes)
    row.updated_by = user_id
    row.updated_at = utcnow()
    db.session.add(row)
    if has_app_context():
        g.pop("street_settings", None)
    return settings_for(street)
